"""The database source: known tables, table#id locations, read-only, streamed, one-line errors."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import DatabaseError
from restore_contracts.db.reader import DatabaseSource, to_native
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.tables import CONTRACT_TABLES
from restore_contracts.db.urls import parse_url
from restore_contracts.generators import build_coverage
from restore_contracts.validators.source import Source
from tests.db.db_worlds import completed_world, dry_run_world


def seeded(url: str) -> str:
    """The URL after seeding two small worlds into it."""
    seed_worlds(parse_url(url), [completed_world(), dry_run_world(100)])
    return url


class TestSource:
    def test_is_a_source(self, tmp_path: Path) -> None:
        """DatabaseSource implements the Source protocol."""
        assert isinstance(DatabaseSource(f"sqlite:///{tmp_path / 'x.db'}"), Source)

    def test_lists_known_tables_parents_first(self, db_url: str) -> None:
        """Contract tables present are listed in reading order; others are not offered."""
        url = seeded(db_url)
        engine = create_db_engine(parse_url(url))
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY)"))
        engine.dispose()
        with DatabaseSource(url) as source:
            assert source.tables() == list(CONTRACT_TABLES)

    def test_records_are_located_by_table_and_id(self, db_url: str) -> None:
        """Each record says table#id, in id order, with no line number."""
        with DatabaseSource(seeded(db_url)) as source:
            records = list(source.records("backup_items"))
        assert [(r.table, r.location, r.line, r.problem) for r in records] == [
            ("backup_items", f"backup_items#{i}", None, None) for i in (30, 31, 130, 131)
        ]

    def test_name_masks_the_password(self) -> None:
        """Reports name the source by its URL with the password hidden."""
        source = DatabaseSource("postgresql://reader:hunter2@db.example/app")
        assert source.name == "postgresql://reader:***@db.example/app"

    def test_interleaved_streams(self, db_url: str) -> None:
        """A second table can be read while the first is still being streamed."""
        with DatabaseSource(seeded(db_url), fetch_size=1) as source:
            outer = source.records("backup_items")
            first = next(outer)
            inner = [r.location for r in source.records("workspaces")]
            rest = [r.location for r in outer]
        assert (first.location, inner, rest) == (
            "backup_items#30",
            ["workspaces#1", "workspaces#101"],
            ["backup_items#31", "backup_items#130", "backup_items#131"],
        )


class TestReadOnly:
    def test_the_reading_transaction_refuses_writes(self, db_url: str) -> None:
        """Even a write attempted on the source's own connection is refused by the database."""
        with DatabaseSource(seeded(db_url)) as source:
            conn = source._checkout()  # the connection records() reads through
            with pytest.raises(SQLAlchemyError) as caught:
                conn.execute(text("DELETE FROM evidence_snapshots"))
        message = str(caught.value.orig)
        assert any(
            marker in message
            for marker in ("read-only transaction", "READ ONLY transaction", "readonly database")
        ), message
        with DatabaseSource(db_url) as source:
            assert [r.location for r in source.records("evidence_snapshots")] == [
                "evidence_snapshots#60"
            ]

    def test_a_missing_sqlite_file_is_an_error_not_a_new_database(self, tmp_path: Path) -> None:
        """Reading never creates the file it was pointed at."""
        path = tmp_path / "nope.db"
        with pytest.raises(DatabaseError) as caught:
            DatabaseSource(f"sqlite:///{path}").tables()
        assert caught.value.format_message() == (
            f"cannot read sqlite:///{path}: cannot connect: no such file '{path}'"
        )
        assert not path.exists()

    def test_a_missing_table_is_one_line(self, db_url: str) -> None:
        """Reading a table the database lacks names it and the database."""
        engine = create_db_engine(parse_url(db_url))
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY)"))
        engine.dispose()
        with DatabaseSource(db_url) as source, pytest.raises(DatabaseError) as caught:
            list(source.records("restore_runs"))
        assert caught.value.format_message().startswith(
            f"cannot read table restore_runs from {db_url}: missing table: "
        )


