"""Database fixtures: a database of its own per test run on each real server, and SQLite.

PostgreSQL (127.0.0.1:5432, user postgres) and MariaDB/MySQL (127.0.0.1:3306,
root) are expected to run locally; each test run creates a uniquely named
database on each and drops it at the end, and every test starts from an empty
one. A server that does not answer skips its tests with the reason, unless
RESTORE_CONTRACTS_REQUIRE_DB=1 (CI), where it fails them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

REQUIRE_DB = os.environ.get("RESTORE_CONTRACTS_REQUIRE_DB") == "1"
PG_ADMIN = os.environ.get(
    "RESTORE_CONTRACTS_TEST_POSTGRESQL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MYSQL_ADMIN = os.environ.get(
    "RESTORE_CONTRACTS_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/mysql"
)
BACKENDS = ("sqlite", "postgresql", "mysql")
LOCK_TIMEOUT = 10
"""Seconds a reset waits for a lock held by a connection some test left open."""


@dataclass(frozen=True)
class Server:
    """A test run's database on a real server: its URL for the toolkit and an admin engine."""

    backend: str
    url: URL
    admin: Engine

    @property
    def spec(self) -> str:
        """The URL as a user would pass it (plain scheme, no driver)."""
        scheme = "postgresql" if self.backend == "postgresql" else "mysql"
        return self.url.set(drivername=scheme).render_as_string(hide_password=False)

    def reset(self) -> None:
        """Empty the test run's database; a connection a test left open fails it, not hangs it."""
        name = self.url.database
        if self.backend == "postgresql":
            with self.engine().connect() as db:
                db.execute(text(f"SET lock_timeout = '{LOCK_TIMEOUT}s'"))
                db.execute(text("DROP SCHEMA public CASCADE"))
                db.execute(text("CREATE SCHEMA public"))
                db.commit()
            return
        with self.admin.connect() as conn:
            conn.execute(text(f"SET SESSION lock_wait_timeout = {LOCK_TIMEOUT}"))
            conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
            conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))

    def engine(self) -> Engine:
        """A plain engine on the test run's database (for arranging and inspecting in tests)."""
        return create_engine(self.url, poolclass=NullPool)


def _unavailable(what: str, exc: Exception) -> None:
    reason = f"{what} does not answer: {str(exc).splitlines()[0]}"
    if REQUIRE_DB:
        pytest.fail(f"{reason} (RESTORE_CONTRACTS_REQUIRE_DB=1)", pytrace=False)
    pytest.skip(reason)


def _run_database(backend: str, admin_url: str) -> Iterator[Server]:
    url = make_url(admin_url)
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    name = f"rc_test_{os.getpid()}_{secrets.token_hex(4)}"
    quoted = f'"{name}"' if backend == "postgresql" else f"`{name}`"
    try:
        with admin.connect() as conn:
            suffix = "" if backend == "postgresql" else " CHARACTER SET utf8mb4"
            conn.execute(text(f"CREATE DATABASE {quoted}{suffix}"))
    except Exception as exc:
        admin.dispose()
        _unavailable(f"{backend} at {url.render_as_string(hide_password=True)}", exc)
    server = Server(backend, url.set(database=name), admin)
    try:
        yield server
    finally:
        with admin.connect() as conn:
            force = " WITH (FORCE)" if backend == "postgresql" else ""
            conn.execute(text(f"DROP DATABASE IF EXISTS {quoted}{force}"))
        admin.dispose()


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[Server]:
    """This test run's PostgreSQL database."""
    yield from _run_database("postgresql", PG_ADMIN)


@pytest.fixture(scope="session")
def mysql_server() -> Iterator[Server]:
    """This test run's MariaDB/MySQL database."""
    yield from _run_database("mysql", MYSQL_ADMIN)


@pytest.fixture
def pg(postgresql_server: Server) -> Server:
    """The PostgreSQL test database, emptied for this test."""
    postgresql_server.reset()
    return postgresql_server


@pytest.fixture
def my(mysql_server: Server) -> Server:
    """The MariaDB/MySQL test database, emptied for this test."""
    mysql_server.reset()
    return mysql_server


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind, as the URL a user would give."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'restore-contracts.db'}"
    fixture = "pg" if request.param == "postgresql" else "my"
    server: Server = request.getfixturevalue(fixture)
    return server.spec
