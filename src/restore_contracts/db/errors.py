"""Database failures as the toolkit's one-line errors (exit 2), passwords masked.

Drivers raise rich, multi-line exceptions whose text SQLAlchemy extends with
the statement and its parameters. The user needs one line: what the toolkit
was doing, on which database (masked URL), and the driver's own first line
with a category in front (cannot connect, missing table, permission denied).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from restore_contracts.db.urls import DatabaseUrl
from restore_contracts.errors import InputError


class DatabaseError(InputError):
    """A database that cannot be used as asked: unreachable, missing a table, not permitted."""


class MissingDriverError(InputError, ImportError):
    """The driver for a database URL is not installed; the message names the extra."""


_PG_CATEGORIES = {
    "42P01": "missing table",
    "42501": "permission denied",
    "25006": "refused in a read-only transaction",
    "3D000": "cannot connect",
    "28000": "cannot connect",
    "28P01": "cannot connect",
    "23502": "missing value",
    "23503": "foreign key violated",
    "23505": "duplicate key",
    "22P02": "invalid value",
    "22007": "invalid value",
    "22008": "invalid value",
    "55P03": "timed out",
    "57014": "timed out",
    "57P01": "connection lost",
    "57P02": "connection lost",
    "57P03": "cannot connect",
    "08000": "connection lost",
    "08003": "connection lost",
    "08006": "connection lost",
}
"""PostgreSQL SQLSTATE -> category."""

_MYSQL_CATEGORIES = {
    1146: "missing table",
    1142: "permission denied",
    1143: "permission denied",
    1044: "cannot connect",
    1045: "cannot connect",
    1049: "cannot connect",
    2002: "cannot connect",
    2003: "cannot connect",
    2013: "connection lost",
    2006: "connection lost",
    1927: "connection lost",
    1205: "timed out",
    1969: "timed out",
    3024: "timed out",
    1792: "refused in a read-only transaction",
    1048: "missing value",
    1364: "missing value",
    1264: "invalid value",
    1451: "foreign key violated",
    1452: "foreign key violated",
    1062: "duplicate key",
    3140: "invalid value",
    4025: "invalid value",
}
"""MySQL / MariaDB error number -> category."""

_SQLITE_CATEGORIES = (
    ("no such table", "missing table"),
    ("readonly database", "permission denied"),
    ("query_only", "refused in a read-only transaction"),
    ("unable to open database", "cannot connect"),
    ("NOT NULL constraint failed", "missing value"),
    ("FOREIGN KEY constraint failed", "foreign key violated"),
    ("UNIQUE constraint failed", "duplicate key"),
)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else ""


def _describe(orig: BaseException) -> tuple[str, str]:
    """(category, the driver's first line) of a DBAPI exception."""
    args: tuple[Any, ...] = getattr(orig, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):
        category = _MYSQL_CATEGORIES.get(args[0], "database error")
        text = _first_line(str(args[1]))
        if "timed out" in text:  # PyMySQL's socket timeouts: the server did not answer
            category = "timed out"
        elif args[0] == 2013 and "initial communication packet" in text:
            category = "cannot connect"
        return category, f"{text} (error {args[0]})"
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return _PG_CATEGORIES.get(sqlstate, "database error"), _first_line(str(orig))
    message = _first_line(str(orig))
    if isinstance(orig, sqlite3.Error):
        for needle, category in _SQLITE_CATEGORIES:
            if needle in message:
                return category, message
        return "database error", message
    if "timeout expired" in message or "timed out" in message:
        return "timed out", message
    if "server closed the connection" in message or "consuming input failed" in message:
        return "connection lost", message
    if message.startswith("connection failed") or "connect" in type(orig).__name__.lower():
        return "cannot connect", message
    return "database error", message or type(orig).__name__


_DRIVER_MODULES = frozenset({"psycopg", "pymysql", "sqlite3"})


def is_driver_error(exc: BaseException) -> bool:
    """Whether an exception comes from a database driver used directly (not via SQLAlchemy)."""
    return type(exc).__module__.split(".", 1)[0] in _DRIVER_MODULES and isinstance(exc, Exception)


def translate(exc: BaseException, url: DatabaseUrl, action: str) -> DatabaseError:
    """One line for a database exception: ``action url: category: driver message``."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        category, message = _describe(exc.orig)
        if exc.connection_invalidated and category == "database error":
            category = "cannot connect"
    elif isinstance(exc, SQLAlchemyError):
        category, message = "database error", _first_line(str(exc).split("(Background", 1)[0])
    else:
        category, message = _describe(exc)
    if category == "timed out":
        message += " (--timeout sets how long any one wait may last)"
    return DatabaseError(url.mask(f"{action} {url.masked}: {category}: {message}"))


@contextlib.contextmanager
def database_errors(url: DatabaseUrl, action: str) -> Iterator[None]:
    """Turn any SQLAlchemy or driver error raised in the block into a one-line DatabaseError."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise translate(exc, url, action) from None
    except Exception as exc:
        if is_driver_error(exc):
            raise translate(exc, url, action) from None
        raise


__all__ = (
    "DatabaseError",
    "MissingDriverError",
    "database_errors",
    "is_driver_error",
    "translate",
)
