"""Databases: the application's tables in PostgreSQL, MySQL/MariaDB and SQLite.

``tables`` mirrors the migrations as SQLAlchemy Core tables (``ddl`` renders
them per dialect), ``create`` makes them (``db init``), ``seed`` inserts
generated worlds (``db seed``), and ``reader`` streams them back, read-only, as
a validation source. ``urls`` picks the driver and masks passwords; ``errors``
turns driver failures into one-line errors.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from restore_contracts.db.create import InitReport, init_database, init_tables
    from restore_contracts.db.errors import DatabaseError, MissingDriverError
    from restore_contracts.db.reader import DatabaseSource
    from restore_contracts.db.seed import SeedReport, seed_worlds
    from restore_contracts.db.tables import CONTRACT_TABLES, METADATA, build_metadata
    from restore_contracts.db.urls import DEFAULT_URL, DatabaseUrl, is_database_url, parse_url

_HOMES = {
    "CONTRACT_TABLES": "tables",
    "DEFAULT_URL": "urls",
    "METADATA": "tables",
    "DatabaseError": "errors",
    "DatabaseSource": "reader",
    "DatabaseUrl": "urls",
    "InitReport": "create",
    "MissingDriverError": "errors",
    "SeedReport": "seed",
    "build_metadata": "tables",
    "init_database": "create",
    "init_tables": "create",
    "is_database_url": "urls",
    "parse_url": "urls",
    "seed_worlds": "seed",
}


def __getattr__(name: str) -> Any:
    """Load a public name's module on first use: telling a URL from a path (``urls``)
    must not cost every command the import of SQLAlchemy."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = (
    "CONTRACT_TABLES",
    "DEFAULT_URL",
    "METADATA",
    "DatabaseError",
    "DatabaseSource",
    "DatabaseUrl",
    "InitReport",
    "MissingDriverError",
    "SeedReport",
    "build_metadata",
    "init_database",
    "init_tables",
    "is_database_url",
    "parse_url",
    "seed_worlds",
)
