"""A live database as a validation source: streamed, read-only, never written.

Every connection the source opens starts a read-only transaction before its
first query (PostgreSQL ``SET TRANSACTION ... READ ONLY`` at repeatable read,
so all tables come from one snapshot; MySQL/MariaDB ``START TRANSACTION WITH
CONSISTENT SNAPSHOT, READ ONLY``; SQLite ``PRAGMA query_only``) and reads
each table through a server-side cursor, a batch of rows at a time, so memory
does not grow with the table.

Rows are handed over in the export encoding, the one NDJSON files carry:
naive datetimes become 'Y-m-d H:i:s' text (naive is UTC, aware ones are
converted), 0/1 in boolean columns become booleans, JSON text (MySQL, SQLite)
is decoded when it holds an object or array, and the few driver types JSON
has no word for (Decimal, bytes, UUID, dates) become JSON-native values. The
models would accept the driver's values too; the export encoding lets the
validators' fast path accept a canonical database row as it does a file's.
Text that is not valid JSON stays text, so the validators report it.

PostgreSQL goes one step further (:meth:`DatabaseSource.json_lines`): the
server renders each row as the JSON line an export would hold, which the
validators decode as they decode NDJSON. A thread fetches the next batches
while the current one is checked, and once the first table is read the other
tables' streams start too, a few batches deep, so the server is rendering
while this process validates instead of each waiting for the other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import queue
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, DateTime, inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine, Inspector
from sqlalchemy.exc import DBAPIError

from restore_contracts.db.engine import create_db_engine, current_timeout, session_timeouts
from restore_contracts.db.errors import DatabaseError, database_errors, translate
from restore_contracts.db.tables import CONTRACT_TABLES, METADATA, ColumnKind
from restore_contracts.db.urls import MARIADB, MYSQL, POSTGRESQL, SQLITE, DatabaseUrl, parse_url
from restore_contracts.validators.source import Record

FETCH_SIZE = 1000
"""Rows fetched from the server-side cursor per round trip."""

KNOWN_TABLES: tuple[str, ...] = (*CONTRACT_TABLES, "restore_run_proofs")
"""Tables the validators read: the contract tables and the exported derived view."""

_MYSQL_NO_SUCH_TABLE = 1146

_NATIVE = frozenset({str, int, float, bool, type(None), dict, list})


def to_native(value: Any) -> Any:
    """A driver value as its JSON-native equivalent (datetimes as export timestamps)."""
    if isinstance(value, dt.datetime):
        return timestamp_text(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return value


def timestamp_text(value: dt.datetime) -> str:
    """'Y-m-d H:i:s' (+ fraction when there is one) in UTC; a naive value is UTC already."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def _timestamp(value: Any) -> Any:
    if type(value) is dt.datetime and value.tzinfo is None:
        return value.isoformat(" ")
    return value if type(value) is str else to_native(value)


def _boolean(value: Any) -> Any:
    if type(value) is bool:
        return value
    if type(value) is int and (value == 0 or value == 1):
        return value == 1
    return to_native(value)


def _json(value: Any) -> Any:
    kind = type(value)
    if kind is dict or kind is list:
        return value
    if kind is str:
        try:
            decoded = orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
        return decoded if type(decoded) is dict or type(decoded) is list else value
    return to_native(value)


_BY_KIND: dict[str, Callable[[Any], Any]] = {
    ColumnKind.TIMESTAMP.value: _timestamp,
    ColumnKind.BOOLEAN.value: _boolean,
    ColumnKind.JSON.value: _json,
}

_DRIVER_ENCODED: dict[str, frozenset[str]] = {
    POSTGRESQL.name: frozenset({ColumnKind.TIMESTAMP.value, ColumnKind.BOOLEAN.value}),
    MYSQL.name: frozenset({ColumnKind.TIMESTAMP.value}),
    MARIADB.name: frozenset({ColumnKind.TIMESTAMP.value}),
}
"""Storage classes a backend's reading engine already returns in the export encoding
(PostgreSQL: booleans and ISO text timestamps; MySQL: text timestamps)."""


def column_converters(
    table: str, columns: list[str], backend: str = "sqlite"
) -> list[tuple[str, Callable[[Any], Any]]]:
    """Columns of a known table that need converting to the export encoding, with how."""
    known = METADATA.tables.get(table)
    if known is None:
        return []
    done = _DRIVER_ENCODED.get(backend, frozenset())
    result = []
    for name in columns:
        column = known.columns.get(name)
        if column is not None:
            kind = column.info["kind"]
            if kind in _BY_KIND and kind not in done:
                result.append((name, _BY_KIND[kind]))
    return result


_END = object()

_JSON_KINDS = ("json", "jsonb")


