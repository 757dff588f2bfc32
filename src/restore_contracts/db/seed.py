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

Seeding writes into tables ``db init`` created, unless ``into_existing``: then
it writes into the tables the application's own migrations made, as they are.
Their columns are reflected; the contract's columns are written with values
that fit each column's type, the application's other columns keep their
defaults, and nothing is created, dropped or altered. What cannot work (a
missing table or contract column, a NOT NULL column without a default that
the contract gives no value) is refused in one line before any row is written.

Given the application's timezone, timestamp columns get its local time and
timestamps inside JSON Carbon's UTC ISO text, as Laravel writes them. While
seeding, the database's ``db init``/``db seed`` lock is held (``create``).
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    inspect,
    text,
)
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.exc import SAWarning
from sqlalchemy.types import JSON, Boolean, TypeEngine

from restore_contracts.contracts._types import parse_bool, parse_id, parse_timestamp
from restore_contracts.db.create import DEFAULT_LOCK_WAIT, exclusive, init_tables, owned_tables
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import DatabaseError, database_errors
from restore_contracts.db.tables import CONTRACT_TABLES, ColumnKind, build_metadata, sql_type
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


USER_IDS = 480
"""Requesters given by name get a user id in 1..USER_IDS (the generators' user-id range)."""


def user_id(value: Any) -> int | None:
    """A requester for an integer column: an id stays, digit text is its id, a name gets a
    stable id derived from it (assumed: the contract says a user id or a name, not whose)."""
    if value is None:
        return None
    parsed = parse_id(value)
    if isinstance(parsed, int) and not isinstance(parsed, bool):
        return parsed
    if isinstance(value, str):
        return 1 + zlib.crc32(value.encode("utf-8")) % USER_IDS
    raise _Unstorable(f"{value!r} is neither a user id nor a name")


def _boolean_as_integer(value: Any) -> int:
    """A boolean for an integer column (tinyint(1), smallint): 0 or 1, as Laravel binds it."""
    return int(_boolean(value))


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


def in_timezone(timezone: str) -> ZoneInfo:
    """The application's timezone (IANA name), or a one-line error."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown timezone {timezone!r}; give an IANA name such as 'Europe/Berlin'"
        ) from None


def _local(convert: Converter, zone: ZoneInfo) -> Converter:
    """A timestamp converter writing the application's local time, as Laravel stores dates."""

    def local(value: Any) -> Any:
        parsed = convert(value)
        if parsed is None:
            return None
        return parsed.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)

    return local


