"""Differential test: every way a database is read reports the same, finding for finding.

MariaDB/MySQL tables are read as one JSON text per row that the server renders
(JSON_QUOTE of every value, a JSON column embedded as it is when the server
finds it an object or array) and offered to the fast decoder; SQLite's, and a
MySQL table a line cannot carry, row by row from the driver's values into the
row converter. Both are held to the engine's record path (the models, no fast
path at all) and to the row-by-row read of MySQL (``lines=False``): the same
findings, locations, messages, order and row counts, for every mutation of the
catalogue and for tables holding hostile and Laravel-shaped values in every
column (JSON the server accepts and orjson does not, JSON nested past the
server's limit, text of text, control characters, REAL and BLOB values in
SQLite, application columns of types a line cannot carry), in UTC and in a
timezone with an offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from restore_contracts.config import Assumptions
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import DatabaseError
from restore_contracts.db.reader import DatabaseSource
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.tables import CONTRACT_TABLES
from restore_contracts.db.urls import parse_url
from restore_contracts.errors import InputError
from restore_contracts.generators import MUTATIONS, build_random, build_scenario, mutate
from restore_contracts.validators import ValidationResult, validate
from restore_contracts.validators.fastpath import fast_decoder
from restore_contracts.validators.source import Record
from restore_contracts.validators.tables import COLUMNS

from ..hostile.test_fastpath_differential import NUMBERS, TEXTS, TIMESTAMP_TEXTS
from .conftest import Server

ZONES = ("UTC", "Asia/Kathmandu")


class RecordsOnly:
    """A database source offering only its records: every row takes the engine's record
    path (the models), none a fast path."""

    def __init__(self, source: DatabaseSource) -> None:
        self.source = source
        self.name = source.name

    def tables(self) -> list[str]:
        return self.source.tables()

    def records(self, table: str) -> Iterator[Record]:
        return self.source.records(table)

    def close(self) -> None:
        self.source.close()


def read(url: str, *, how: str, zone: str = "UTC") -> tuple[Any, ...]:
    """Everything a validation reports about a database, in its order: read as lines the
    server renders (``lines``), row by row (``rows``) or as records only (``records``)."""
    source: Any = DatabaseSource(url, lines=how == "lines")
    if how == "records":
        source = RecordsOnly(source)
    try:
        result: ValidationResult = validate(source, Assumptions(timezone=zone))
    finally:
        source.close()
    return (list(result.findings), result.rows, result.skipped, result.applied)


def assert_same_reading(url: str) -> tuple[Any, ...]:
    """Lines, rows and records report the same, in every zone."""
    for zone in ZONES:
        reference = read(url, how="records", zone=zone)
        assert read(url, how="rows", zone=zone) == reference
        assert read(url, how="lines", zone=zone) == reference
    return reference


@pytest.fixture(params=["sqlite", "mysql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty SQLite file or this run's MariaDB/MySQL database (emptied)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lines.db'}"
    server: Server = request.getfixturevalue("my")
    return server.spec


def _mutations() -> list[str]:
    return sorted(MUTATIONS)


class TestMutationCatalogue:
    def test_every_mutation_reads_the_same_as_row_by_row(self, url: str) -> None:
        """Each mutated world the database can hold: the same findings both ways."""
        held = 0
        for code in _mutations():
            mutation = MUTATIONS[code]
            world = mutate(build_scenario(mutation.base_scenario, 7), code)
            try:
                seed_worlds(parse_url(url), [world], replace=True, foreign_keys=False)
            except (InputError, DatabaseError):
                continue  # a row no such database can hold (see test_db_round_trip)
            held += 1
            reference = read(url, how="records")
            assert (code, read(url, how="rows")) == (code, reference)
            assert (code, read(url, how="lines")) == (code, reference)
        assert held > len(MUTATIONS) // 2


JSON_TEXTS = [
    "{}",
    "[]",
    '{"a": 1}',
    ' {"a": 1} ',
    "\n[1, 2]\t",
    "5",
    '"x"',
    "null",
    "true",
    '{"a":1.}',
    '{"a":-}',
    '{"a":1e}',
    '{"a":"\\x"}',
    '{"a":1e400}',
    '{"items":{},"x":1e400}',
    '{"foundations":[],"items":{},"note":-1e999}',
    "[" * 40 + "]" * 40,
    '{"a":"\\ud800"}',
    '{"a":123456789012345678901234567890}',
    '{"a":1,"a":2}',
    '{"total":1,"total":"x"}',
    "nope",
    "{nope",
    '"{\\"a\\": 1}"',
    '"[]"',
    '{"a":"\u2028 caf\u00e9 \U0001f600"}',
    '{"a":"\\u0000\\n\\"\\\\"}',
    '{"generated_at":"2026-03-01T10:00:00Z","items":[]}',
    '{"generated_at":"2026-03-01 10:00:00","items":{"12":{"action":"create"}}}',
    '{"total":1,"succeeded":1,"execution_safety_snapshot":{"checks_passed":1}}',
    '[{"type":"x"}]',
    "[[]]",
    "{'a': 1}",
]
"""JSON column text: valid, valid to MariaDB only (``1.``, ``\\x``, ``1e400``), valid to
orjson only (nested 40 deep), scalars, text of text, and invalid."""

TEXT_VALUES = [
    *TEXTS,
    *TIMESTAMP_TEXTS,
    "".join(chr(code) for code in range(32)),
    'quote " backslash \\ slash / tab \t',
    "\u00e9\u2603\U0001f600\u2028\u2029\ufeff",
    "2026-03-01 10:00:00",
]
INTEGERS = [n for n in NUMBERS if isinstance(n, int)] + [True, False]
VALUES: list[Any] = [None, *INTEGERS, *TEXT_VALUES, *JSON_TEXTS]
SQLITE_ONLY: list[Any] = [1.5, -0.0, 1e300, 0.1, b"", b"abc", b"{}", b"\xff\xfe", b"\x00"]
"""SQLite stores any value in any column: REAL and BLOB values a line cannot carry."""

MYSQL_EXTRA = {
    "backup_items": [
        "note VARCHAR(60) CHARACTER SET latin1 NULL",
        "kind ENUM('a', 'b') NULL",
        "small TINYINT NULL",
        "stamp DATETIME(6) NULL",
        "doc JSON NULL",
        "plain_text MEDIUMTEXT NULL",
    ],
    "workspaces": ["ratio DECIMAL(6, 2) NULL"],
    "managed_environments": ["padded INT(5) ZEROFILL NULL"],
    "backup_sets": ["raw VARBINARY(16) NULL"],
    "operation_runs": ["measure DOUBLE NULL"],
    "evidence_snapshots": ["day DATE NULL", "spent TIME NULL"],
}
"""Application columns: text in another character set, ENUM, a microsecond DATETIME and a
JSON column the contract does not name keep the line; DECIMAL, ZEROFILL, binary, DOUBLE,
DATE and TIME keep their table row by row."""
MYSQL_PLAIN_JSON = {"backup_items": "payload", "restore_runs": "results"}
"""JSON columns made LONGTEXT without MariaDB's json_valid check, so they hold any text."""
EXTRA_VALUES: list[Any] = [1.5, "0.1", "2026-03-01", "10:00:00", "a", "b", b"\x00\xff"]


