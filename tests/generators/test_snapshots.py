"""Byte snapshots (pytest-snapshot) pin generated output for a few scenarios and seeds.

A change to any value, key order or encoding shows up here; regenerate on purpose with
``pytest tests/generators/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from restore_contracts.generators import build_random, build_scenario
from restore_contracts.generators.writers import write_worlds

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _bytes(worlds: list, fmt: str, **options: object) -> bytes:  # type: ignore[type-arg]
    buffer = io.BytesIO()
    write_worlds(worlds, fmt, "-", stdout=buffer, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("scenario", "seed"),
    [("completed", 1), ("failed", 2), ("dry_run_completed", 3), ("evidence_latest_any_pending", 1)],
)
def test_scenario_json(snapshot, scenario: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    """A scenario's JSON document is byte-identical to its snapshot."""
    snapshot.snapshot_dir = SNAPSHOTS
    snapshot.assert_match(
        _bytes([build_scenario(scenario, seed)], "json"), f"{scenario}-{seed}.json"
    )


def test_random_ndjson(snapshot) -> None:  # type: ignore[no-untyped-def]
    """Three random worlds of seed 5 as NDJSON lines, derived view included."""
    snapshot.snapshot_dir = SNAPSHOTS
    worlds = list(build_random(5, 3, items=2))
    snapshot.assert_match(_bytes(worlds, "ndjson", with_derived=True), "random-5.ndjson")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_unicode_sql(snapshot, dialect: str) -> None:  # type: ignore[no-untyped-def]
    """Unicode, quotes and backslashes in SQL literals, per dialect."""
    snapshot.snapshot_dir = SNAPSHOTS
    world = build_scenario("unicode_display_names", 1)
    data = _bytes([world], "sql", dialect=dialect, tables=["backup_items"])
    snapshot.assert_match(data, f"unicode-backup-items.{dialect}.sql")


def test_unicode_csv(snapshot) -> None:  # type: ignore[no-untyped-def]
    """The same rows as PostgreSQL COPY CSV."""
    snapshot.snapshot_dir = SNAPSHOTS
    world = build_scenario("unicode_display_names", 1)
    snapshot.assert_match(_bytes([world], "csv", tables=["restore_runs"]), "unicode-runs.csv")
