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

PostgreSQL and MySQL/MariaDB go one step further: the server renders each row
as the JSON line an export would hold, which the validators decode as they
decode NDJSON. PostgreSQL (:meth:`DatabaseSource.json_lines`) writes it with
``row_to_json``; a thread fetches the next batches while the current one is
checked, and once the first table is read the other tables' streams start too,
a few batches deep, so the server is rendering while this process validates.
MySQL/MariaDB (:meth:`DatabaseSource.decoded_rows`) concatenate JSON_QUOTE of
each value (:func:`_line_query`): PyMySQL then parses one column per row
instead of every column in Python, which was most of the reading time. The
row-by-row read stays the reference for every row a line cannot carry exactly,
and reads the tables the fast decoder does not take (restore runs).
SQLite renders in this very process, where json_quote of every value costs
more than the decoding it saves, so its rows are read row by row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import queue
import threading
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
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


def _native_converters(
    table: str, keys: list[str], backend: str
) -> list[tuple[str, Callable[[Any], Any]]]:
    """The column conversions still to apply to JSON-native values: the timestamp one is the
    identity on them (:func:`to_native` already wrote datetimes as export timestamps)."""
    return [
        (key, convert)
        for key, convert in column_converters(table, keys, backend)
        if convert is not _timestamp
    ]


_JSON_PROBE = "SELECT JSON_QUOTE('a'), JSON_VALID('[]')"
"""The JSON functions the line queries use (MySQL 5.7 and MariaDB 10.2 have them)."""


def _no_such_function(exc: Exception) -> bool:
    """Whether PyMySQL's error says a function does not exist (error 1305, or 1064 from a
    server that does not parse the call)."""
    args: tuple[Any, ...] = getattr(exc, "args", ())
    return bool(args) and args[0] in (1064, 1305)


_MYSQL_NO_LIMIT = 18446744073709551615
"""MySQL's way to write OFFSET without a LIMIT (the largest row count)."""

_MYSQL_INTEGERS = frozenset({1, 2, 3, 8, 9})
"""PyMySQL's TINY, SHORT, LONG, LONGLONG and INT24: read as Python integers."""
_MYSQL_STAMPS = frozenset({7, 12})
"""TIMESTAMP and DATETIME: read as the server's text (see create_db_engine)."""
_MYSQL_TEXTS = frozenset({15, 245, 249, 250, 251, 252, 253, 254})
"""VARCHAR, JSON, the BLOB/TEXT types, VAR_STRING and STRING (CHAR, ENUM, SET): text unless
their character set is binary."""
_MYSQL_BINARY = 63
_MYSQL_ZEROFILL = 64


class _LineQuery:
    """A table's query rendering each row as one JSON text, and the columns it holds."""

    def __init__(self, query: str, keys: list[str]) -> None:
        self.query = query
        """Selects each row's JSON text, ordered by id."""
        self.keys = keys
        """The columns of ``SELECT *``, in order: the line's keys."""


def _hex(text: str) -> str:
    """A MySQL hex literal of ``text``: no escape rules (whatever the SQL mode), and it makes
    the concatenation binary, so PyMySQL hands the line over as bytes, undecoded."""
    return "X'" + text.encode("utf-8").hex() + "'"


def _json_columns(table: str) -> frozenset[str]:
    known = METADATA.tables.get(table)
    if known is None:
        return frozenset()
    return frozenset(c.name for c in known.columns if c.info["kind"] == ColumnKind.JSON.value)


