"""``db seed``: insert generated worlds into a database, all or nothing, in batches.

World rows are JSON-native (timestamps as 'Y-m-d H:i:s' UTC text, JSON
columns as objects, booleans true/false). Each column's converter turns that
encoding into what the dialect stores: naive UTC datetimes, native JSON in
PostgreSQL and MySQL, JSON text in SQLite. A value a column cannot hold is a
one-line error naming ``table#id.column``, never a silently changed row; so is
a column the table does not have.

All rows go in one transaction. Rows are buffered per table and written with
multi-row inserts; before a table's batch is written, the batches of every
table before it (its parents) are written, so foreign keys hold at every
statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Table, delete, insert, text

from restore_contracts.contracts._types import parse_bool, parse_id, parse_timestamp
from restore_contracts.db.create import init_tables, owned_tables
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import DatabaseError, database_errors
from restore_contracts.db.tables import CONTRACT_TABLES, ColumnKind, build_metadata
from restore_contracts.db.urls import POSTGRESQL, SQLITE, DatabaseUrl
from restore_contracts.errors import InputError
from restore_contracts.generators.world import Row, World

DEFAULT_BATCH_SIZE = 1000

Converter = Callable[[Any], Any]


class _Unstorable(ValueError):
    """A value the column cannot hold."""


def _timestamp(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = parse_timestamp(value)
    except ValueError as exc:
        raise _Unstorable(str(exc)) from None
    if not isinstance(parsed, datetime):
        raise _Unstorable(f"expected a timestamp, got {value!r}")
    if parsed.microsecond:
        raise _Unstorable(f"{value!r} has fractional seconds; the column is timestamp(0)")
    return parsed.replace(tzinfo=None)


def _boolean(value: Any) -> bool:
    parsed = parse_bool(value)
    if not isinstance(parsed, bool):
        raise _Unstorable(f"{value!r} is not a boolean")
    return parsed


def _integer(value: Any) -> int | None:
    if value is None:
        return None
    parsed = parse_id(value)
    if isinstance(parsed, bool) or not isinstance(parsed, int):
        raise _Unstorable(f"{value!r} is not an integer")
    return parsed


def _string(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _Unstorable(f"{value!r} is not text")


def _id_or_text(value: Any) -> str | None:
    """A user id or a name in a varchar column: an integer is stored as its decimal text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _string(value)


def _json_native(value: Any) -> Any:
    """PostgreSQL jsonb and MySQL json: the decoded value (JSON text is decoded first)."""
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            raise _Unstorable("JSON text that is not valid JSON; the column is json") from None
    return value


def _json_text(value: Any) -> str | None:
    """SQLite: JSON as text, kept verbatim when it already is text (valid or not)."""
    if value is None or isinstance(value, str):
        return value
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError as exc:
        raise _Unstorable(f"not JSON-serialisable: {exc}") from None


_CONVERTERS: dict[ColumnKind, Converter] = {
    ColumnKind.ID: _integer,
    ColumnKind.INTEGER: _integer,
    ColumnKind.STRING: _string,
    ColumnKind.ID_OR_TEXT: _id_or_text,
    ColumnKind.TEXT: _string,
    ColumnKind.BOOLEAN: _boolean,
    ColumnKind.TIMESTAMP: _timestamp,
    ColumnKind.JSON: _json_native,
}


def converters_for(table: Table, *, sqlite: bool) -> dict[str, Converter]:
    """Column -> converter from the world encoding to what this dialect stores."""
    result = {}
    for column in table.columns:
        kind = ColumnKind(column.info["kind"])
        json_as_text = sqlite and kind is ColumnKind.JSON
        result[column.name] = _json_text if json_as_text else _CONVERTERS[kind]
    return result


@dataclass(slots=True)
class SeedReport:
    """What ``db seed`` wrote."""

    worlds: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CONTRACT_TABLES, 0))
    not_persisted: dict[str, int] = field(default_factory=dict)
    """Tables of derived views (e.g. restore_run_proofs) that a database does not hold."""

    @property
    def total(self) -> int:
        """Rows written in all."""
        return sum(self.rows.values())


