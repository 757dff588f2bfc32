"""Round trip: generate, seed, validate from the database = validate the NDJSON files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from restore_contracts.config import Assumptions
from restore_contracts.db.errors import DatabaseError
from restore_contracts.db.reader import DatabaseSource
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.urls import parse_url
from restore_contracts.errors import InputError
from restore_contracts.generators import (
    MUTATIONS,
    build_coverage,
    build_random,
    build_scenario,
    mutate,
)
from restore_contracts.generators.world import World
from restore_contracts.validators import RULES, ValidationResult, open_source, validate
from restore_contracts.validators.fastpath import fast_converter
from restore_contracts.validators.tables import PROOFS


def write_ndjson(worlds: Iterable[World], directory: Path) -> Path:
    """The worlds' tables as an export: one NDJSON file per table, rows as the world holds
    them (an exported derived view included, as a mutation may have changed it)."""
    directory.mkdir(parents=True, exist_ok=True)
    lines: dict[str, list[bytes]] = {}
    for world in worlds:
        for table, rows in world.tables.items():
            lines.setdefault(table, []).extend(orjson.dumps(row) + b"\n" for row in rows)
    for table, rows in lines.items():
        (directory / f"{table}.ndjson").write_bytes(b"".join(rows))
    return directory


def comparable(result: ValidationResult) -> dict[str, Any]:
    """A validation result without what depends on the input's form (source, line)."""
    return {
        "findings": sorted(
            (f.code, f.severity, f.table, str(f.id), f.pointer, f.message) for f in result.findings
        ),
        "rows": result.rows,
        "skipped": result.skipped,
    }


def validate_both(worlds: list[World], db_url: str, tmp_path: Path) -> tuple[Any, Any]:
    """Validation results from the NDJSON export and from the seeded database."""
    files = open_source(str(write_ndjson(worlds, tmp_path / "export")))
    try:
        from_files = validate(files, Assumptions())
    finally:
        files.close()
    seed_worlds(parse_url(db_url), worlds)
    with DatabaseSource(db_url) as source:
        from_db = validate(source, Assumptions())
    return from_files, from_db


class TestRoundTrip:
    def test_coverage_set_is_clean_from_every_database(self, db_url: str, tmp_path: Path) -> None:
        """Coverage set and random worlds: the same result from files and database, no error.

        Legacy statuses and runs older than the operation_run_id column are reported
        as info by design; nothing else is reported.
        """
        worlds = [*build_coverage(5), *build_random(5, 6)]
        from_files, from_db = validate_both(worlds, db_url, tmp_path)
        assert comparable(from_db) == comparable(from_files)
        assert {f.severity for f in from_db.findings} == {"info"}
        assert {f.code for f in from_db.findings} == {"RR104", "RR506"}
        assert all(f.source == f"{f.table}#{f.id}" for f in from_db.findings)
        assert from_db.source == db_url


_EVERYWHERE = {
    "RR006": "a primary key holds each id once",
    "RR103": "a table has no column for a name the contract does not know",
}
_JSON_COLUMNS = {"RR102": "a json / jsonb column refuses text that is not JSON"}
NOT_STORABLE: dict[str, dict[str, str]] = {
    "sqlite": _EVERYWHERE,
    "postgresql": _EVERYWHERE | _JSON_COLUMNS,
    "mysql": _EVERYWHERE | _JSON_COLUMNS,
}
"""Mutation code -> why a database of that kind cannot hold the mutated row (seeding it
is refused in one line instead). Every other mutation must round-trip."""

INFO_BY_DESIGN = {"RR104", "RR506"}
"""Info findings the generated worlds carry on purpose (legacy statuses, old runs)."""


DERIVED_VIEW = "rule skipped: the derived view (restore_run_proofs) is not a database table"


class TestMutations:
    def test_each_mutation_gives_exactly_its_rule_from_the_database(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """Every mutated world: the database reports what the NDJSON files report, and that
        is exactly the mutated rule; a row no such database can hold is refused in one line,
        and a rule on the derived view is skipped (the view is computed, never persisted)."""
        backend = parse_url(db_url).backend.name
        backend = "mysql" if backend == "mariadb" else backend
        expected: dict[str, Any] = {}
        actual: dict[str, Any] = {}
        for code, mutation in sorted(MUTATIONS.items()):
            world = mutate(build_scenario(mutation.base_scenario, 7), code)
            derived = PROOFS in RULES[code].tables
            files = open_source(str(write_ndjson([world], tmp_path / code)))
            try:
                from_files = validate(files, Assumptions())
            finally:
                files.close()
            assert code in {f.code for f in from_files.findings}, code
            reason = NOT_STORABLE[backend].get(code)
            if reason:
                expected[code] = "not storable"
            elif derived:
                expected[code] = DERIVED_VIEW
            else:
                expected[code] = comparable(from_files)
            try:
                seed_worlds(parse_url(db_url), [world], replace=True, foreign_keys=False)
            except (InputError, DatabaseError):
                actual[code] = "not storable"
                continue
            with DatabaseSource(db_url) as source:
                from_db = validate(source, Assumptions())
            reported = {f.code for f in from_db.findings} - (INFO_BY_DESIGN - {code})
            if derived and code in from_db.skipped and not reported:
                actual[code] = DERIVED_VIEW
            elif reported != {code}:
                actual[code] = {"reported": sorted(reported)}
            else:
                actual[code] = comparable(from_db)
        assert len(expected) == len(MUTATIONS) > 0
        assert actual == expected


class TestExportEncoding:
    def test_database_rows_take_the_fast_path(self, db_url: str) -> None:
        """Rows read back are canonical export rows: the validators accept them without models."""
        worlds = list(build_coverage(5))
        seed_worlds(parse_url(db_url), worlds)
        with DatabaseSource(db_url) as source:
            slow = [
                record.location
                for table in source.tables()
                for record in source.records(table)
                if fast_converter(table)(record.data or {}) is None  # type: ignore[misc]
            ]
        assert slow == []
