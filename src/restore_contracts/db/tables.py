"""SQLAlchemy Core tables mirroring the application's migrations, one per contract table.

Columns come from the contract models, in their declaration order, so the
tables can never drift from what the validators read; the SQL type of each
column follows from the field's type the way a Laravel migration would write
it (``id()`` bigint keys, ``string`` varchar(255), ``json`` columns,
``timestamps()`` as timestamp(0) without time zone, ``softDeletes()``).
Foreign keys and indexes are the ones the application most plausibly has;
like the columns they carry their provenance in ``info``.
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, BeforeValidator
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.types import TypeEngine

from restore_contracts.contracts import TABLE_MODELS
from restore_contracts.contracts._types import (
    JsonText,
    parse_bool,
    parse_id,
    parse_timestamp,
)
from restore_contracts.provenance import Provenance, note_of, provenance_of

META_TABLE = "restore_contracts_meta"
"""The marker table recording which tables ``db init`` created (and may therefore touch)."""

NAMING_CONVENTION = {
    "ix": "%(table_name)s_%(column_0_N_name)s_index",
    "uq": "%(table_name)s_%(column_0_N_name)s_unique",
    "fk": "%(table_name)s_%(column_0_name)s_foreign",
    "pk": "%(table_name)s_pkey",
}
"""Laravel's constraint and index names, so the DDL reads like the application's."""


class ColumnKind(StrEnum):
    """The storage class of a column, derived from its contract field."""

    ID = "id"
    INTEGER = "integer"
    STRING = "string"
    ID_OR_TEXT = "id|text"
    TEXT = "text"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"
    JSON = "json"


_TEXT_COLUMNS = {("restore_runs", "failure_reason")}
"""String fields stored as ``text`` rather than ``varchar(255)`` (free-form, unbounded)."""

_MIXED = {("restore_runs", "requested_by"), ("backup_sets", "created_by")}
"""``int | str`` fields (a user id or a name): the value type is not stated, so the column
is assumed varchar, the one type that holds both; an integer comes back as its decimal
text, the only value a database gives back in another type than it was written."""


def _walk(annotation: Any, bases: set[Any], metadata: list[Any]) -> None:
    """Collect the base types and the annotation metadata of a (possibly nested) type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        metadata.extend(extra)
        _walk(base, bases, metadata)
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                _walk(arg, bases, metadata)
    else:
        bases.add(origin or annotation)


def column_kind(table: str, model: type[BaseModel], name: str) -> ColumnKind:
    """The storage class of one contract field, from its annotated type."""
    info = model.model_fields[name]
    bases: set[Any] = set()
    metadata: list[Any] = list(info.metadata)
    _walk(info.annotation, bases, metadata)
    validators = {m.func for m in metadata if isinstance(m, BeforeValidator)}
    if any(isinstance(m, JsonText) for m in metadata):
        return ColumnKind.JSON
    if parse_timestamp in validators:
        return ColumnKind.TIMESTAMP
    if parse_bool in validators:
        return ColumnKind.BOOLEAN
    if parse_id in validators:
        return ColumnKind.ID
    if (table, name) in _TEXT_COLUMNS:
        return ColumnKind.TEXT
    if (table, name) in _MIXED:
        return ColumnKind.ID_OR_TEXT
    if bases == {int}:
        return ColumnKind.INTEGER
    if len(bases) == 1 and issubclass(next(iter(bases)), str):
        return ColumnKind.STRING
    raise TypeError(f"{table}.{name}: no column type for {info.annotation!r}")


_SQLITE_TIMESTAMP = sqlite.DATETIME(  # type: ignore[no-untyped-call]
    storage_format="%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d",
    regexp=r"(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)",
)
"""SQLite keeps Laravel's 'Y-m-d H:i:s' text, not SQLAlchemy's default with microseconds."""


def sql_type(kind: ColumnKind) -> TypeEngine[Any]:
    """The SQL type of a storage class in every supported dialect."""
    if kind is ColumnKind.ID:
        return (
            BigInteger()
            .with_variant(mysql.BIGINT(unsigned=True), "mysql", "mariadb")
            .with_variant(Integer(), "sqlite")
        )
    if kind is ColumnKind.INTEGER:
        return Integer().with_variant(mysql.INTEGER(unsigned=True), "mysql", "mariadb")
    if kind in (ColumnKind.STRING, ColumnKind.ID_OR_TEXT):
        return String(255)
    if kind is ColumnKind.TEXT:
        return Text()
    if kind is ColumnKind.BOOLEAN:
        return Boolean().with_variant(mysql.TINYINT(1), "mysql", "mariadb")
    if kind is ColumnKind.TIMESTAMP:
        return (
            DateTime()
            .with_variant(postgresql.TIMESTAMP(precision=0, timezone=False), "postgresql")
            .with_variant(mysql.TIMESTAMP(fsp=0), "mysql", "mariadb")
            .with_variant(_SQLITE_TIMESTAMP, "sqlite")
        )
    return (
        Text()
        .with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
        .with_variant(mysql.JSON(none_as_null=True), "mysql", "mariadb")
    )


@dataclass(frozen=True, slots=True)
class Reference:
    """A foreign key as the application's migration most plausibly declares it."""

    column: str
    target: str
    on_delete: str
    """``CASCADE`` (``cascadeOnDelete()``) or ``SET NULL`` (``nullOnDelete()``)."""