def _column_kind(column_type: Any) -> str:
    """How a PostgreSQL column is rendered into a JSON line: timestamp, json, jsonb or other."""
    if isinstance(column_type, DateTime):
        return "timestamp"
    if isinstance(column_type, JSONB):
        return "jsonb"
    if isinstance(column_type, JSON):
        return "json"
    return "other"


def _rendered(quoted: str, kind: str) -> str:
    """One column of the row ``row_to_json`` renders: timestamps as their ISO text, and a
    json/jsonb column whose value is a JSON *string* as that string's JSON text, so the line
    follows the file convention (a JSON column is its value or JSON text of it) and a column
    encoded twice reads as such, as it does from MariaDB, SQLite and CSV."""
    if kind == "timestamp":
        return f"{quoted}::text AS {quoted}"
    if kind in _JSON_KINDS:
        return (
            f"CASE WHEN {kind}_typeof({quoted}) = 'string' THEN to_{kind}({quoted}::text) "
            f"ELSE {quoted} END AS {quoted}"
        )
    return quoted


def _fetch_batches(cursor: Any, size: int) -> Iterator[Sequence[Any]]:
    while rows := cursor.fetchmany(size):
        yield rows


def _driver_cursor(conn: Connection, sqlite: bool) -> Any:
    """The DB-API cursor of the connection's transaction: sqlite3's (which steps through the
    rows as they are fetched) or PyMySQL's unbuffered (server-side) one."""
    driver: Any = conn.connection.driver_connection
    if sqlite:
        return driver.cursor()
    cursors: Any = importlib.import_module("pymysql.cursors")
    return driver.cursor(cursors.SSCursor)


def _raw_json_cursor(conn: Connection, name: str) -> Any:
    """A psycopg server-side cursor in binary format on the connection's transaction: the
    bytea JSON text arrives as bytes, copied in C, with no per-row Python conversion."""
    driver: Any = conn.connection.driver_connection
    return driver.cursor(name=name, binary=True)


class _Prefetcher:
    """Fetches the next batch of rows in a thread while the current one is being checked.

    The database produces the next rows (for PostgreSQL, rendering jsonb is most of
    its work) while this process validates the previous ones, instead of each waiting
    for the other. Only the thread touches the cursor until :meth:`close` has joined it.
    """

    def __init__(self, batches: Iterable[Sequence[Any]], depth: int = 2) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._produce, args=(batches,), name="restore-contracts-fetch", daemon=True
        )
        self._thread.start()

    def _produce(self, batches: Iterable[Sequence[Any]]) -> None:
        item: Any = _END
        try:
            for batch in batches:
                self._queue.put(batch)
                if self._stop.is_set():
                    return
        except BaseException as exc:  # handed to the reading thread, raised there
            item = exc
        self._queue.put(item)

    def __iter__(self) -> Iterator[Sequence[Any]]:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop fetching (the consumer may have stopped early) and wait for the thread."""
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)
        self._thread.join()


READ_AHEAD = 3
"""Batches a table's stream fetches ahead of the reader (memory: READ_AHEAD x FETCH_SIZE rows
per table at most)."""


class _Stream:
    """One table's server-side cursor and the thread fetching its batches."""

    def __init__(self, cursor: Any, batches: _Prefetcher) -> None:
        self.cursor = cursor
        self.batches = batches

    def close(self) -> None:
        """Stop fetching and close the cursor."""
        self.batches.close()
        with contextlib.suppress(Exception):
            self.cursor.close()


