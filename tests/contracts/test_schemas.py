"""The published JSON Schemas: valid, complete with provenance, pinned and drift-checked."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator, ValidationError
from referencing.exceptions import Unresolvable

from restore_contracts.cli import cli
from restore_contracts.contracts import CONTRACTS
from restore_contracts.provenance import PROVENANCE_KEY, Provenance
from restore_contracts.schemas import (
    ANNOTATION_KEYWORDS,
    DECODED,
    EXPORT,
    SCHEMA_SETS,
    SchemaSet,
    check_schemas,
    json_schema_files,
    published_schema,
    schema_registry,
    validator_for,
)
from restore_contracts.validators.tables import JSON_COLUMNS, ROW_MODELS

REPO_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
SNAPSHOTS = Path(__file__).parent / "snapshots" / "schemas"
PUBLISHED = [(s, name) for s in SCHEMA_SETS for name in s.contracts]


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every (path, property schema) in a schema and its $defs."""
    found = []
    for name, prop in schema.get("properties", {}).items():
        found.append((f"{schema.get('title')}.{name}", prop))
    for definition in schema.get("$defs", {}).values():
        found.extend(_properties(definition))
    return found


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every object (sub-schema) inside a schema, the schema itself first."""
    if isinstance(node, list):
        return [found for item in node for found in _walk(item)]
    if not isinstance(node, dict):
        return []
    return [node, *(found for value in node.values() for found in _walk(value))]


@pytest.mark.parametrize(
    ("schema_set", "name"), PUBLISHED, ids=[s.filename(n) for s, n in PUBLISHED]
)
class TestEachSchema:
    """One generated schema per contract and set."""

    def test_is_valid_draft_2020_12(self, schema_set: SchemaSet, name: str) -> None:
        """The schema validates against the 2020-12 metaschema."""
        Draft202012Validator.check_schema(published_schema(name, schema_set))

    def test_every_property_has_provenance(self, schema_set: SchemaSet, name: str) -> None:
        """No field reaches a schema without saying how sure we are of it."""
        properties = _properties(published_schema(name, schema_set))
        assert properties
        missing = [path for path, prop in properties if PROVENANCE_KEY not in prop]
        assert missing == []
        labels = {prop[PROVENANCE_KEY] for _, prop in properties}
        assert labels <= {p.value for p in Provenance}

    def test_no_assumed_value_set_is_an_enum(self, schema_set: SchemaSet, name: str) -> None:
        """Only repo-verified properties carry an enum (directly or by $ref); assumed value
        sets are x-vocabulary annotations, never presented as the schema's fact."""
        schema = published_schema(name, schema_set)
        defs = schema.get("$defs", {})

        def has_enum(prop: dict[str, Any]) -> bool:
            ref = prop.get("$ref", "")
            target = defs.get(ref.removeprefix("#/$defs/"), {}) if ref else {}
            return "enum" in prop or "enum" in target

        enums = [
            (path, prop[PROVENANCE_KEY])
            for path, prop in _properties(schema)
            if has_enum(prop) and prop[PROVENANCE_KEY] != Provenance.REPO_VERIFIED.value
        ]
        assert enums == []

    def test_has_identity(self, schema_set: SchemaSet, name: str) -> None:
        """$schema, $id, title and description come first, so other tools can cite it."""
        schema = published_schema(name, schema_set)
        head = list(schema)[:4]
        assert head == ["$schema", "$id", "title", "description"]
        assert f"{schema_set.id_prefix}{name}" == schema["$id"]
        assert schema["description"]

    def test_every_reference_resolves_locally(self, schema_set: SchemaSet, name: str) -> None:
        """Each $ref names a definition of the same file or the $id of a published file."""
        schema = published_schema(name, schema_set)
        ids = {s.schema_id(n) for s, n in PUBLISHED}
        defs = {f"#/$defs/{d}" for d in schema.get("$defs", {})}
        refs = {node["$ref"] for node in _walk(schema) if "$ref" in node}
        assert refs - ids - defs == set()

    def test_snapshot(self, schema_set: SchemaSet, name: str, snapshot: Any) -> None:
        """The bytes of each schema are pinned; a change is reviewed, never accidental."""
        snapshot.snapshot_dir = SNAPSHOTS / schema_set.directory
        snapshot.assert_match(
            json_schema_files()[schema_set.filename(name)].decode(), f"{name}.json"
        )