def _hostile_database(url: str) -> int:
    """Random worlds, then a hostile or Laravel-shaped value in each column of staggered
    rows; returns how many values the database took."""
    seed_worlds(parse_url(url), build_random(11, 4), replace=True)
    sqlite = parse_url(url).backend.name == "sqlite"
    engine = create_db_engine(parse_url(url))
    taken = 0
    with engine.connect() as conn:
        if not sqlite:
            conn.execute(text("SET SESSION foreign_key_checks = 0"))
            for table, column in MYSQL_PLAIN_JSON.items():
                conn.execute(text(f"ALTER TABLE {table} MODIFY {column} LONGTEXT NULL"))
        extra: dict[str, list[str]] = {}
        for table, columns in MYSQL_EXTRA.items():
            for column in columns:
                if sqlite:
                    column = column.split()[0]
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column}"))
                extra.setdefault(table, []).append(column.split()[0])
        values = VALUES + (SQLITE_ONLY if sqlite else [])
        for table in sorted(CONTRACT_TABLES):
            ids = [row[0] for row in conn.execute(text(f"SELECT id FROM {table} ORDER BY id"))]
            if not ids:
                continue
            columns = sorted(COLUMNS[table] - {"id"}) + extra.get(table, [])
            for index, column in enumerate(columns):
                candidates = values + (EXTRA_VALUES if column in extra.get(table, []) else [])
                for offset, value in enumerate(candidates):
                    key = ids[(index * 7 + offset) % len(ids)]
                    taken += _update(conn, table, column, value, key)
        conn.commit()
    engine.dispose()
    return taken


def _update(conn: Connection, table: str, column: str, value: Any, key: Any) -> int:
    """Set one value if the database holds it (strict MySQL refuses some); 1 if it did."""
    savepoint = conn.begin_nested()
    try:
        conn.execute(
            text(f"UPDATE {table} SET {column} = :v WHERE id = :k"), {"v": value, "k": key}
        )
    except (DBAPIError, OverflowError):
        savepoint.rollback()
        return 0
    savepoint.commit()
    return 1