class DatabaseSource:
    """The ``Source`` of a database URL; ``name`` is the URL with its password masked."""

    def __init__(
        self, url: DatabaseUrl | str, *, fetch_size: int = FETCH_SIZE, timeout: float | None = None
    ) -> None:
        self._url = parse_url(url) if isinstance(url, str) else url
        self._fetch_size = fetch_size
        self._timeout = current_timeout() if timeout is None else timeout
        """Seconds any one wait may last (connect, lock, statement, answer)."""
        self._engine: Engine | None = None
        self._idle: list[Connection] = []
        self._connections: list[Connection] = []
        self._columns: dict[str, list[tuple[str, str]]] = {}
        """PostgreSQL: each table's columns in order, with their kind (_column_kind)."""
        self._present: list[str] = []
        self._reading: Connection | None = None
        self._ahead: dict[str, _Stream] = {}
        self._ahead_started = False
        self._streams = 0

    @property
    def name(self) -> str:
        """The masked URL."""
        return self._url.masked

    @property
    def url(self) -> DatabaseUrl:
        """The parsed URL."""
        return self._url

    def _checkout(self) -> Connection:
        """An idle connection in its read-only transaction, or a new one."""
        if self._idle:
            return self._idle.pop()
        if self._engine is None:
            self._engine = create_db_engine(self._url, read_only=True, timeout=self._timeout)
        with database_errors(self._url, "cannot read"):
            conn = self._engine.connect()
            self._connections.append(conn)
            backend = self._url.backend
            bounds = session_timeouts(backend.name, self._timeout)
            if backend is POSTGRESQL:
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                for statement in bounds:
                    conn.exec_driver_sql(statement)
            elif backend in (MYSQL, MARIADB):
                for statement in bounds:
                    conn.exec_driver_sql(statement)
                conn.exec_driver_sql("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
        return conn

    def tables(self) -> list[str]:
        """The known tables present in the database, parents first.

        The application's other tables are not offered (they are not exports of
        the contracts). A database without ``restore_runs`` is the wrong database
        and is refused; any other missing table only skips the rules that need it.
        """
        conn = self._checkout()
        try:
            with database_errors(self._url, "cannot read"):
                inspector = inspect(conn)
                present = set(inspector.get_table_names())
                if self._url.backend is POSTGRESQL:
                    self._remember_columns(inspector, [t for t in KNOWN_TABLES if t in present])
            if self._url.backend in (MYSQL, MARIADB):
                present |= self._hidden_tables(
                    conn, [t for t in CONTRACT_TABLES if t not in present]
                )
        finally:
            self._idle.append(conn)
        if "restore_runs" not in present:
            raise DatabaseError(f"cannot read {self.name}: missing table: restore_runs")
        self._present = [name for name in KNOWN_TABLES if name in present]
        return list(self._present)

    def _hidden_tables(self, conn: Connection, unlisted: list[str]) -> set[str]:
        """MySQL/MariaDB list only the tables the user may read: ask for each contract table
        not listed. Absent is absent; "SELECT denied" is an error (exit 2), as PostgreSQL's
        permission denied is, never a table silently "not in the input".

        The server answers "denied" for a table that does not exist too, so a user
        with table-level grants learns to grant SELECT on every contract table (an
        application database has them all).
        """
        found = set()
        for table in unlisted:
            quoted = conn.dialect.identifier_preparer.quote(table)
            try:
                conn.exec_driver_sql(f"SELECT 1 FROM {quoted} LIMIT 0").close()
            except DBAPIError as exc:
                args = getattr(exc.orig, "args", ())
                if args and args[0] == _MYSQL_NO_SUCH_TABLE:
                    continue
                raise translate(exc, self._url, f"cannot read table {table} from") from None
            found.add(table)
        return found

    def records(self, table: str) -> Iterator[Record]:
        """Stream one table ordered by id, ``fetch_size`` rows at a time; location ``table#id``."""
        for location, data in self._rows(table):
            yield Record(table, data, location)

    def row_batches(self, table: str) -> Iterator[tuple[str, list[tuple[None, Any]]]] | None:
        """MySQL/MariaDB and SQLite: the rows of :meth:`records` as (location, [(None, row)]),
        for the validators' converter of rows that are already JSON-native (no record is
        built for a canonical row); None for PostgreSQL, whose rows come as JSON lines."""
        if self._url.backend is POSTGRESQL:
            return None
        return ((location, [(None, data)]) for location, data in self._rows(table))

    def _rows(self, table: str) -> Iterator[tuple[str, dict[str, Any]]]:
        conn = self._checkout()
        quoted = conn.dialect.identifier_preparer.quote(table)
        result = None
        batches = None
        try:
            with database_errors(self._url, f"cannot read table {table} from"):
                listed = "*"
                if self._url.backend is POSTGRESQL:
                    listed = self._json_as_text(conn, table)
                query = f"SELECT {listed} FROM {quoted} ORDER BY id"
                if self._url.backend is not POSTGRESQL:
                    # the driver's own cursor on the transaction's connection (PyMySQL's
                    # unbuffered one): plain tuples, no SQLAlchemy row built per row
                    result = _driver_cursor(conn, self._url.backend is SQLITE)
                    result.execute(query)
                    keys = [column[0] for column in result.description]
                    stream = _fetch_batches(result, self._fetch_size)
                else:
                    result = conn.execution_options(stream_results=True).exec_driver_sql(query)
                    keys = list(result.keys())
                    stream = result.yield_per(self._fetch_size).partitions()
                converters = column_converters(table, keys, self._url.backend.name)
                native = _NATIVE
                prefix = f"{table}#"
                batches = _Prefetcher(stream)
                for partition in batches:
                    for row in partition:
                        values: Any = row
                        if not native.issuperset(map(type, values)):
                            values = [v if type(v) in native else to_native(v) for v in values]
                        data = dict(zip(keys, values, strict=True))
                        for key, convert in converters:
                            value = data[key]
                            if value is not None:
                                data[key] = convert(value)
                        yield f"{prefix}{data.get('id')}", data
        finally:
            if batches is not None:
                batches.close()
            if result is not None:
                result.close()
            self._idle.append(conn)

    def _remember_columns(self, inspector: Inspector, tables: list[str]) -> None:
        """Each table's columns, in order, with their kind (one catalog query)."""
        if not tables:
            return
        found = inspector.get_multi_columns(filter_names=tables)
        for (_schema, table), columns in found.items():
            self._columns[table] = [(c["name"], _column_kind(c["type"])) for c in columns]

    def _json_as_text(self, conn: Connection, table: str) -> str:
        """PostgreSQL: the select list with json/jsonb columns as their text, which the JSON
        converter decodes as it decodes MySQL's and SQLite's text (psycopg's own decoding
        would hide one level of a column encoded twice, and orjson is faster)."""
        if table not in self._columns:
            self._remember_columns(inspect(conn), [table])
        columns = self._columns.get(table)
        if not columns:
            return "*"  # a table the catalog does not show: the query says what is wrong
        quote = conn.dialect.identifier_preparer.quote
        return ", ".join(
            f"{quote(name)}::text AS {quote(name)}" if kind in _JSON_KINDS else quote(name)
            for name, kind in columns
        )

    def json_lines(self, table: str) -> Iterator[tuple[str, None, list[bytes]]] | None:
        """PostgreSQL: each row rendered as one JSON text by the server, for the validators'
        fast decoder (the path NDJSON lines take); None for the other databases.

        The server writes the row with ``row_to_json`` (jsonb columns embedded as
        objects, booleans as true/false) and each timestamp column as its ISO text,
        exactly an export line. Each row is its own batch, located ``table#id``.
        """
        if self._url.backend is not POSTGRESQL:
            return None
        return self._json_lines(table)

    def _json_lines(self, table: str) -> Iterator[tuple[str, None, list[bytes]]]:
        stream = None
        try:
            with database_errors(self._url, f"cannot read table {table} from"):
                stream = self._ahead.pop(table, None)
                if stream is None:
                    stream = self._start_stream(table, READ_AHEAD)
                    self._read_ahead(table)
                prefix = f"{table}#"
                for partition in stream.batches:
                    for key, text in partition:
                        yield f"{prefix}{key}", None, [text]
        finally:
            if stream is not None:
                stream.close()

    def _reading_connection(self) -> Connection:
        """The one connection every JSON-line stream shares (psycopg serialises its use), so
        all tables come from one transaction's snapshot."""
        if self._reading is None:
            self._reading = self._checkout()
        return self._reading

    def _start_stream(self, table: str, depth: int) -> _Stream:
        conn = self._reading_connection()
        quote = conn.dialect.identifier_preparer.quote
        if table not in self._columns:
            self._remember_columns(inspect(conn), [table])
        listed = ", ".join(_rendered(quote(name), kind) for name, kind in self._columns[table])
        self._streams += 1
        # The driver's own server-side cursor: rows arrive as plain tuples built in C, so
        # the fetching thread holds the interpreter as briefly as possible.
        cursor = _raw_json_cursor(conn, f"restore_contracts_{self._streams}")
        cursor.execute(
            f"SELECT r.id, convert_to(row_to_json(r)::text, 'UTF8') FROM (SELECT "
            f"{listed} FROM {quote(table)}) AS r ORDER BY r.id"
        )
        return _Stream(cursor, _Prefetcher(_fetch_batches(cursor, self._fetch_size), depth))

    def _read_ahead(self, first: str) -> None:
        """Once, when the first table is read: start the other tables' streams, so the server
        renders their first batches while earlier tables are being checked. Each waits,
        a few batches deep, until it is read; only tables the role may read are started."""
        if self._ahead_started or not self._present:
            return
        self._ahead_started = True
        conn = self._reading_connection()
        for table in self._present:
            if table == first:
                continue
            allowed = conn.exec_driver_sql(
                "SELECT has_table_privilege(%(t)s, 'SELECT')",
                {"t": conn.dialect.identifier_preparer.quote(table)},
            ).scalar()
            if allowed:
                self._ahead[table] = self._start_stream(table, READ_AHEAD)

    def close(self) -> None:
        """End every read-only transaction (rolled back: nothing was written) and disconnect."""
        for stream in self._ahead.values():
            stream.close()
        self._ahead.clear()
        self._reading = None
        for conn in self._connections:
            conn.close()
        self._connections.clear()
        self._idle.clear()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> DatabaseSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


__all__ = (
    "FETCH_SIZE",
    "KNOWN_TABLES",
    "DatabaseSource",
    "column_converters",
    "timestamp_text",
    "to_native",
)
