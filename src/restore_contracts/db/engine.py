"""Engines configured the way the application's connections are: UTC, utf8mb4, foreign keys.

Laravel sets MySQL sessions to ``+00:00`` and turns SQLite's foreign keys on;
the toolkit does the same, so timestamps mean the same thing whichever
database they were written to or read from. A missing driver is reported with
the extra that installs it, before any connection is attempted.

No wait is unbounded: connecting gives up after the timeout (``--timeout``,
default :data:`DEFAULT_TIMEOUT` seconds), and so does a reading engine's wait
for any answer the server owes (MySQL/MariaDB: a server that accepts the
connection and then says nothing). The lock and statement timeouts of the
read-only transaction are set by the reader (:func:`session_timeouts`).
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from restore_contracts.db.errors import DatabaseError, MissingDriverError
from restore_contracts.db.urls import MARIADB, MYSQL, POSTGRESQL, SQLITE, DatabaseUrl

DEFAULT_TIMEOUT = 30.0
"""Seconds any one wait on a database may last (connecting, a lock, a statement, an answer)."""

ANSWER_MARGIN = 2
"""Seconds a reading MySQL/MariaDB client waits for an answer beyond the timeout."""

CONNECT_TIMEOUT = DEFAULT_TIMEOUT
"""Seconds to wait for a server before reporting that it cannot be reached (the default)."""

_TIMEOUT: contextvars.ContextVar[float] = contextvars.ContextVar(
    "restore_contracts_db_timeout", default=DEFAULT_TIMEOUT
)


def current_timeout() -> float:
    """The timeout engines created now use: :func:`database_timeout`'s, else the default."""
    return _TIMEOUT.get()


@contextlib.contextmanager
def database_timeout(seconds: float | None) -> Iterator[None]:
    """Within the block, every database wait is bounded by ``seconds`` (None: the default)."""
    if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
        from restore_contracts.errors import InputError

        raise InputError(f"--timeout must be a positive number of seconds, got {seconds}")
    token = _TIMEOUT.set(DEFAULT_TIMEOUT if seconds is None else seconds)
    try:
        yield
    finally:
        _TIMEOUT.reset(token)


def session_timeouts(backend: str, seconds: float) -> list[str]:
    """Statements bounding lock waits and statements in a reading transaction.

    PostgreSQL: ``SET LOCAL`` lock_timeout and statement_timeout (the reader's
    server-side cursor fetches are statements of their own, so a long table is
    not cut short). MySQL/MariaDB: the metadata-lock and row-lock waits; a
    streamed table is one statement for as long as it is read, so it is
    bounded by the read timeout on each answer instead of a statement timeout.
    """
    if backend == POSTGRESQL.name:
        ms = max(1, math.ceil(seconds * 1000))
        return [f"SET LOCAL lock_timeout = {ms}", f"SET LOCAL statement_timeout = {ms}"]
    if backend in (MYSQL.name, MARIADB.name):
        whole = max(1, math.ceil(seconds))
        return [
            f"SET SESSION lock_wait_timeout = {whole}",
            f"SET SESSION innodb_lock_wait_timeout = {whole}",
        ]
    return []


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def require_driver(url: DatabaseUrl) -> None:
    """Import the URL's driver, or say which extra installs it."""
    try:
        importlib.import_module(url.backend.module)
    except ImportError:
        raise MissingDriverError(
            f"the {url.backend.name} driver ({url.backend.module}) is not installed: "
            f"{url.backend.install_hint}"
        ) from None


def create_db_engine(
    url: DatabaseUrl, *, read_only: bool = False, timeout: float | None = None
) -> Engine:
    """An engine for ``url``; ``read_only`` configures it for reading exports.

    ``timeout`` (default: :func:`current_timeout`) bounds connecting, and for
    a reading engine on MySQL/MariaDB every wait for the server's answer.

    A reading engine gets timestamps as the server's text (PostgreSQL with
    DateStyle ISO, MySQL's own format): 'Y-m-d H:i:s', exactly what exports
    carry, with no datetime to build and format again; PostgreSQL's JSON comes
    as text too (the reader decodes it); SQLite refuses writes.

    A SQLite file is never created by a read: reading a file that does not
    exist is an error, not an empty database.
    """
    require_driver(url)
    seconds = current_timeout() if timeout is None else timeout
    connect_args: dict[str, Any] = {}
    if url.backend is POSTGRESQL:
        connect_args = {
            # libpq counts whole seconds and waits at least 2
            "connect_timeout": max(2, math.ceil(seconds)),
            "application_name": "restore-contracts",
        }
        if read_only:
            connect_args["options"] = "-c DateStyle=ISO"
    elif url.backend in (MYSQL, MARIADB):
        connect_args = {"connect_timeout": seconds, "charset": "utf8mb4"}
        # a little longer than the server's own lock timeout, so that its message
        # (which names the lock) arrives before the client gives up; a writer keeps it
        # for the handshake only (see _mysql_writer_session)
        connect_args["read_timeout"] = math.ceil(seconds) + ANSWER_MARGIN
        connect_args["write_timeout"] = math.ceil(seconds) + ANSWER_MARGIN
        if read_only:
            connect_args["conv"] = _mysql_text_timestamps()
    path = url.sqlite_path
    if path is not None:
        file = Path(path)
        if read_only and not file.is_file():
            raise DatabaseError(f"cannot read {url}: cannot connect: no such file {path!r}")
        if not read_only:
            file.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url.url,
        connect_args=connect_args,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        poolclass=NullPool,
    )
    if url.backend in (MYSQL, MARIADB):
        event.listen(engine, "connect", _mysql_session if read_only else _mysql_writer_session)
    elif url.backend is POSTGRESQL and read_only:
        event.listen(engine, "connect", _postgresql_text_values)
    elif url.backend is SQLITE:
        event.listen(engine, "connect", _sqlite_read_only if read_only else _sqlite_session)
    return engine


def _mysql_text_timestamps() -> dict[Any, Any]:
    """PyMySQL's converters, except that DATETIME and TIMESTAMP stay as the server's text."""
    field_type = importlib.import_module("pymysql.constants.FIELD_TYPE")
    conversions: dict[Any, Any] = importlib.import_module("pymysql.converters").conversions
    return {**conversions, field_type.DATETIME: str, field_type.TIMESTAMP: str}


def _postgresql_text_values(dbapi_connection: Any, _record: Any) -> None:
    """Timestamps as the server's ISO text ('Y-m-d H:i:s', as exports write them) and JSON
    as its text, decoded by the reader in one orjson call instead of a loader per value."""
    from psycopg.types.string import TextLoader

    for name in ("timestamp", "timestamptz", "json", "jsonb"):
        dbapi_connection.adapters.register_loader(name, TextLoader)


def _mysql_session(dbapi_connection: Any, _record: Any) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET time_zone = '+00:00'")


def _mysql_writer_session(dbapi_connection: Any, record: Any) -> None:
    """A writer's session: the handshake and this first statement were bounded by the read
    timeout (a port that accepts and never answers ends there); after them the waits are
    unbounded again, since a --replace delete or a lock held by another db seed may
    rightly take longer. PyMySQL reads the timeout from this attribute before each read."""
    _mysql_session(dbapi_connection, record)
    dbapi_connection._read_timeout = None
    dbapi_connection._write_timeout = None


def _sqlite_session(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA query_only = ON")


__all__ = (
    "CONNECT_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "create_db_engine",
    "current_timeout",
    "database_timeout",
    "require_driver",
    "session_timeouts",
)