def _run(**changes: Any) -> dict[str, Any]:
    """A minimal valid restore_runs row with some columns changed."""
    row: dict[str, Any] = {
        "id": 1,
        "managed_environment_id": 2,
        "workspace_id": 3,
        "backup_set_id": 4,
        "is_dry_run": False,
        "status": "completed",
    }
    return row | changes


def _messages(validator: Draft202012Validator, row: dict[str, Any]) -> list[str]:
    return sorted(f"{e.json_path}: {e.message}" for e in validator.iter_errors(row))


def _leaves(errors: Iterable[ValidationError]) -> Iterator[str]:
    """The innermost errors under each error (each alternative of an anyOf), with their path."""
    for error in errors:
        if error.context:
            yield from _leaves(error.context)
        else:
            yield f"{error.json_path}: {error.message}"


class TestSchemaSets:
    """The decoded set reads JSON columns decoded only; the export set also as JSON text."""

    def test_only_export_row_schemas_take_json_text(self) -> None:
        """JSON text is offered in export/ at exactly the JSON columns, nowhere in schemas/."""

        def json_text_columns(schema_set: SchemaSet) -> dict[str, list[str]]:
            found = {}
            for name in schema_set.contracts:
                properties = published_schema(name, schema_set).get("properties", {})
                columns = [
                    column
                    for column, prop in properties.items()
                    if any("contentMediaType" in node for node in _walk(prop))
                ]
                if columns:
                    found[name] = columns
            return found

        schema_of = {m: n for n, m in CONTRACTS.items()}
        expected = {
            schema_of[model]: [c for c in model.model_fields if c in JSON_COLUMNS[table]]
            for table, model in ROW_MODELS.items()
            if JSON_COLUMNS[table]
        }
        assert ({}, expected) == (json_text_columns(DECODED), json_text_columns(EXPORT))
        assert not any(
            "contentMediaType" in node
            for name in DECODED.contracts
            for node in _walk(published_schema(name, DECODED))
        )

    def test_requested_items_as_text(self) -> None:
        """ "all" fails the decoded schema at its column; the export schema reads JSON text."""
        registry = schema_registry(REPO_SCHEMAS)
        decoded = validator_for("restore_run", DECODED, registry)
        export = validator_for("restore_run", EXPORT, registry)
        assert _messages(decoded, _run(requested_items="all")) == [
            "$.requested_items: 'all' is not valid under any of the given schemas"
        ]
        assert _messages(decoded, _run(requested_items=[12, 13])) == []
        assert _messages(export, _run(requested_items="[12, 13]")) == []
        assert _messages(export, _run(requested_items=[12, 13])) == []

    def test_nested_contract_is_checked_through_its_id(self) -> None:
        """A results item with a bad status code fails through the results schema's $id."""
        validator = validator_for("restore_run", DECODED, schema_registry(REPO_SCHEMAS))
        results = {"items": {"12": {"status": "failed", "http_status": "403"}}}
        assert _messages(validator, _run(results=results)) == [
            "$.results: {'items': {'12': {'status': 'failed', 'http_status': '403'}}} "
            "is not valid under any of the given schemas"
        ]
        leaves = sorted(_leaves(validator.iter_errors(_run(results=results))))
        assert leaves == [
            "$.results.items: {'12': {'status': 'failed', 'http_status': '403'}} "
            "is not of type 'array'",
            "$.results.items['12'].http_status: '403' is not of type 'integer'",
            "$.results.items['12'].http_status: '403' is not of type 'null'",
            "$.results: {'items': {'12': {'status': 'failed', 'http_status': '403'}}} "
            "is not of type 'array'",
            "$.results: {'items': {'12': {'status': 'failed', 'http_status': '403'}}} "
            "is not of type 'null'",
        ]

    def test_no_network_is_needed(self) -> None:
        """Without the registry a reference to another file does not resolve: no retrieval."""
        schema = json.loads((REPO_SCHEMAS / "restore_run.schema.json").read_text())
        with pytest.raises(Unresolvable):
            Draft202012Validator(schema).validate(_run(results={"items": {}}))

    def test_annotation_keywords_are_the_x_keywords_used(self) -> None:
        """ANNOTATION_KEYWORDS (what ajv registers) is exactly the set of x- keys in the files."""
        used = {
            key
            for s, name in PUBLISHED
            for node in _walk(published_schema(name, s))
            for key in node
            if key.startswith("x-")
        }
        assert sorted(used) == sorted(ANNOTATION_KEYWORDS)


