"""Writers: every format round-trips the rows, stdout rules hold, writes are atomic."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from restore_contracts.config import Assumptions
from restore_contracts.contracts import (
    TABLE_MODELS,
    EvidenceSnapshot,
    OperationRun,
    RestoreRun,
    RestoreRunProof,
)
from restore_contracts.derivations import derive_proof
from restore_contracts.errors import InputError
from restore_contracts.generators import World, build_random, build_scenario, merge_worlds
from restore_contracts.generators.writers import (
    PROOF_TABLE,
    csv_field,
    ndjson_lines,
    sql_literal,
    table_columns,
    write_worlds,
)

TABLES = list(TABLE_MODELS)
JSON_COLUMNS = {
    "backup_items": {"payload"},
    "operation_runs": {"summary_counts", "failure_summary", "context"},
    "restore_runs": {"requested_items", "preview", "results", "metadata"},
    "evidence_snapshots": {"summary"},
}


@pytest.fixture(scope="module")
def worlds() -> list[World]:
    """Three scenario worlds with special characters, a dry run and several snapshots."""
    return [
        build_scenario("unicode_display_names", 1),
        build_scenario("dry_run_completed", 1),
        build_scenario("evidence_latest_any_unavailable", 1),
    ]


def all_rows(worlds: list[World], table: str) -> list[dict[str, Any]]:
    return [row for world in worlds for row in world.rows(table)]


class TestNdjson:
    """NDJSON: one file per table, one row per line, in world order."""

    def test_files_per_table_round_trip(self, worlds: list[World], tmp_path: Path) -> None:
        """Each <table>.ndjson parses back to exactly the worlds' rows of that table."""
        paths = write_worlds(worlds, "ndjson", tmp_path)
        assert [tmp_path / f"{t}.ndjson" for t in TABLES] == paths
        read = {
            t: [json.loads(line) for line in (tmp_path / f"{t}.ndjson").read_text().splitlines()]
            for t in TABLES
        }
        assert {t: all_rows(worlds, t) for t in TABLES} == read

    def test_stdout_lines_name_their_table(self, worlds: list[World]) -> None:
        """To stdout every line is {"table": ..., "row": ...}, parents first per world."""
        buffer = io.BytesIO()
        write_worlds(worlds[:1], "ndjson", "-", stdout=buffer)
        lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
        expected = [{"table": t, "row": r} for t in TABLES for r in worlds[0].rows(t)]
        assert expected == lines

    def test_streams_many_worlds_with_unique_ids(self, tmp_path: Path) -> None:
        """Random worlds written together never repeat a primary key in any table."""
        write_worlds(build_random(3, 60), "ndjson", tmp_path)
        duplicates = {}
        for table in TABLES:
            ids = [
                json.loads(x)["id"] for x in (tmp_path / f"{table}.ndjson").read_text().splitlines()
            ]
            duplicates[table] = len(ids) - len(set(ids))
        assert dict.fromkeys(TABLES, 0) == duplicates


class TestNdjsonLines:
    """Splitting one dump of a row list into lines equals dumping each row."""

    @staticmethod
    def _one_by_one(rows: list[dict[str, Any]]) -> bytes:
        return b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in rows)

    def test_generated_tables(self) -> None:
        """For every table of 40 random worlds and the coverage set, bytes are identical."""
        worlds = [*build_random(8, 40), build_scenario("unicode_display_names", 1)]
        tables = [rows for w in worlds for rows in w.tables.values() if rows]
        assert [self._one_by_one(r) for r in tables] == [ndjson_lines(r) for r in tables]

    @pytest.mark.parametrize(
        "rows",
        [
            [{"id": 1, "x": [{"id": 2}, {"id": 3}]}, {"id": 4}],
            [{"id": 1, "name": '},{"id": tricky'}, {"id": 2, "name": '},{\\"id\\":'}],
            [{"name": "no id first", "id": 1}, {"id": 2, "x": [{"a": 1}, {"id": 5}]}],
            [{"restore_run_id": 1}, {"restore_run_id": 2}],
            [{"id": 1}, {}, {"id": 3}],
        ],
    )
    def test_awkward_rows_fall_back_or_split_exactly(self, rows: list[dict[str, Any]]) -> None:
        """Nested id objects, look-alike strings and other first keys never mis-split."""
        assert self._one_by_one(rows) == ndjson_lines(rows)