JSON_COLUMNS = {
    "restore_runs": ("requested_items", "preview", "results", "metadata"),
    "backup_items": ("payload",),
    "operation_runs": ("summary_counts", "failure_summary", "context"),
    "evidence_snapshots": ("summary",),
}


def _one_value_per_row(url: str) -> int:
    """One random world, then a copy of a canonical row of each table with a JSON column
    for each JSON text in each of those columns, alone (no other problem in the row can
    hide what the JSON text does); returns how many copies the database took."""
    seed_worlds(parse_url(url), build_random(3, 1), replace=True)
    sqlite = parse_url(url).backend.name == "sqlite"
    engine = create_db_engine(parse_url(url))
    taken = 0
    with engine.connect() as conn:
        if not sqlite:
            conn.execute(text("SET SESSION foreign_key_checks = 0"))
            for table, columns in JSON_COLUMNS.items():
                for column in columns:
                    conn.execute(text(f"ALTER TABLE {table} MODIFY {column} LONGTEXT NULL"))
        for table, columns in JSON_COLUMNS.items():
            names = list(conn.execute(text(f"SELECT * FROM {table} LIMIT 0")).keys())
            base, top = conn.execute(text(f"SELECT MIN(id), MAX(id) FROM {table}")).one()
            copied = ", ".join(names)
            others = ", ".join(":key" if name == "id" else name for name in names)
            for column in columns:
                for value in JSON_TEXTS:
                    top += 1
                    conn.execute(
                        text(
                            f"INSERT INTO {table} ({copied}) SELECT {others} FROM {table} "
                            "WHERE id = :base"
                        ),
                        {"key": top, "base": base},
                    )
                    taken += _update(conn, table, column, value, top)
        conn.commit()
    engine.dispose()
    return taken


class TestHostileValues:
    def test_each_json_text_alone_in_a_canonical_row_reads_the_same(self, url: str) -> None:
        """Every JSON text in every JSON column of an otherwise canonical row."""
        taken = _one_value_per_row(url)
        findings, _, _, _ = assert_same_reading(url)
        assert taken == len(JSON_TEXTS) * sum(len(c) for c in JSON_COLUMNS.values())
        assert len(findings) > 50

    def test_hostile_and_laravel_values_read_the_same_as_row_by_row(self, url: str) -> None:
        """Every column of every table holding odd values: the same findings both ways."""
        taken = _hostile_database(url)
        findings, rows, _, _ = assert_same_reading(url)
        assert taken > 500
        assert len(findings) > 100
        assert sum(rows.values()) > 0


def decoded(url: str, table: str) -> list[tuple[str, bool]]:
    """Each row's location and whether it came as a line the fast decoder accepted."""
    with DatabaseSource(url) as source:
        source.tables()
        found = source.decoded_rows(table, fast_decoder(table))
        assert found is not None
        return [(location, done) for location, _, done in found]


class TestFallbacks:
    def test_mariadb_rows_arrive_as_lines_and_sqlite_rows_as_values(self, url: str) -> None:
        """Canonical rows: MariaDB's come as decoded lines, SQLite's as the driver's values."""
        seed_worlds(parse_url(url), build_random(5, 2), replace=True)
        read_back = decoded(url, "backup_items")
        lines = parse_url(url).backend.name != "sqlite"
        assert len(read_back) > 10
        assert {done for _, done in read_back} == {lines}

    def test_mariadb_json_that_orjson_refuses_resumes_row_by_row(self, my: Server) -> None:
        """A JSON column MariaDB finds valid and orjson does not, amid a table: the rows
        before it come as lines, that row and the rest row by row, each once and in
        order, with the row-by-row read's finding for that row."""
        url = my.spec
        seed_worlds(parse_url(url), build_random(5, 2), replace=True)
        with my.engine().connect() as conn:
            ids = [row[0] for row in conn.execute(text("SELECT id FROM backup_items ORDER BY id"))]
            bad = ids[len(ids) // 2]
            conn.execute(
                text("UPDATE backup_items SET payload = :v WHERE id = :k"),
                {"v": '{"a":1.}', "k": bad},
            )
            conn.commit()
        findings, rows, _, _ = assert_same_reading(url)
        assert [f.source for f in findings if f.table == "backup_items"] == [f"backup_items#{bad}"]
        assert rows["backup_items"] == len(ids)
        assert decoded(url, "backup_items") == [(f"backup_items#{key}", key < bad) for key in ids]
