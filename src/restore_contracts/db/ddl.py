"""The SQL DDL of the mirrored tables, per dialect, as committed under ``schemas/sql/``.

The files are generated from :mod:`restore_contracts.db.tables` (and so from the
contract models) and drift-checked with the JSON Schemas by
``restore-contracts schemas --check``; a team that manages its schema by hand
can apply them directly. Each table is preceded by a comment listing every
column's storage class and provenance, so an assumed column reads as assumed.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import MetaData, Table
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from restore_contracts.db.tables import METADATA

DIALECTS: dict[str, Dialect] = {
    "postgresql": postgresql.dialect(),  # type: ignore[no-untyped-call]
    "mysql": mysql.dialect(),
    "sqlite": sqlite.dialect(),
}
"""The dialects DDL is written for; ``mysql`` serves MariaDB too."""

DIALECT_TITLES = {
    "postgresql": "PostgreSQL (jsonb; timestamp(0) without time zone)",
    "mysql": "MySQL / MariaDB (json; timestamp; tinyint(1) booleans; InnoDB, utf8mb4)",
    "sqlite": "SQLite (json as text; timestamps as 'Y-m-d H:i:s' text)",
}


def _clean(sql: str) -> str:
    """Compiled DDL without SQLAlchemy's blank edges and trailing spaces."""
    return "\n".join(line.rstrip() for line in sql.strip().splitlines())


def table_statements(table: Table, dialect: Dialect) -> list[str]:
    """CREATE TABLE, then CREATE INDEX for each index (by name), for one dialect."""
    statements = [_clean(str(CreateTable(table).compile(dialect=dialect)))]
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        statements.append(_clean(str(CreateIndex(index).compile(dialect=dialect))))
    return statements


def table_fingerprint(table: Table, dialect: Dialect) -> str:
    """SHA-256 of a table's DDL: tells whether an owned table is the one this version creates."""
    return hashlib.sha256("\n".join(table_statements(table, dialect)).encode()).hexdigest()


def _column_comments(table: Table) -> list[str]:
    width = max(len(c.name) for c in table.columns)
    lines = []
    for column in table.columns:
        info = column.info
        note = f"  ({info['note']})" if info.get("note") else ""
        lines.append(
            f"--   {column.name:<{width}}  {info.get('kind', ''):<9}  {info.get('provenance', '')}"
            f"{note}"
        )
    for fk in sorted(table.foreign_key_constraints, key=lambda c: str(c.name)):
        element = fk.elements[0]
        lines.append(
            f"--   foreign key {element.parent.name} -> {element.target_fullname}: "
            f"{fk.info.get('provenance', '')} (on delete {fk.ondelete}: assumed)"
        )
    if table.indexes:
        lines.append("--   secondary indexes: assumed")
    return lines


def render_ddl(dialect_name: str, metadata: MetaData = METADATA) -> str:
    """The whole DDL file for one dialect: header, then each table with its provenance."""
    dialect = DIALECTS[dialect_name]
    parts = [
        "-- restore-contracts: the application's tables as `restore-contracts db init` makes them.",
        f"-- Dialect: {DIALECT_TITLES[dialect_name]}.",
        "-- Generated from the contract models by `restore-contracts schemas --out schemas`;",
        "-- never edited by hand. Column lines: name, storage class, provenance (note).",
    ]
    for table in metadata.tables.values():
        parts.append("")
        model = table.info.get("model")
        if model is None:
            parts.append(f"-- {table.name}: which tables `db init` created (ownership marker).")
        else:
            parts.append(f"-- {table.name}: rows of the {model} contract.")
            parts.extend(_column_comments(table))
        parts.extend(f"{statement};" for statement in table_statements(table, dialect))
    return "\n".join(parts) + "\n"


def sql_files() -> dict[str, bytes]:
    """Relative file name (under ``schemas/``) -> bytes, for every dialect."""
    return {f"sql/{name}.sql": render_ddl(name).encode("utf-8") for name in DIALECTS}


__all__ = (
    "DIALECTS",
    "DIALECT_TITLES",
    "render_ddl",
    "sql_files",
    "table_fingerprint",
    "table_statements",
)