CASCADE = "CASCADE"
SET_NULL = "SET NULL"

REFERENCES: dict[str, tuple[Reference, ...]] = {
    "managed_environments": (Reference("workspace_id", "workspaces", CASCADE),),
    "backup_sets": (
        Reference("workspace_id", "workspaces", CASCADE),
        Reference("managed_environment_id", "managed_environments", CASCADE),
    ),
    "backup_items": (Reference("backup_set_id", "backup_sets", CASCADE),),
    "operation_runs": (
        Reference("workspace_id", "workspaces", CASCADE),
        Reference("managed_environment_id", "managed_environments", SET_NULL),
    ),
    "restore_runs": (
        Reference("managed_environment_id", "managed_environments", CASCADE),
        Reference("workspace_id", "workspaces", CASCADE),
        Reference("backup_set_id", "backup_sets", CASCADE),
        Reference("operation_run_id", "operation_runs", SET_NULL),
    ),
    "evidence_snapshots": (
        Reference("workspace_id", "workspaces", CASCADE),
        Reference("managed_environment_id", "managed_environments", CASCADE),
        Reference("operation_run_id", "operation_runs", SET_NULL),
    ),
}
"""Foreign keys by table. The ``restore_runs`` ones are repo-verified relations (the
``operation_run_id`` one from migration 2026_02_10_115908); the rest, and every
``on delete`` action, are assumed."""

REFERENCE_PROVENANCE = {
    ("restore_runs", "managed_environment_id"): Provenance.REPO_VERIFIED,
    ("restore_runs", "backup_set_id"): Provenance.REPO_VERIFIED,
    ("restore_runs", "operation_run_id"): Provenance.REPO_VERIFIED,
    ("evidence_snapshots", "operation_run_id"): Provenance.FOUNDATION_REAL,
}
"""Foreign keys whose relation the truth map states; all others are assumed."""

INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "managed_environments": (("workspace_id",),),
    "backup_sets": (("workspace_id", "managed_environment_id"),),
    "backup_items": (("backup_set_id",),),
    "operation_runs": (("workspace_id", "managed_environment_id"), ("status",)),
    "restore_runs": (
        ("workspace_id", "managed_environment_id"),
        ("backup_set_id",),
        ("status",),
        ("operation_run_id",),
    ),
    "evidence_snapshots": (
        ("workspace_id", "managed_environment_id"),
        ("operation_run_id",),
        ("status",),
    ),
}
"""Secondary indexes (assumed): tenant columns, status, and every foreign key column, which
PostgreSQL does not index on its own and MySQL would index anyway."""


_MYSQL_OPTIONS: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
}
"""Laravel's MySQL defaults (config/database.php): InnoDB, utf8mb4, utf8mb4_unicode_ci."""


def _column(table: str, model: type[BaseModel], name: str) -> Column[Any]:
    kind = column_kind(table, model, name)
    info = {
        "provenance": provenance_of(model, name).value,
        "note": note_of(model, name),
        "kind": kind.value,
    }
    if name == "id":
        return Column(name, sql_type(kind), primary_key=True, autoincrement=True, info=info)
    field = model.model_fields[name]
    return Column(name, sql_type(kind), nullable=not field.is_required(), info=info)


@functools.cache
def build_metadata(*, foreign_keys: bool = True) -> MetaData:
    """Every contract table (and the ownership marker), optionally without foreign keys.

    Without foreign keys the tables can hold rows whose references dangle, as a
    copy restored without constraints can: what the validators' reference rules
    exist to find. Built once per variant (and never changed after).
    """
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    for table, model in TABLE_MODELS.items():
        columns = [_column(table, model, name) for name in model.model_fields]
        t = Table(table, metadata, *columns, info={"model": model.__name__}, **_MYSQL_OPTIONS)
        if foreign_keys:
            for ref in REFERENCES.get(table, ()):
                t.append_constraint(
                    _foreign_key(t, ref, REFERENCE_PROVENANCE.get((table, ref.column)))
                )
        for cols in INDEXES.get(table, ()):
            Index(None, *(t.c[c] for c in cols), info={"provenance": Provenance.ASSUMED.value})
    Table(
        META_TABLE,
        metadata,
        Column("table_name", String(64), primary_key=True, autoincrement=False),
        Column("ddl_sha256", String(64), nullable=False),
        Column("created_by", String(64), nullable=False),
        info={"model": None},
        **_MYSQL_OPTIONS,
    )
    return metadata


def _foreign_key(
    table: Table, ref: Reference, provenance: Provenance | None
) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        [table.c[ref.column]],
        [f"{ref.target}.id"],
        ondelete=ref.on_delete,
        info={"provenance": (provenance or Provenance.ASSUMED).value},
    )


METADATA = build_metadata()
"""The application's tables as mirrored, with foreign keys."""

CONTRACT_TABLES: tuple[str, ...] = tuple(TABLE_MODELS)
"""The mirrored tables in insert order (parents first)."""

__all__ = (
    "CASCADE",
    "CONTRACT_TABLES",
    "INDEXES",
    "METADATA",
    "META_TABLE",
    "NAMING_CONVENTION",
    "REFERENCES",
    "REFERENCE_PROVENANCE",
    "SET_NULL",
    "ColumnKind",
    "Reference",
    "build_metadata",
    "column_kind",
    "sql_type",
)