class _BatchWriter:
    """Buffers converted rows per table; writes parents' batches before a child's."""

    def __init__(
        self, conn: Connection, tables: dict[str, Table], sqlite: bool, batch_size: int
    ) -> None:
        self.conn = conn
        self.tables = tables
        self.batch_size = batch_size
        self.converters = {name: converters_for(t, sqlite=sqlite) for name, t in tables.items()}
        self.buffers: dict[str, list[Row]] = {name: [] for name in CONTRACT_TABLES}
        self.seen: set[tuple[str, Any]] = set()
        self.report = SeedReport()

    def add(self, world: World, table: str, row: Row) -> None:
        converters = self.converters[table]
        where = f"world {world.name!r}: {table}#{row.get('id')}"
        unknown = [key for key in row if key not in converters]
        if unknown:
            raise InputError(
                f"{where} has column {', '.join(map(repr, unknown))} that the {table} table "
                "does not have; a database cannot hold it"
            )
        converted = {}
        for column, convert in converters.items():
            try:
                converted[column] = convert(row.get(column))
            except _Unstorable as exc:
                raise InputError(f"{where}.{column}: {exc}") from None
        key = (table, converted["id"])
        if key in self.seen:
            raise InputError(
                f"{where}: a row with this id came before; a primary key holds it once"
            )
        self.seen.add(key)
        buffer = self.buffers[table]
        buffer.append(converted)
        if len(buffer) >= self.batch_size:
            self.flush(through=table)

    def flush(self, through: str | None = None) -> None:
        """Write the buffered rows of every table up to ``through`` (all when None)."""
        for name in CONTRACT_TABLES:
            buffer = self.buffers[name]
            if buffer:
                self.conn.execute(insert(self.tables[name]), buffer)
                self.report.rows[name] += len(buffer)
                self.buffers[name] = []
            if name == through:
                return


def seed_worlds(
    url: DatabaseUrl,
    worlds: Iterable[World],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    replace: bool = False,
    foreign_keys: bool = True,
) -> SeedReport:
    """Insert every row of ``worlds`` in one transaction; create the tables first if missing.

    Seeding writes only into tables ``db init`` created (it creates them when
    none exist). ``replace`` deletes their rows first, in the same
    transaction, so a failed seed leaves the old rows in place.
    """
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    engine = create_db_engine(url)
    try:
        with database_errors(url, "cannot seed"), engine.connect() as conn:
            with conn.begin():
                init_tables(conn, foreign_keys=foreign_keys, accept_owned=True)
            with conn.begin():
                return _seed(conn, url, worlds, batch_size=batch_size, replace=replace)
    finally:
        engine.dispose()


def _seed(
    conn: Connection,
    url: DatabaseUrl,
    worlds: Iterable[World],
    *,
    batch_size: int,
    replace: bool,
) -> SeedReport:
    owned = owned_tables(conn)
    missing = [name for name in CONTRACT_TABLES if name not in owned]
    if missing:
        raise DatabaseError(f"cannot seed {url}: not created by db init: {', '.join(missing)}")
    metadata = build_metadata(foreign_keys=False)
    tables = {name: metadata.tables[name] for name in CONTRACT_TABLES}
    if replace:
        for name in reversed(CONTRACT_TABLES):
            conn.execute(delete(tables[name]))
    writer = _BatchWriter(conn, tables, url.backend is SQLITE, batch_size)
    report = writer.report
    for world in worlds:
        report.worlds += 1
        for table, rows in world.tables.items():
            if table not in tables:
                report.not_persisted[table] = report.not_persisted.get(table, 0) + len(rows)
                continue
            for row in rows:
                writer.add(world, table, row)
    writer.flush()
    if url.backend is POSTGRESQL:
        # Explicit ids do not advance a bigserial sequence; the application's next insert would.
        for name in CONTRACT_TABLES:
            if report.rows[name]:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
    return report


__all__ = ("DEFAULT_BATCH_SIZE", "SeedReport", "converters_for", "seed_worlds")