class TestDrift:
    """``schemas --check`` compares the committed files with the models."""

    def test_committed_schemas_match(self) -> None:
        """The repository's schemas/ is exactly what the models generate."""
        assert check_schemas(REPO_SCHEMAS) == []

    def test_check_names_each_stale_file(self, tmp_path: Path) -> None:
        """A changed, a missing and a stray file are each named, and the command exits 1."""
        runner = CliRunner()
        assert runner.invoke(cli, ["schemas", "--out", str(tmp_path)]).exit_code == 0
        (tmp_path / "restore_run.schema.json").write_text("{}\n")
        (tmp_path / "workspace.schema.json").unlink()
        (tmp_path / "stray.schema.json").write_text("{}\n")
        (tmp_path / "export" / "backup_set.schema.json").unlink()
        (tmp_path / "export" / "restore_run_results.schema.json").write_text("{}\n")
        result = runner.invoke(cli, ["schemas", "--check", "--dir", str(tmp_path)])
        assert result.exit_code == 1
        assert [
            f"{tmp_path}/restore_run.schema.json: differs from the models",
            f"{tmp_path}/workspace.schema.json: missing",
            f"{tmp_path}/export/backup_set.schema.json: missing",
            f"{tmp_path}/stray.schema.json: not generated by any model",
            f"{tmp_path}/export/restore_run_results.schema.json: not generated by any model",
            f"schemas are out of date: run `restore-contracts schemas --out {tmp_path}`",
        ] == result.stderr.splitlines()

    def test_check_passes_on_fresh_output(self, tmp_path: Path) -> None:
        """Freshly written schemas pass the check with exit 0."""
        runner = CliRunner()
        runner.invoke(cli, ["schemas", "--out", str(tmp_path)])
        result = runner.invoke(cli, ["schemas", "--check", "--dir", str(tmp_path)])
        assert result.exit_code == 0
        assert (
            f"{tmp_path}: 12 decoded-document schemas, 8 export schemas (export/) "
            "and 3 SQL files match the models\n"
        ) == result.stdout

    def test_schemas_needs_an_action(self) -> None:
        """Without --out or --check the command says what it needs and exits 2."""
        result = CliRunner().invoke(cli, ["schemas"])
        assert result.exit_code == 2
        assert "give --out DIR to write the schemas or --check to compare them" in result.stderr

    def test_written_files_are_json(self, tmp_path: Path) -> None:
        """Every written file parses as JSON and ends with a newline."""
        CliRunner().invoke(cli, ["schemas", "--out", str(tmp_path)])
        paths = sorted(tmp_path.glob("**/*.schema.json"))
        assert len(paths) == len(CONTRACTS) + len(EXPORT.contracts)
        for path in paths:
            text = path.read_text()
            assert text.endswith("}\n")
            assert isinstance(json.loads(text), dict)
