"""Round trip: generate, seed, validate from the database = validate the NDJSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from restore_contracts.config import Assumptions
from restore_contracts.db.reader import DatabaseSource
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.urls import parse_url
from restore_contracts.generators import build_coverage, build_random
from restore_contracts.generators.world import World
from restore_contracts.validators import ValidationResult, open_source, validate
from restore_contracts.validators.fastpath import fast_converter


def write_ndjson(worlds: list[World], directory: Path) -> Path:
    """The worlds as an export directory: one NDJSON file per table."""
    directory.mkdir(parents=True, exist_ok=True)
    lines: dict[str, list[bytes]] = {}
    for world in worlds:
        for table, rows in world.tables.items():
            lines.setdefault(table, []).extend(orjson.dumps(row) for row in rows)
    for table, rows in lines.items():
        (directory / f"{table}.ndjson").write_bytes(b"".join(row + b"\n" for row in rows))
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
