"""Engines configured the way the application's connections are: UTC, utf8mb4, foreign keys.

Laravel sets MySQL sessions to ``+00:00`` and turns SQLite's foreign keys on;
the toolkit does the same, so timestamps mean the same thing whichever
database they were written to or read from. A missing driver is reported with
the extra that installs it, before any connection is attempted.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from restore_contracts.db.errors import DatabaseError, MissingDriverError
from restore_contracts.db.urls import MARIADB, MYSQL, POSTGRESQL, SQLITE, DatabaseUrl

CONNECT_TIMEOUT = 10
"""Seconds to wait for a server before reporting that it cannot be reached."""


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


def create_db_engine(url: DatabaseUrl, *, read_only: bool = False) -> Engine:
    """An engine for ``url``; ``read_only`` configures it for reading exports.

    A reading engine gets timestamps as the server's text (PostgreSQL with
    DateStyle ISO, MySQL's own format): 'Y-m-d H:i:s', exactly what exports
    carry, with no datetime to build and format again; PostgreSQL's JSON comes
    as text too (the reader decodes it); SQLite refuses writes.

    A SQLite file is never created by a read: reading a file that does not
    exist is an error, not an empty database.
    """
    require_driver(url)
    connect_args: dict[str, Any] = {}
    if url.backend is POSTGRESQL:
        connect_args = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "restore-contracts"}
        if read_only:
            connect_args["options"] = "-c DateStyle=ISO"
    elif url.backend in (MYSQL, MARIADB):
        connect_args = {"connect_timeout": CONNECT_TIMEOUT, "charset": "utf8mb4"}
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
        event.listen(engine, "connect", _mysql_session)
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


def _sqlite_session(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA query_only = ON")


__all__ = ("CONNECT_TIMEOUT", "create_db_engine", "require_driver")