_NAIVE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _carbon(value: Any) -> Any:
    """Naive UTC timestamps inside a JSON value as Carbon serialises them ('...T...000000Z'):
    unambiguous whatever the application's timezone, as Laravel writes them."""
    if isinstance(value, dict):
        return {key: _carbon(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_carbon(item) for item in value]
    if isinstance(value, str) and _NAIVE.fullmatch(value):
        return f"{value[:10]}T{value[11:]}.000000Z"
    return value


def _with_carbon(convert: Converter) -> Converter:
    def carbon(value: Any) -> Any:
        return convert(_carbon(value))

    return carbon


def _localise(converters: dict[str, dict[str, Converter]], timezone: str) -> None:
    """Write the application's local time in ``timezone`` into every timestamp column, and
    timestamps inside JSON columns as Carbon's UTC ISO text (JSON text is kept as it is)."""
    if timezone == "UTC":
        return
    zone = in_timezone(timezone)
    contract = build_metadata(foreign_keys=False)
    for table, columns in converters.items():
        for name, convert in columns.items():
            kind = contract.tables[table].c[name].info["kind"]
            if kind == ColumnKind.TIMESTAMP.value:
                columns[name] = _local(convert, zone)
            elif kind == ColumnKind.JSON.value:
                columns[name] = _with_carbon(convert)


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


INTO_EXISTING_REMEDY = (
    "pass --into-existing to write into them as they are (their columns are reflected; "
    "nothing is created, dropped or altered)"
)
"""What ``db seed`` suggests for the application's own tables."""


def _fit(kind: ColumnKind, existing: TypeEngine[Any], backend: str) -> tuple[Any, Converter]:
    """The SQL type to bind and the converter for a contract column in an existing column."""
    if kind is ColumnKind.JSON:
        if not isinstance(existing, JSON):
            return Text(), _json_text  # MariaDB's longtext + json_valid, SQLite's text
        if backend == "postgresql":
            is_jsonb = isinstance(existing, postgresql.JSONB)
            json_type = postgresql.JSONB if is_jsonb else postgresql.JSON
            return json_type(none_as_null=True), _json_native
        return mysql.JSON(none_as_null=True), _json_native
    if kind is ColumnKind.ID_OR_TEXT:
        if isinstance(existing, Integer):
            return BigInteger(), user_id
        return String(), _id_or_text
    if kind is ColumnKind.BOOLEAN and not isinstance(existing, Boolean):
        return Integer(), _boolean_as_integer
    return sql_type(kind), _CONVERTERS[kind]


def _has_default(column: Any) -> bool:
    """Whether the database fills a column the insert leaves out (NULL counts)."""
    return bool(
        column.get("nullable", True)
        or column.get("default") is not None
        or column.get("computed")
        or column.get("identity")
        or column.get("autoincrement") is True
    )


def existing_tables(
    conn: Connection, url: DatabaseUrl
) -> tuple[dict[str, Table], dict[str, dict[str, Converter]]]:
    """The contract tables as the application made them: what to insert and how to convert.

    Refuses in one line, naming ``table.column``, what seeding cannot fill: a
    missing table or contract column, a NOT NULL column without a default that
    is not the contract's.
    """
    inspector = inspect(conn)
    present = set(inspector.get_table_names())
    missing = [name for name in CONTRACT_TABLES if name not in present]
    if missing:
        raise DatabaseError(
            f"cannot seed {url} into existing tables: no table {', '.join(missing)}; "
            "--into-existing never creates tables (run the application's migrations first)"
        )
    contract = build_metadata(foreign_keys=False)
    metadata = MetaData()
    tables: dict[str, Table] = {}
    converters: dict[str, dict[str, Converter]] = {}
    problems: list[str] = []
    for name in CONTRACT_TABLES:
        with warnings.catch_warnings():
            # SQLite's "tinyint(1)" and the like reflect as their affinity, with a warning.
            warnings.simplefilter("ignore", SAWarning)
            reflected = {column["name"]: column for column in inspector.get_columns(name)}
        wanted = contract.tables[name].columns
        for column_name, info in reflected.items():
            if column_name not in wanted and not _has_default(info):
                problems.append(
                    f"{name}.{column_name} is NOT NULL without a default and the contract "
                    "gives it no value"
                )
        columns = []
        converters[name] = {}
        for column in wanted:
            if column.name not in reflected:
                problems.append(f"{name}.{column.name} (a contract column) is missing")
                continue
            kind = ColumnKind(column.info["kind"])
            bind, convert = _fit(kind, reflected[column.name]["type"], url.backend.name)
            columns.append(
                Column(column.name, bind, primary_key=column.primary_key, autoincrement=False)
            )
            converters[name][column.name] = convert
        tables[name] = Table(name, metadata, *columns)
    if problems:
        raise DatabaseError(f"cannot seed {url} into existing tables: {'; '.join(problems)}")
    return tables, converters


class _BatchWriter:
    """Buffers converted rows per table; writes parents' batches before a child's."""

    def __init__(
        self,
        conn: Connection,
        tables: dict[str, Table],
        converters: dict[str, dict[str, Converter]],
        batch_size: int,
    ) -> None:
        self.conn = conn
        self.tables = tables
        self.batch_size = batch_size
        self.converters = converters
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


def _drop_pipeline_echo(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("error ignored terminating")


@contextlib.contextmanager
def _one_line_failures() -> Iterator[None]:
    """A failed multi-row insert is reported once, as the toolkit's one line: psycopg also
    logs the same error again while it ends its pipeline, a second line on stderr."""
    logger = logging.getLogger("psycopg")
    logger.addFilter(_drop_pipeline_echo)
    try:
        yield
    finally:
        logger.removeFilter(_drop_pipeline_echo)


def seed_worlds(
    url: DatabaseUrl,
    worlds: Iterable[World],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    replace: bool = False,
    foreign_keys: bool = True,
    into_existing: bool = False,
    wait: float = DEFAULT_LOCK_WAIT,
    timezone: str = "UTC",
) -> SeedReport:
    """Insert every row of ``worlds`` in one transaction; create the tables first if missing.

    Seeding writes only into tables ``db init`` created (it creates them when
    none exist), or, with ``into_existing``, into the application's own tables
    as they are (never creating one). ``replace`` deletes their rows first, in
    the same transaction, so a failed seed leaves the old rows in place.
    Another ``db init`` or ``db seed`` on the same database is waited for, up
    to ``wait`` seconds. Timestamps are written as naive local time in the
    application's ``timezone`` (the worlds hold UTC), as Laravel stores them.
    """
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    if into_existing and not foreign_keys:
        raise InputError(
            "--no-foreign-keys says how to create tables, and --into-existing creates none"
        )
    if timezone != "UTC":
        in_timezone(timezone)
    engine = create_db_engine(url)
    action = "cannot seed"
    try:
        with (
            _one_line_failures(),
            database_errors(url, action),
            engine.connect() as conn,
            exclusive(conn, url, action, wait),
        ):
            if into_existing:
                tables, converters = existing_tables(conn, url)
                conn.commit()
            else:
                with conn.begin():
                    init_tables(
                        conn,
                        foreign_keys=foreign_keys,
                        accept_owned=True,
                        remedy=INTO_EXISTING_REMEDY,
                    )
                tables, converters = _owned_tables(conn, url)
            _localise(converters, timezone)
            with conn.begin():
                return _seed(conn, url, worlds, tables, converters, batch_size, replace)
    finally:
        engine.dispose()


def _owned_tables(
    conn: Connection, url: DatabaseUrl
) -> tuple[dict[str, Table], dict[str, dict[str, Converter]]]:
    """The tables ``db init`` made (checked in the marker table) and their converters."""
    owned = owned_tables(conn)
    conn.commit()
    missing = [name for name in CONTRACT_TABLES if name not in owned]
    if missing:
        raise DatabaseError(
            f"cannot seed {url}: not created by db init: {', '.join(missing)}; "
            f"{INTO_EXISTING_REMEDY}"
        )
    metadata = build_metadata(foreign_keys=False)
    tables = {name: metadata.tables[name] for name in CONTRACT_TABLES}
    sqlite = url.backend is SQLITE
    return tables, {name: converters_for(t, sqlite=sqlite) for name, t in tables.items()}


def _seed(
    conn: Connection,
    url: DatabaseUrl,
    worlds: Iterable[World],
    tables: dict[str, Table],
    converters: dict[str, dict[str, Converter]],
    batch_size: int,
    replace: bool,
) -> SeedReport:
    if replace:
        for name in reversed(CONTRACT_TABLES):
            conn.execute(delete(tables[name]))
    writer = _BatchWriter(conn, tables, converters, batch_size)
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


__all__ = (
    "DEFAULT_BATCH_SIZE",
    "INTO_EXISTING_REMEDY",
    "USER_IDS",
    "SeedReport",
    "converters_for",
    "existing_tables",
    "in_timezone",
    "seed_worlds",
    "user_id",
)
