"""The committed DDL and the generators' SQL fixtures work together on every real database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pymysql
from pymysql.constants import CLIENT

from restore_contracts.config import Assumptions
from restore_contracts.db.reader import DatabaseSource
from restore_contracts.db.urls import parse_url
from restore_contracts.generators import build_coverage
from restore_contracts.generators.writers import write_worlds
from restore_contracts.validators import open_source, validate
from tests.db.test_db_round_trip import comparable

SQL_DIR = Path(__file__).resolve().parents[2] / "schemas" / "sql"


def run_script(url: str, script: str) -> None:
    """Run a whole SQL file the way its database's own client would."""
    parsed = parse_url(url)
    name = parsed.backend.name
    if name == "sqlite":
        with sqlite3.connect(str(parsed.sqlite_path)) as conn:
            conn.executescript(script)
        return
    u = parsed.url
    if name == "postgresql":
        with psycopg.connect(
            host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True
        ) as conn:
            conn.execute(script.encode())
        return
    conn = pymysql.connect(
        host=u.host,
        port=u.port or 3306,
        user=u.username,
        database=u.database,
        charset="utf8mb4",
        client_flag=CLIENT.MULTI_STATEMENTS,
        autocommit=True,
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute(script)
            while cursor.nextset():
                pass
    finally:
        conn.close()


class TestSqlFiles:
    def test_ddl_file_then_sql_fixtures_validate_like_ndjson(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """schemas/sql/<dialect>.sql plus `generate --format sql` give the NDJSON findings."""
        backend = parse_url(db_url).backend.name
        dialect = "mysql" if backend == "mariadb" else backend
        worlds = list(build_coverage(4))
        write_worlds(worlds, "ndjson", tmp_path / "ndjson")
        write_worlds(worlds, "sql", tmp_path / "sql", dialect=dialect)
        run_script(db_url, (SQL_DIR / f"{dialect}.sql").read_text())
        run_script(db_url, (tmp_path / "sql" / f"fixtures.{dialect}.sql").read_text())
        files = open_source(str(tmp_path / "ndjson"))
        try:
            from_files = validate(files, Assumptions())
        finally:
            files.close()
        with DatabaseSource(db_url) as source:
            from_db = validate(source, Assumptions())
        assert comparable(from_db) == comparable(from_files)
        assert sum(from_db.rows.values()) == sum(
            len(w.rows(t)) for w in worlds for t in from_db.rows
        )