class TestStreaming:
    def test_postgresql_reads_through_a_server_side_cursor(self, pg: Any) -> None:
        """While a table is being read, the server sees FETCH on a declared cursor, not a scan."""
        worlds = list(build_coverage(2))
        seed_worlds(parse_url(pg.spec), worlds)
        assert sum(len(w.rows("backup_items")) for w in worlds) > 50
        engine = pg.engine()
        with DatabaseSource(pg.spec, fetch_size=2) as source:
            records = source.records("backup_items")
            next(records)
            with engine.connect() as conn:
                activity = conn.execute(
                    text(
                        "SELECT query FROM pg_stat_activity "
                        "WHERE application_name = 'restore-contracts' "
                        "AND datname = current_database()"
                    )
                ).all()
            records.close()
        engine.dispose()
        assert len(activity) == 1
        assert activity[0].query.startswith("FETCH FORWARD "), activity[0].query

    def test_stopping_early_ends_the_fetching_thread(self, db_url: str) -> None:
        """A reader that stops after one record leaves no thread or open cursor behind."""
        with DatabaseSource(seeded(db_url), fetch_size=1) as source:
            records = source.records("backup_items")
            next(records)
            records.close()
            assert [r.location for r in source.records("workspaces")] == [
                "workspaces#1",
                "workspaces#101",
            ]
        assert [t.name for t in threading.enumerate() if t.name == "restore-contracts-fetch"] == []

    def test_a_connection_lost_mid_table_is_one_line(self, pg: Any) -> None:
        """A server that drops the connection while rows stream is reported, not hung on."""
        seed_worlds(parse_url(pg.spec), list(build_coverage(2)))
        engine = pg.engine()
        with DatabaseSource(pg.spec, fetch_size=2) as source:
            records = source.records("backup_items")
            next(records)
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = 'restore-contracts' "
                        "AND datname = current_database()"
                    )
                )
            with pytest.raises(DatabaseError) as caught:
                list(records)
        engine.dispose()
        assert caught.value.format_message().startswith(
            f"cannot read table backup_items from {pg.spec}: "
        )


class TestJsonLines:
    def test_postgresql_rows_arrive_as_export_lines(self, pg: Any) -> None:
        """Each row is one JSON line located table#id, equal to the record of the same row."""
        seed_worlds(parse_url(pg.spec), list(build_coverage(2)))
        with DatabaseSource(pg.spec, fetch_size=3) as source:
            for table in source.tables():
                lines = list(source.json_lines(table) or [])
                records = list(source.records(table))
                assert [(loc, line) for loc, line, _ in lines] == [
                    (r.location, None) for r in records
                ]
                assert [orjson.loads(text) for _, _, (text,) in lines] == [r.data for r in records]

    def test_other_databases_stream_records(self, tmp_path: Path) -> None:
        """SQLite (like MySQL) offers no JSON lines: the validators read its records."""
        with DatabaseSource(seeded(f"sqlite:///{tmp_path / 'rc.db'}")) as source:
            assert source.json_lines("restore_runs") is None


class TestPostgresqlRoles:
    def test_select_only_role_reads_everything_and_writes_nothing(self, pg: Any) -> None:
        """A role with SELECT alone can read every table; a table it may not read exits 2."""
        seeded(pg.spec)
        role = f"rc_reader_{secrets.token_hex(4)}"
        admin = pg.engine()
        database = pg.url.database
        with admin.begin() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'rc-reader-secret'"))
            conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {role}'))
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
            conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
        reader_url = pg.url.set(username=role, password="rc-reader-secret")
        reader_spec = reader_url.set(drivername="postgresql").render_as_string(False)
        try:
            with DatabaseSource(reader_spec) as source:
                read = {t: len(list(source.records(t))) for t in source.tables()}
            assert read == {
                "workspaces": 2,
                "managed_environments": 2,
                "backup_sets": 2,
                "backup_items": 4,
                "operation_runs": 1,
                "restore_runs": 2,
                "evidence_snapshots": 1,
            }
            with admin.begin() as conn:
                conn.execute(text(f"REVOKE SELECT ON evidence_snapshots FROM {role}"))
            with DatabaseSource(reader_spec) as source, pytest.raises(DatabaseError) as caught:
                list(source.records("evidence_snapshots"))
            assert caught.value.format_message() == (
                f"cannot read table evidence_snapshots from "
                f"postgresql://{role}:***@127.0.0.1:5432/{database}: permission denied: "
                "permission denied for table evidence_snapshots"
            )
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))
            admin.dispose()


class TestToNative:
    def test_driver_types_become_json_native(self) -> None:
        """Decimal, bytes, UUID, dates and datetimes become what an export would carry (UTC)."""
        values = [
            Decimal("12"),
            Decimal("1.5"),
            b"caf\xc3\xa9",
            b"\xff\x00",
            uuid.UUID("6f1c1a52-1f0e-4bd4-9a57-0c4b8f3d2a11"),
            dt.date(2026, 3, 22),
            dt.time(10, 2),
            dt.timedelta(hours=1),
            dt.datetime(2026, 3, 22, 10, 2),
            dt.datetime(2026, 3, 22, 12, 2, 0, 500, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ]
        assert [to_native(v) for v in values] == [
            12,
            1.5,
            "café",
            "ff00",
            "6f1c1a52-1f0e-4bd4-9a57-0c4b8f3d2a11",
            "2026-03-22",
            "10:02:00",
            "1:00:00",
            "2026-03-22 10:02:00",
            "2026-03-22 10:02:00.000500",
        ]
