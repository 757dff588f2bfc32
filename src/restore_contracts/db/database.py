"""Create the PostgreSQL or MariaDB/MySQL database a URL names when it does not exist yet.

A newcomer's first ``db init postgresql://.../restore`` used to stop at
"database does not exist". Like ``php artisan migrate``, which offers to create
the database, ``db init`` and ``db seed`` create it (and say so): connect to the
database first, and only when the server answers that it does not exist,
connect to the server's maintenance database (PostgreSQL ``postgres``, MySQL
none) and ``CREATE DATABASE``. Any other failure (wrong password, server down)
is reported as it was, never hidden behind a creation attempt.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.exc import DBAPIError

from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import database_errors
from restore_contracts.db.urls import MARIADB, MYSQL, POSTGRESQL, DatabaseUrl

_PG_MISSING = "3D000"
"""PostgreSQL SQLSTATE invalid_catalog_name: the database does not exist."""
_PG_DUPLICATE = "42P04"
"""PostgreSQL SQLSTATE duplicate_database: another process created it just now."""
_MYSQL_MISSING = 1049
"""MySQL/MariaDB ER_BAD_DB_ERROR: unknown database."""


def _missing(exc: DBAPIError, name: str) -> bool:
    """Whether the server said that the database itself does not exist.

    MySQL/MariaDB give an error number; psycopg reports a refused connection
    without its SQLSTATE, so for PostgreSQL the server's (English) message is read.
    """
    orig: Any = exc.orig
    if getattr(orig, "sqlstate", None) == _PG_MISSING:
        return True
    if f'database "{name}" does not exist' in str(orig):
        return True
    args: tuple[Any, ...] = tuple(getattr(orig, "args", ()))
    return len(args) > 0 and args[0] == _MYSQL_MISSING


def ensure_database(url: DatabaseUrl, action: str) -> bool:
    """Create the database ``url`` names if the server says it does not exist; True if created.

    Another failure to connect is raised as the one line the command would have
    given (``action``: "cannot seed", "cannot initialise"). SQLite creates its
    file on first write and needs nothing here; a URL without a database name is
    left to the server to refuse.
    """
    name = url.url.database
    if url.backend not in (POSTGRESQL, MYSQL, MARIADB) or not name:
        return False
    engine = create_db_engine(url)
    try:
        with engine.connect():
            return False
    except DBAPIError as exc:
        if not _missing(exc, name):
            with database_errors(url, action):
                raise
    finally:
        engine.dispose()
    return _create(url, name)


def _create(url: DatabaseUrl, name: str) -> bool:
    maintenance = "postgres" if url.backend is POSTGRESQL else None
    # URL.set() ignores None: _replace clears the database for MySQL's server connection
    server = dataclasses.replace(url, url=url.url._replace(database=maintenance))
    engine = create_db_engine(server)
    quoted = engine.dialect.identifier_preparer.quote_identifier(name)
    statement = f"CREATE DATABASE {quoted}"
    if url.backend is not POSTGRESQL:
        statement = f"CREATE DATABASE IF NOT EXISTS {quoted} CHARACTER SET utf8mb4"
    try:
        with (
            database_errors(url, f"cannot create database {name!r} for"),
            engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
        ):
            try:
                conn.exec_driver_sql(statement)
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) == _PG_DUPLICATE:
                    return False
                raise
    finally:
        engine.dispose()
    return True


__all__ = ("ensure_database",)
