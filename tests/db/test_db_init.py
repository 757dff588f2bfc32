"""``db init``: creates the tables once, refuses foreign tables, and matches schemas/sql."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, Engine, inspect, text

from restore_contracts.cli import cli
from restore_contracts.db.create import InitReport, init_database
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import DatabaseError
from restore_contracts.db.tables import CONTRACT_TABLES, META_TABLE, build_metadata
from restore_contracts.db.urls import parse_url

SQL_DIR = Path(__file__).resolve().parents[2] / "schemas" / "sql"


def engine_for(url: str) -> Engine:
    """A writable engine on the test database."""
    return create_db_engine(parse_url(url))


def table_names(url: str) -> set[str]:
    """The tables that exist in the database."""
    engine = engine_for(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def snapshot(engine: Engine) -> dict[str, Any]:
    """Columns, keys and indexes of every table, as the database reports them."""
    with engine.connect() as conn:
        return _snapshot(conn)


def _snapshot(conn: Connection) -> dict[str, Any]:
    inspector = inspect(conn)
    result: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        result[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
            ],
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "fks": sorted(
                (
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    (fk.get("options") or {}).get("ondelete"),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (str(i["name"]), tuple(i["column_names"])) for i in inspector.get_indexes(table)
            ),
        }
    return result


class TestInit:
    def test_creates_every_table_then_keeps_them(self, db_url: str) -> None:
        """The first init creates the seven tables; the second changes nothing."""
        first = init_database(parse_url(db_url))
        second = init_database(parse_url(db_url))
        assert first == InitReport(created=CONTRACT_TABLES, kept=(), replaced=())
        assert second == InitReport(created=(), kept=CONTRACT_TABLES, replaced=())
        assert table_names(db_url) == {*CONTRACT_TABLES, META_TABLE}

    def test_refuses_a_table_it_did_not_create_until_forced(self, db_url: str) -> None:
        """An application's own workspaces table is left alone; --force replaces it."""
        engine = engine_for(db_url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE workspaces (id INTEGER PRIMARY KEY, name TEXT)"))
            conn.execute(text("INSERT INTO workspaces (id, name) VALUES (1, 'theirs')"))
        with pytest.raises(DatabaseError) as caught:
            init_database(parse_url(db_url))
        assert caught.value.format_message() == (
            "refusing to touch tables restore-contracts did not create: workspaces; "
            "pass --force to drop and recreate them (their rows are lost)"
        )
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, name FROM workspaces")).all() == [(1, "theirs")]
        assert table_names(db_url) == {"workspaces"}
        forced = init_database(parse_url(db_url), force=True)
        assert forced == InitReport(created=CONTRACT_TABLES[1:], kept=(), replaced=("workspaces",))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM workspaces")).scalar_one() == 0
        engine.dispose()

    def test_refuses_its_own_tables_made_from_other_ddl(self, db_url: str) -> None:
        """Tables created without foreign keys are not silently taken for the full DDL."""
        init_database(parse_url(db_url), foreign_keys=False)
        with pytest.raises(DatabaseError) as caught:
            init_database(parse_url(db_url))
        assert caught.value.format_message() == (
            "refusing to touch tables created from other DDL: managed_environments, "
            "backup_sets, backup_items, operation_runs, restore_runs, evidence_snapshots; "
            "pass --force to drop and recreate them (their rows are lost)"
        )
        forced = init_database(parse_url(db_url), force=True)
        assert forced == InitReport(created=(), kept=(), replaced=CONTRACT_TABLES)


class TestDdlFiles:
    def test_committed_ddl_builds_the_same_tables_as_init(self, db_url: str) -> None:
        """schemas/sql/<dialect>.sql applied by hand gives exactly the tables db init makes."""
        backend = parse_url(db_url).backend.name
        script = (SQL_DIR / f"{'mysql' if backend == 'mariadb' else backend}.sql").read_text()
        body = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
        engine = engine_for(db_url)
        with engine.begin() as conn:
            for statement in filter(None, (s.strip() for s in body.split(";"))):
                conn.execute(text(statement))
        by_hand = snapshot(engine)
        build_metadata().drop_all(engine)
        assert table_names(db_url) == set()
        init_database(parse_url(db_url))
        assert snapshot(engine) == by_hand
        assert set(by_hand) == {*CONTRACT_TABLES, META_TABLE}
        engine.dispose()


class TestInitCommand:
    def test_prints_what_it_did(self, tmp_path: Path) -> None:
        """The command lists each table and a one-line summary with the URL."""
        url = f"sqlite:///{tmp_path / 'rc.db'}"
        runner = CliRunner()
        first = runner.invoke(cli, ["db", "init", url])
        second = runner.invoke(cli, ["db", "init", url])
        assert (first.exit_code, second.exit_code) == (0, 0)
        assert first.output.splitlines() == [
            *(f"created  {t}" for t in CONTRACT_TABLES),
            f"{url}: 7 created, 0 replaced, 0 kept",
        ]
        assert second.output.splitlines()[-1] == f"{url}: 0 created, 0 replaced, 7 kept"

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            (
                "postgresql://postgres:topsecret@127.0.0.1:1/rc",
                "Error: cannot initialise postgresql://postgres:***@127.0.0.1:1/rc: cannot "
                'connect: connection failed: connection to server at "127.0.0.1", port 1 '
                "failed: Connection refused",
            ),
            (
                "mysql://root:topsecret@127.0.0.1:1/rc",
                "Error: cannot initialise mysql://root:***@127.0.0.1:1/rc: cannot connect: "
                "Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused) "
                "(error 2003)",
            ),
        ],
    )
    def test_unreachable_server_exits_2_in_one_line_without_the_password(
        self, url: str, expected: str
    ) -> None:
        """A server that does not answer is one masked line and exit code 2."""
        result = CliRunner().invoke(cli, ["db", "init", url])
        assert (result.exit_code, result.output.splitlines()) == (2, [expected])
        assert "topsecret" not in result.output

    def test_refusal_exits_2(self, tmp_path: Path) -> None:
        """A foreign table makes init exit 2 with the refusal as its only line."""
        url = f"sqlite:///{tmp_path / 'app.db'}"
        engine = engine_for(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE restore_runs (id INTEGER PRIMARY KEY)"))
        engine.dispose()
        result = CliRunner().invoke(cli, ["db", "init", url])
        assert (result.exit_code, result.output.splitlines()) == (
            2,
            [
                "Error: refusing to touch tables restore-contracts did not create: "
                "restore_runs; pass --force to drop and recreate them (their rows are lost)"
            ],
        )