class TestJson:
    """JSON: one document per world, table -> rows, every table present."""

    def test_one_file_per_world(self, worlds: list[World], tmp_path: Path) -> None:
        """<world>.json holds {table: rows} for every table, in insert order."""
        paths = write_worlds(worlds, "json", tmp_path)
        assert [tmp_path / f"{w.name}.json" for w in worlds] == paths
        expected = {w.name: {t: w.rows(t) for t in TABLES} for w in worlds}
        read = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in paths}
        assert (expected, [TABLES] * 3) == (read, [list(read[w.name]) for w in worlds])

    def test_stdout_takes_exactly_one_world(self, worlds: list[World]) -> None:
        """One world goes to stdout as one object; two are refused with a one-line error."""
        buffer = io.BytesIO()
        write_worlds(worlds[:1], "json", "-", stdout=buffer)
        with pytest.raises(InputError) as refused:
            write_worlds(worlds[:2], "json", "-", stdout=io.BytesIO())
        expected = (
            {t: worlds[0].rows(t) for t in TABLES},
            "json to stdout holds exactly one world, got more; use --out DIR or --format ndjson",
        )
        assert expected == (json.loads(buffer.getvalue()), refused.value.format_message())


class TestCsv:
    """CSV: as PostgreSQL COPY ... CSV HEADER writes it."""

    def test_field_encoding(self) -> None:
        """NULL empty and unquoted, '' quoted, t/f, JSON as text, quotes doubled."""
        values = [None, "", True, False, 42, "plain", 'say "hi", ok', "line\nbreak", {"a": [1]}]
        expected = [
            "",
            '""',
            "t",
            "f",
            "42",
            "plain",
            '"say ""hi"", ok"',
            '"line\nbreak"',
            '"{""a"":[1]}"',
        ]
        assert expected == [csv_field(v) for v in values]

    @staticmethod
    def _as_text(value: Any) -> str:
        """What a CSV reader gets back for a value PostgreSQL exported."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, dict | list):
            return orjson.dumps(value).decode()
        return str(value)

    def test_files_read_back_as_exported_text(self, worlds: list[World], tmp_path: Path) -> None:
        """Every CSV cell reads back as the row's value in PostgreSQL's text form."""
        write_worlds(worlds, "csv", tmp_path)
        read, headers = {}, {}
        for table in TABLES:
            with (tmp_path / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                headers[table] = next(reader)
                read[table] = [dict(zip(headers[table], r, strict=True)) for r in reader]
        expected = {
            t: [{k: self._as_text(v) for k, v in row.items()} for row in all_rows(worlds, t)]
            for t in TABLES
        }
        assert ({t: table_columns(t) for t in TABLES}, expected) == (headers, read)

    def test_stdout_needs_one_table(self, worlds: list[World]) -> None:
        """CSV to stdout works for one table and is refused for several."""
        buffer = io.BytesIO()
        write_worlds(worlds, "csv", "-", tables=["workspaces"], stdout=buffer)
        with pytest.raises(InputError) as refused:
            write_worlds(worlds, "csv", "-", stdout=io.BytesIO())
        lines = buffer.getvalue().decode().splitlines()
        expected = (
            ["id,name,slug,created_at,updated_at", 4],
            "csv to stdout needs exactly one table: add --table NAME",
        )
        assert expected == ([lines[0], len(lines)], refused.value.format_message())


class TestSql:
    """SQL: INSERTs per dialect, quoted and escaped as each database reads them."""

    def test_literals_per_dialect(self) -> None:
        """Strings, backslashes, booleans, NULL and JSON become the right literals."""
        values = [None, True, False, 7, "it's", "back\\slash", {"k": "v'"}]
        expected = {
            "postgresql": [
                "NULL",
                "TRUE",
                "FALSE",
                "7",
                "'it''s'",
                "'back\\slash'",
                """'{"k":"v''"}'""",
            ],
            "mysql": ["NULL", "1", "0", "7", "'it''s'", "'back\\\\slash'", """'{"k":"v''"}'"""],
            "sqlite": ["NULL", "1", "0", "7", "'it''s'", "'back\\slash'", """'{"k":"v''"}'"""],
        }
        assert expected == {d: [sql_literal(v, d) for v in values] for d in expected}

    def test_sqlite_script_loads_the_same_rows(self, worlds: list[World], tmp_path: Path) -> None:
        """Executing the sqlite script into real tables gives back every row and value."""
        [path] = write_worlds(worlds, "sql", tmp_path, dialect="sqlite")
        connection = sqlite3.connect(":memory:")
        for table in TABLES:
            columns = ", ".join(f'"{c}"' for c in table_columns(table))
            connection.execute(f'CREATE TABLE "{table}" ({columns})')
        connection.executescript(path.read_text(encoding="utf-8"))
        read, expected = {}, {}
        for table in TABLES:
            cursor = connection.execute(f'SELECT * FROM "{table}" ORDER BY id')
            names = [d[0] for d in cursor.description]
            json_columns = JSON_COLUMNS.get(table, set())
            read[table] = [
                {
                    n: (orjson.loads(v) if n in json_columns and v is not None else v)
                    for n, v in zip(names, row, strict=True)
                }
                for row in cursor
            ]
            expected[table] = [
                {k: (int(v) if isinstance(v, bool) else v) for k, v in row.items()}
                for row in sorted(all_rows(worlds, table), key=lambda r: r["id"])
            ]
        assert expected == read

    def test_mysql_script_header_sets_up_the_connection(self, tmp_path: Path) -> None:
        """The MySQL script sets utf8mb4, backslash escapes and one transaction."""
        [path] = write_worlds([build_scenario("draft", 1)], "sql", tmp_path, dialect="mysql")
        lines = path.read_text().splitlines()
        expected = [
            "-- restore-contracts fixtures for mysql; tables in insert order",
            "SET NAMES utf8mb4;",
            "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '');",
            "START TRANSACTION;",
        ]
        assert (
            expected,
            "COMMIT;",
            "INSERT INTO `workspaces` (`id`, `name`, `slug`, `created_at`, `updated_at`) VALUES",
        ) == (lines[:4], lines[-1], lines[5])


class TestDerivedView:
    """--with-derived writes restore_run_proofs, each equal to the derivation."""

    def test_proof_rows_equal_the_derivation(self, worlds: list[World], tmp_path: Path) -> None:
        """Each proof row validates as RestoreRunProof and equals derive_proof for its run."""
        write_worlds(worlds, "ndjson", tmp_path, with_derived=True)
        lines = (tmp_path / f"{PROOF_TABLE}.ndjson").read_text().splitlines()
        read = [RestoreRunProof.model_validate_json(line) for line in lines]
        expected = []
        for world in worlds:
            run = RestoreRun.model_validate(world.restore_run())
            ops = [OperationRun.model_validate(r) for r in world.rows("operation_runs")]
            snaps = [EvidenceSnapshot.model_validate(r) for r in world.rows("evidence_snapshots")]
            expected.append(derive_proof(run, ops[0] if ops else None, snaps, Assumptions()))
        assert expected == read

    def test_derived_table_needs_the_flag(self, worlds: list[World], tmp_path: Path) -> None:
        """Asking for restore_run_proofs without --with-derived is a one-line error."""
        with pytest.raises(InputError) as refused:
            write_worlds(worlds, "ndjson", tmp_path, tables=[PROOF_TABLE])
        expected = "table restore_run_proofs is derived: add --with-derived"
        assert expected == refused.value.format_message()


class TestAtomicity:
    """A failure while writing leaves no partial file and keeps what was there."""

    @staticmethod
    def _failing(worlds: list[World]) -> Iterator[World]:
        yield worlds[0]
        raise RuntimeError("generator broke")

    @pytest.mark.parametrize("fmt", ["ndjson", "csv", "sql"])
    def test_failure_mid_way_leaves_nothing(
        self, worlds: list[World], tmp_path: Path, fmt: str
    ) -> None:
        """After a mid-stream failure the directory holds only the file that was there."""
        (tmp_path / "restore_runs.ndjson").write_text("previous\n")
        with pytest.raises(RuntimeError):
            write_worlds(self._failing(worlds), fmt, tmp_path)
        expected = (["restore_runs.ndjson"], "previous\n")
        assert expected == (
            sorted(p.name for p in tmp_path.iterdir()),
            (tmp_path / "restore_runs.ndjson").read_text(),
        )


class TestMerge:
    """Merging worlds keeps every row and refuses duplicate ids."""

    def test_merge_keeps_rows_in_order(self, worlds: list[World]) -> None:
        """The merged world has every table's rows, world after world, and united covers."""
        merged = merge_worlds(worlds)
        expected = {t: all_rows(worlds, t) for t in TABLES}
        assert (expected, ["completed", "partial"]) == (merged.tables, merged.covers["status"])

    def test_duplicate_ids_are_refused(self) -> None:
        """The same scenario with the same seed twice collides on its fixed id block."""
        with pytest.raises(InputError) as refused:
            merge_worlds([build_scenario("draft", 1), build_scenario("draft", 1)])
        expected = "cannot merge world 'draft': workspaces id 1100001 already present"
        assert expected == refused.value.format_message()


class TestChoices:
    """Unknown formats, dialects and tables are one-line errors listing valid values."""

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"fmt": "xml"}, "unknown format 'xml'; valid formats: json, ndjson, csv, sql, php"),
            (
                {"fmt": "sql", "dialect": "oracle"},
                "unknown dialect 'oracle'; valid dialects: postgresql, mysql, sqlite",
            ),
            ({"fmt": "json", "dialect": "mysql"}, "--dialect applies to --format sql only"),
            (
                {"fmt": "json", "tables": ["users"]},
                "unknown table 'users'; valid tables: workspaces, managed_environments, "
                "backup_sets, backup_items, operation_runs, restore_runs, evidence_snapshots, "
                "restore_run_proofs",
            ),
        ],
    )
    def test_refused(self, kwargs: dict[str, Any], message: str, tmp_path: Path) -> None:
        """The error names the bad value and every valid one, on one line."""
        fmt = kwargs.pop("fmt")
        with pytest.raises(InputError) as refused:
            write_worlds([], fmt, tmp_path, **kwargs)
        assert message == refused.value.format_message()
