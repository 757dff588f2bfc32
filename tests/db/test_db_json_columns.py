"""JSON columns reach the validators the same way from every database: double encoding is RR109."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from sqlalchemy import text

from restore_contracts.config import Assumptions
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.reader import DatabaseSource
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.urls import parse_url
from restore_contracts.generators import build_scenario
from restore_contracts.generators.world import World
from restore_contracts.validators import Finding, validate
from restore_contracts.validators.source import Record

RUNS = "restore_runs"


def _double_encoded() -> World:
    """A completed world whose metadata was json_encoded before the array cast encoded it."""
    world = build_scenario("completed", 7)
    run = world.restore_run()
    run["metadata"] = orjson.dumps(orjson.dumps(run["metadata"]).decode()).decode()
    return world


class _RecordsOnly:
    """A database source without its JSON-line stream: every row takes the record path."""

    def __init__(self, source: DatabaseSource) -> None:
        self._source = source
        self.name = source.name

    def tables(self) -> list[str]:
        return self._source.tables()

    def records(self, table: str) -> Iterator[Record]:
        return self._source.records(table)

    def close(self) -> None:
        self._source.close()


def _identity(found: list[Finding]) -> list[tuple[str, str, Any, str]]:
    return [(f.code, f.table, f.id, f.pointer) for f in found]


class TestDoubleEncoding:
    def test_every_backend_and_reading_path_gives_one_rr109(self, db_url: str) -> None:
        """PostgreSQL jsonb, MariaDB and SQLite text: one RR109, streamed or record by record."""
        world = _double_encoded()
        seed_worlds(parse_url(db_url), [world], replace=True, foreign_keys=False)
        expected = [("RR109", RUNS, world.restore_run()["id"], "/metadata")]
        with DatabaseSource(db_url) as source:
            streamed = validate(source, Assumptions()).findings
        with DatabaseSource(db_url) as source:
            by_record = validate(_RecordsOnly(source), Assumptions()).findings
        assert (expected, expected) == (_identity(streamed), _identity(by_record))

    @pytest.mark.parametrize("kind", ["json", "jsonb"])
    def test_postgresql_json_and_jsonb_columns_agree(self, pg: Any, kind: str) -> None:
        """A Laravel `json` column (not jsonb) is read like jsonb: objects pass, strings of JSON
        are RR109, on both reading paths."""
        clean = build_scenario("completed", 7)
        broken = _double_encoded()
        for world in (clean, broken):
            seed_worlds(parse_url(pg.spec), [world], replace=True, foreign_keys=False)
            engine = create_db_engine(parse_url(pg.spec))
            with engine.begin() as conn:
                conn.execute(
                    text(
                        f"ALTER TABLE restore_runs ALTER COLUMN metadata TYPE {kind} "
                        f"USING metadata::{kind}"
                    )
                )
            engine.dispose()
            with DatabaseSource(pg.spec) as source:
                streamed = _identity(validate(source, Assumptions()).findings)
            with DatabaseSource(pg.spec) as source:
                by_record = _identity(validate(_RecordsOnly(source), Assumptions()).findings)
            expected = (
                [] if world is clean else [("RR109", RUNS, world.restore_run()["id"], "/metadata")]
            )
            assert (expected, expected) == (streamed, by_record)

    def test_postgresql_records_hand_json_columns_over_decoded(self, pg: Any) -> None:
        """The record path selects json/jsonb as text and decodes it: objects arrive as objects."""
        world = build_scenario("completed", 7)
        seed_worlds(parse_url(pg.spec), [world], replace=True, foreign_keys=False)
        with DatabaseSource(pg.spec) as source:
            row = next(r for r in source.records(RUNS)).data
        assert isinstance(row, dict)
        expected = world.restore_run()["metadata"]
        assert expected == row["metadata"]
