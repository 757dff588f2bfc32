"""Every generated row validates against the committed JSON Schemas and the pydantic models."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from restore_contracts.contracts import TABLE_MODELS, RestoreRunProof
from restore_contracts.generators import World, build_coverage, build_random, proof_rows
from restore_contracts.generators.writers import PROOF_TABLE, write_worlds
from restore_contracts.schemas import DECODED, EXPORT, SchemaSet, schema_registry, validator_for

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
SCHEMA_OF = {
    "workspaces": "workspace",
    "managed_environments": "managed_environment",
    "backup_sets": "backup_set",
    "backup_items": "backup_item",
    "operation_runs": "operation_run",
    "restore_runs": "restore_run",
    "evidence_snapshots": "evidence_snapshot",
    PROOF_TABLE: "restore_run_proof",
}
MODEL_OF: dict[str, Any] = {**TABLE_MODELS, PROOF_TABLE: RestoreRunProof}


def _validators(schema_set: SchemaSet) -> dict[str, Draft202012Validator]:
    """One Draft 2020-12 validator per table, from the committed files of one set."""
    registry = schema_registry(SCHEMAS)
    found = {}
    for table, name in SCHEMA_OF.items():
        schema = json.loads((SCHEMAS / schema_set.filename(name)).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        found[table] = validator_for(name, schema_set, registry)
    return found


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    """Validators of the decoded documents (schemas/)."""
    return _validators(DECODED)


@pytest.fixture(scope="module")
def export_validators() -> dict[str, Draft202012Validator]:
    """Validators of rows as text exports carry them (schemas/export/)."""
    return _validators(EXPORT)


@pytest.fixture(scope="module")
def coverage() -> list[World]:
    """The coverage set for seed 1."""
    return list(build_coverage(1))


def _problems(
    worlds: list[World], validators: dict[str, Draft202012Validator]
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for world in worlds:
        tables = {**world.tables, PROOF_TABLE: proof_rows(world)}
        for table, rows in tables.items():
            for row in rows:
                where = f"{world.name}/{table}/{row.get('id', row.get('restore_run_id'))}"
                found = [e.message for e in validators[table].iter_errors(row)]
                try:
                    MODEL_OF[table].model_validate(row)
                except ValueError as exc:
                    found.append(str(exc))
                if found:
                    problems[where] = found
    return problems


class TestSchemas:
    """jsonschema and pydantic both accept every generated row."""

    def test_coverage_rows_validate(
        self, coverage: list[World], validators: dict[str, Draft202012Validator]
    ) -> None:
        """Every row of every table of the coverage set, derived view included, is valid."""
        expected: dict[str, list[str]] = {}
        assert expected == _problems(coverage, validators)

    def test_random_rows_validate(self, validators: dict[str, Draft202012Validator]) -> None:
        """Rows of random worlds in two locales are valid too."""
        worlds = [*build_random(21, 30), *build_random(22, 20, locale="ja_JP")]
        expected: dict[str, list[str]] = {}
        assert expected == _problems(worlds, validators)

    def test_csv_text_rows_validate_against_export_schemas(
        self,
        coverage: list[World],
        export_validators: dict[str, Draft202012Validator],
        tmp_path: Path,
    ) -> None:
        """The coverage set exported as CSV text satisfies the export schemas, which describe
        text encodings (ids, booleans, timestamps, JSON columns as JSON text)."""
        write_worlds(coverage, "csv", tmp_path)
        text_columns = {
            "backup_sets": {"item_count", "created_by"},
            "restore_runs": {"requested_by"},
            "operation_runs": {"user_id"},
        }
        problems = []
        for table in TABLE_MODELS:
            with (tmp_path / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    data = {k: (None if v == "" else v) for k, v in row.items()}
                    for column in text_columns.get(table, ()):
                        # plain integer columns have no text form in the schema: as read by
                        # a typed reader, they are numbers again
                        if data[column] is not None and data[column].isdigit():
                            data[column] = int(data[column])
                    problems += [
                        f"{table}/{row['id']}: {e.message}"
                        for e in export_validators[table].iter_errors(data)
                    ]
        assert problems == []