def _line_query(conn: Connection, table: str, quoted: str) -> _LineQuery | None:
    """MySQL/MariaDB: the query rendering each row of ``table`` as the JSON text of the
    dictionary the row-by-row read builds from the driver's values, or None when a
    column's type has no such rendering (the table is then read row by row).

    Why the two are the same row: every value is written in the form its driver value
    takes in JSON. Integers (not ZEROFILL) are their decimal text; timestamps the
    server's text, which is what the reading engine receives; text is quoted by the
    server's JSON_QUOTE in utf8mb4, the character set the driver decodes; NULL is null.
    A JSON column holding an object or array the server finds valid is embedded as it
    is, so orjson reads the text the row-by-row read decodes; anything else in it is
    quoted, and the reader decodes that text as it always did. Any other column type
    (DECIMAL, floating point, DATE, TIME, binary) keeps the table row by row. A line
    orjson does not accept (a JSON column the server found valid, such as ``{"a":1.}``,
    that orjson refuses) ends the lines: the rest of the table is read row by row.
    """
    probe = _driver_cursor(conn, False)
    try:
        probe.execute(f"SELECT * FROM {quoted} LIMIT 0")
        keys = [column[0] for column in probe.description]
        fields = getattr(getattr(probe, "_result", None), "fields", None)
        probe.fetchall()
    finally:
        probe.close()
    if not keys or fields is None or len(fields) != len(keys):
        return None
    quote = conn.dialect.identifier_preparer.quote
    json_columns = _json_columns(table)
    pieces = []
    for index, (key, field) in enumerate(zip(keys, fields, strict=True)):
        column = quote(key)
        kind, charset, flags = field.type_code, field.charsetnr, field.flags
        if kind in _MYSQL_INTEGERS and not flags & _MYSQL_ZEROFILL:
            value = f"COALESCE(CAST({column} AS CHAR), 'null')"
        elif kind in _MYSQL_STAMPS:
            value = f"COALESCE(CONCAT('\"', {column}, '\"'), 'null')"
        elif kind in _MYSQL_TEXTS and charset != _MYSQL_BINARY:
            text = f"CONVERT({column} USING utf8mb4)"
            quoted_text = f"JSON_QUOTE({text})"
            if key in json_columns:
                value = (
                    f"CASE WHEN {column} IS NULL THEN 'null' WHEN LEFT({column}, 1) IN "
                    f"('{{', '[') AND JSON_VALID({column}) THEN {text} ELSE {quoted_text} END"
                )
            else:
                value = f"COALESCE({quoted_text}, 'null')"
        else:
            return None
        head = ("{" if index == 0 else ",") + orjson.dumps(key).decode("utf-8") + ":"
        pieces.append(_hex(head))
        pieces.append(value)
    pieces.append(_hex("}"))
    return _LineQuery(f"SELECT CONCAT({', '.join(pieces)}) FROM {quoted} ORDER BY id", keys)


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
    """The ``Source`` of a database URL; ``name`` is the URL with its password masked.

    ``lines=False`` reads MySQL/MariaDB and SQLite tables row by row only, never as the
    JSON lines the database renders: the reading the lines are checked against.
    """

    def __init__(
        self,
        url: DatabaseUrl | str,
        *,
        fetch_size: int = FETCH_SIZE,
        timeout: float | None = None,
        lines: bool = True,
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
        self._lines: bool | None = None if lines else False
        """MySQL/MariaDB and SQLite: whether the database has the JSON functions the line
        queries use (asked once)."""

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
        for location, data, _ in self._rows(table):
            yield Record(table, data, location)

    def row_batches(self, table: str) -> Iterator[tuple[str, list[tuple[None, Any]]]] | None:
        """MySQL/MariaDB and SQLite: the rows of :meth:`records` as (location, [(None, row)]),
        for the validators' converter of rows that are already JSON-native (no record is
        built for a canonical row); None for PostgreSQL, whose rows come as JSON lines."""
        if self._url.backend is POSTGRESQL:
            return None
        return ((location, [(None, data)]) for location, data, _ in self._rows(table))

    def decoded_rows(
        self, table: str, decode: Callable[[bytes], dict[str, Any] | None] | None
    ) -> Iterator[tuple[str, dict[str, Any], bool]] | None:
        """MySQL/MariaDB and SQLite: the rows of :meth:`records` as (location, row, decoded),
        for the validators; None for PostgreSQL, whose rows come as :meth:`json_lines`.

        Where the server renders the table's rows as JSON text (MySQL/MariaDB,
        :func:`_line_query`) and ``decode`` is given (the validators' fast decoder, for a
        table whose every accepted line orjson decodes to the same values), each line is
        offered to it first: a row it accepts comes back normalised with ``decoded``
        True, exactly as an NDJSON line would. Any other row, and every SQLite row, is
        the row :meth:`records` gives, with ``decoded`` False.
        """
        if self._url.backend is POSTGRESQL:
            return None
        return self._rows(table, decode)

    def _rows(
        self, table: str, decode: Callable[[bytes], dict[str, Any] | None] | None = None
    ) -> Iterator[tuple[str, dict[str, Any], bool]]:
        conn = self._checkout()
        quoted = conn.dialect.identifier_preparer.quote(table)
        try:
            with database_errors(self._url, f"cannot read table {table} from"):
                query = f"SELECT * FROM {quoted} ORDER BY id"
                if self._url.backend is POSTGRESQL:
                    query = f"SELECT {self._json_as_text(conn, table)} FROM {quoted} ORDER BY id"
                    yield from self._driver_rows(conn, table, query, sqlalchemy=True)
                    return
                # lines pay off through the fast decoder; without it (a table whose rows it
                # may not take, such as restore runs, few and large, whose JSON the server
                # would validate at length, or plain records) the row-by-row read is faster
                lines = self._line_query(conn, table, quoted) if decode is not None else None
                read = [0]
                if lines is not None:
                    if (yield from self._line_rows(conn, table, lines, decode, read)):
                        return
                    # a line that does not decode: the rest of the table, row by row
                    query += f" LIMIT {_MYSQL_NO_LIMIT} OFFSET {read[0]}"
                yield from self._driver_rows(conn, table, query)
        finally:
            self._idle.append(conn)

    def _line_query(self, conn: Connection, table: str, quoted: str) -> _LineQuery | None:
        """MySQL/MariaDB: the table's line query, when the server has the JSON functions it
        needs; SQLite's tables are read row by row (see :meth:`decoded_rows`)."""
        if self._url.backend is SQLITE:
            return None
        if self._lines is None:
            probe = _driver_cursor(conn, False)
            try:
                probe.execute(_JSON_PROBE)
                probe.fetchall()
                self._lines = True
            except Exception as exc:
                if not _no_such_function(exc):
                    raise
                self._lines = False  # a server older than MySQL 5.7 / MariaDB 10.2
            finally:
                probe.close()
        if not self._lines:
            return None
        return _line_query(conn, table, quoted)

    def _driver_rows(
        self, conn: Connection, table: str, query: str, *, sqlalchemy: bool = False
    ) -> Iterator[tuple[str, dict[str, Any], bool]]:
        """Each row of ``query`` as (location, the row in the export encoding, False),
        converted value by value from the driver's types."""
        result = None
        batches = None
        try:
            if sqlalchemy:
                result = conn.execution_options(stream_results=True).exec_driver_sql(query)
                keys = list(result.keys())
                stream = result.yield_per(self._fetch_size).partitions()
            else:
                # the driver's own cursor on the transaction's connection (PyMySQL's
                # unbuffered one): plain tuples, no SQLAlchemy row built per row
                result = _driver_cursor(conn, self._url.backend is SQLITE)
                result.execute(query)
                keys = [column[0] for column in result.description]
                stream = _fetch_batches(result, self._fetch_size)
            converters = _native_converters(table, keys, self._url.backend.name)
            prefix = f"{table}#"
            batches = _Prefetcher(stream)
            native = _NATIVE
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
                    yield f"{prefix}{data.get('id')}", data, False
        finally:
            if batches is not None:
                batches.close()
            if result is not None:
                result.close()

    def _line_rows(
        self,
        conn: Connection,
        table: str,
        lines: _LineQuery,
        decode: Callable[[bytes], dict[str, Any] | None] | None,
        read: list[int],
    ) -> Generator[tuple[str, dict[str, Any], bool], None, bool]:
        """Each row of the table as the server rendered it (:func:`_line_query`): through
        ``decode`` when it accepts the line, else decoded by orjson and converted as the
        driver's values are; True when every row was read. At a line orjson does not
        accept this returns False with ``read[0]`` rows handed over (the connection is busy
        with the stream, so the row cannot be asked for alone): the caller reads the rest
        of the table row by row."""
        cursor = _driver_cursor(conn, False)
        batches = None
        try:
            cursor.execute(lines.query)
            batches = _Prefetcher(_fetch_batches(cursor, self._fetch_size))
            converters = _native_converters(table, lines.keys, self._url.backend.name)
            loads = orjson.loads
            failed = orjson.JSONDecodeError
            prefix = f"{table}#"
            count = 0
            for partition in batches:
                for (text,) in partition:
                    if decode is not None and text is not None:
                        row = decode(text)
                        if row is not None:
                            count += 1
                            yield f"{prefix}{row['id']}", row, True
                            continue
                    try:
                        data = loads(text) if text is not None else None
                    except failed:
                        data = None
                    if type(data) is not dict:
                        read[0] = count
                        return False
                    for key, convert in converters:
                        value = data[key]
                        if value is not None:
                            data[key] = convert(value)
                    count += 1
                    yield f"{prefix}{data.get('id')}", data, False
            return True
        finally:
            if batches is not None:
                batches.close()
            cursor.close()

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
