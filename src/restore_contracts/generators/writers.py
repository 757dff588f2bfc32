"""Writers: worlds as JSON, NDJSON, CSV (as PostgreSQL COPY writes it) or SQL INSERTs.

Directory outputs stream: worlds are written as they arrive, never gathered,
so ``--count 1000000`` runs in flat memory. Every file goes through
:func:`restore_contracts._io.atomic_writer`; when anything fails, every file
of the run is left as it was before (no partial file). Bytes depend only on
the rows: compact orjson, keys in row order, UTF-8.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast

import orjson

from restore_contracts._gc import without_cyclic_gc
from restore_contracts._io import atomic_writer
from restore_contracts.config import Assumptions
from restore_contracts.contracts import TABLE_MODELS, RestoreRunProof
from restore_contracts.errors import InputError
from restore_contracts.generators.covers import proof_rows
from restore_contracts.generators.ids import DEFAULT_SEED
from restore_contracts.generators.php import check_php_json, write_php
from restore_contracts.generators.world import Row, World

FORMATS = ("json", "ndjson", "csv", "sql", "php")
DIALECTS = ("postgresql", "mysql", "sqlite")
PROOF_TABLE = "restore_run_proofs"
"""The derived view written by ``--with-derived``: a table of its own, never columns."""

STDOUT = "-"
_FLUSH_AT = 1 << 20
_SQL_ROWS_PER_INSERT = 500
_dump_line: Callable[[Any], bytes] = functools.partial(
    orjson.dumps, option=orjson.OPT_APPEND_NEWLINE
)


def table_columns(table: str) -> list[str]:
    """The columns of a table in model order (the CSV header and SQL column list)."""
    model = RestoreRunProof if table == PROOF_TABLE else TABLE_MODELS[table]
    return list(model.model_fields)


def output_tables(tables: Sequence[str] | None, *, with_derived: bool) -> list[str]:
    """The tables a run writes, parents first; unknown names are a one-line error."""
    known = [*TABLE_MODELS, PROOF_TABLE]
    chosen = list(tables) if tables else [*TABLE_MODELS, *([PROOF_TABLE] if with_derived else [])]
    for table in chosen:
        if table not in known:
            raise InputError(f"unknown table {table!r}; valid tables: {', '.join(known)}")
    if PROOF_TABLE in chosen and not with_derived:
        raise InputError(f"table {PROOF_TABLE} is derived: add --with-derived")
    return [table for table in known if table in chosen]


class _Sink:
    """A 1 MiB write buffer in front of an output: few large writes, one C call per add.

    Rows are copied into the buffer as they come: orjson returns each row in an
    oversized buffer, so holding thousands of them until a flush would cost
    kilobytes per row instead of its length. ``close`` flushes and detaches, leaving
    the underlying handle open for its owner (the atomic writer, or stdout).
    """

    __slots__ = ("_buffered", "add")

    def __init__(self, handle: BinaryIO) -> None:
        self._buffered = io.BufferedWriter(cast(io.RawIOBase, handle), buffer_size=_FLUSH_AT)
        self.add: Callable[[bytes], int] = self._buffered.write

    def add_all(self, chunks: Iterable[bytes]) -> None:
        """Add several chunks."""
        self._buffered.writelines(chunks)

    def release(self) -> None:
        """Flush everything to the handle and let go of it (without closing it)."""
        self._buffered.detach()  # flushes first

    @classmethod
    @contextlib.contextmanager
    def over(cls, handle: BinaryIO) -> Iterator[_Sink]:
        """A sink over ``handle``, released when the block ends, whether or not it fails.

        Released explicitly because a buffer left to the garbage collector would
        close the handle under its owner.
        """
        sink = cls(handle)
        try:
            yield sink
        finally:
            sink.release()


def _with_derived(
    worlds: Iterable[World], tables: list[str], assumptions: Assumptions | None
) -> Iterator[tuple[World, dict[str, list[Row]]]]:
    """Each world with the rows to write per selected table (the derived view added).

    A world that already holds ``restore_run_proofs`` rows (a mutation of the
    derived view) keeps them: recomputing would undo the mutation.
    """
    want_proofs = PROOF_TABLE in tables
    for world in worlds:
        rows = world.tables
        if want_proofs and not rows.get(PROOF_TABLE):
            rows = {**rows, PROOF_TABLE: proof_rows(world, assumptions)}
        yield world, rows


# --- CSV ------------------------------------------------------------------------------------


def csv_field(value: Any) -> str:
    """One value as PostgreSQL ``COPY ... CSV`` writes it: NULL is an empty unquoted field."""
    if value is None:
        return ""
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = value if isinstance(value, str) else orjson.dumps(value).decode("utf-8")
    if text == "" or text == "\\." or any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_line(row: Row, columns: list[str]) -> bytes:
    extra = row.keys() - set(columns)
    if extra:
        raise InputError(f"row has column(s) {sorted(extra)} not in the CSV header {columns}")
    return (",".join(csv_field(row.get(column)) for column in columns) + "\n").encode("utf-8")


def _csv_columns(table: str, first: list[Row]) -> list[str]:
    """Model columns, then any extra column the first world's rows carry (a mutation's)."""
    columns = table_columns(table)
    for row in first:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


# --- SQL ------------------------------------------------------------------------------------


def sql_literal(value: Any, dialect: str) -> str:
    """One value as a SQL literal of ``dialect`` (JSON columns as text literals)."""
    if value is None:
        return "NULL"
    if value is True:
        return "TRUE" if dialect == "postgresql" else "1"
    if value is False:
        return "FALSE" if dialect == "postgresql" else "0"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = value if isinstance(value, str) else orjson.dumps(value).decode("utf-8")
    if dialect == "mysql":
        text = text.replace("\\", "\\\\").replace("\x00", "\\0")
    return "'" + text.replace("'", "''") + "'"


def _quote_identifier(name: str, dialect: str) -> str:
    if dialect == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


_SQL_HEAD = {
    "postgresql": "SET client_encoding = 'UTF8';\nBEGIN;\n",
    "mysql": (
        "SET NAMES utf8mb4;\n"
        "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '');\n"
        "START TRANSACTION;\n"
    ),
    "sqlite": "BEGIN;\n",
}


def sql_inserts(table: str, rows: list[Row], dialect: str) -> Iterator[str]:
    """INSERT statements for rows of one table; rows with the same columns share a statement."""
    name = _quote_identifier(table, dialect)

    def columns_of(row: Row) -> tuple[str, ...]:
        return tuple(row)

    for _, group in itertools.groupby(rows, key=columns_of):
        batch = list(group)
        columns = list(batch[0])
        head = (
            f"INSERT INTO {name} ("
            + ", ".join(_quote_identifier(c, dialect) for c in columns)
            + ") VALUES\n"
        )
        for start in range(0, len(batch), _SQL_ROWS_PER_INSERT):
            values = ",\n".join(
                "  (" + ", ".join(sql_literal(row[c], dialect) for c in columns) + ")"
                for row in batch[start : start + _SQL_ROWS_PER_INSERT]
            )
            yield head + values + ";\n"


# --- the one entry point --------------------------------------------------------------------


def check_format(fmt: str, dialect: str | None) -> str | None:
    """Validate format and dialect together; returns the dialect to use (sql needs one)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    if dialect is not None and dialect not in DIALECTS:
        raise InputError(f"unknown dialect {dialect!r}; valid dialects: {', '.join(DIALECTS)}")
    if fmt == "sql":
        return dialect or "postgresql"
    if dialect is not None:
        raise InputError("--dialect applies to --format sql only")
    return None


def _safe_name(name: str) -> str:
    return "".join("_" if c in "/\\:\0" else c for c in name) or "world"


def world_file_stem(world: World) -> str:
    """The file name (without suffix) of a world written as JSON: its name, and its seed
    unless that is the default one, so worlds of one scenario with different seeds never
    share a file (``failed.json``, ``failed.seed-2.json``)."""
    stem = _safe_name(world.name)
    if world.seed is None or world.seed == DEFAULT_SEED:
        return stem
    return f"{stem}.seed-{world.seed}"


@contextlib.contextmanager
def _directory_for_run(directory: Path) -> Iterator[None]:
    """Remove the directories this run created if it fails before they hold anything:
    a refused run leaves nothing behind, not even an empty directory."""
    missing = []
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    try:
        yield
    except BaseException:
        for created in missing:  # deepest first
            with contextlib.suppress(OSError):
                created.rmdir()  # only succeeds while empty
        raise


def write_worlds(
    worlds: Iterable[World],
    fmt: str,
    out: Path | str,
    *,
    dialect: str | None = None,
    with_derived: bool = False,
    tables: Sequence[str] | None = None,
    assumptions: Assumptions | None = None,
    stdout: BinaryIO | None = None,
    php_json: str | None = None,
) -> list[Path]:
    """Write worlds in ``fmt`` to directory ``out`` (or ``"-"`` for stdout); return the files.

    ``json``: ``<world>.json`` per world, ``{table: [rows]}``; to stdout only one world.
    ``ndjson``: ``<table>.ndjson`` per table; to stdout one line per row,
    ``{"table": ..., "row": {...}}``, in insert order. ``csv``: ``<table>.csv`` per
    table with a header; to stdout only when one table is selected. ``sql``:
    ``fixtures.<dialect>.sql`` with INSERTs in insert order, in one transaction.
    ``php``: ``<world>.php`` per world returning it as a PHP array, JSON columns
    by ``php_json`` (see :mod:`restore_contracts.generators.php`); to stdout only one world.
    """
    with without_cyclic_gc():
        return _write_worlds(
            worlds,
            fmt,
            out,
            dialect=dialect,
            with_derived=with_derived,
            tables=tables,
            assumptions=assumptions,
            stdout=stdout,
            php_json=php_json,
        )


def _write_worlds(
    worlds: Iterable[World],
    fmt: str,
    out: Path | str,
    *,
    dialect: str | None,
    with_derived: bool,
    tables: Sequence[str] | None,
    assumptions: Assumptions | None,
    stdout: BinaryIO | None,
    php_json: str | None = None,
) -> list[Path]:
    sql_dialect = check_format(fmt, dialect)
    json_mode = check_php_json(fmt, php_json)
    selected = output_tables(tables, with_derived=with_derived)
    stream = _with_derived(worlds, selected, assumptions)
    if json_mode is not None:
        if str(out) == STDOUT:
            return write_php(
                stream, selected, out, json_mode=json_mode, file_name=world_file_stem, stdout=stdout
            )
        with _directory_for_run(Path(out)):
            return write_php(stream, selected, out, json_mode=json_mode, file_name=world_file_stem)
    if str(out) == STDOUT:
        target = stdout if stdout is not None else sys.stdout.buffer
        _write_stdout(stream, fmt, selected, sql_dialect, target)
        return []
    directory = Path(out)
    if directory.exists() and not directory.is_dir():
        raise InputError(f"--out {directory}: exists and is not a directory")
    with _directory_for_run(directory):
        return _write_files(stream, fmt, selected, sql_dialect, directory)


def _write_files(
    stream: Iterator[tuple[World, dict[str, list[Row]]]],
    fmt: str,
    selected: list[str],
    sql_dialect: str | None,
    directory: Path,
) -> list[Path]:
    if fmt == "json":
        return _write_json_files(stream, selected, directory)
    if fmt == "sql":
        assert sql_dialect is not None
        path = directory / f"fixtures.{sql_dialect}.sql"
        with atomic_writer(path) as handle, _Sink.over(handle) as sink:
            _write_sql(stream, selected, sql_dialect, sink)
        return [path]
    suffix = ".ndjson" if fmt == "ndjson" else ".csv"
    paths = [directory / f"{table}{suffix}" for table in selected]
    with contextlib.ExitStack() as stack:
        # each sink is released before its file is committed (or removed, on error)
        sinks = {
            table: stack.enter_context(_Sink.over(stack.enter_context(atomic_writer(path))))
            for table, path in zip(selected, paths, strict=True)
        }
        if fmt == "ndjson":
            _write_ndjson(stream, sinks)
        else:
            _write_csv(stream, sinks)
    return paths


_BOUNDARY = b'},{"id":'
_LINE_BREAK = b'}\n{"id":'


def ndjson_lines(rows: list[Row]) -> bytes:
    """Rows as NDJSON lines, byte-identical to dumping each row on its own line.

    One orjson call for the whole list is much cheaper than one per row; the list's
    top-level separators are turned into newlines. That is exact when every row's
    first key is ``id`` and ``},{"id":`` occurs exactly once per boundary: inside a
    JSON string the quote would be escaped, so any other occurrence can only come
    from a nested array of objects, which the count reveals; then rows are dumped
    one by one.
    """
    if len(rows) == 1:
        return _dump_line(rows[0])
    if all(next(iter(row), None) == "id" for row in rows):
        body = orjson.dumps(rows)[1:-1]
        if body.count(_BOUNDARY) == len(rows) - 1:
            return body.replace(_BOUNDARY, _LINE_BREAK) + b"\n"
    return b"".join(map(_dump_line, rows))


def _write_ndjson(
    stream: Iterator[tuple[World, dict[str, list[Row]]]], sinks: dict[str, _Sink]
) -> None:
    pairs = list(sinks.items())
    for _, rows_by_table in stream:
        for table, sink in pairs:
            rows = rows_by_table.get(table)
            if rows:
                sink.add(ndjson_lines(rows))  # a C call: the buffer's write


def _write_csv(
    stream: Iterator[tuple[World, dict[str, list[Row]]]], sinks: dict[str, _Sink]
) -> None:
    columns: dict[str, list[str]] = {}
    for _, rows_by_table in stream:
        for table, sink in sinks.items():
            rows = rows_by_table.get(table, [])
            if table not in columns:
                columns[table] = _csv_columns(table, rows)
                sink.add((",".join(csv_field(c) for c in columns[table]) + "\n").encode())
            cols = columns[table]
            sink.add_all(_csv_line(row, cols) for row in rows)
    for table, sink in sinks.items():
        if table not in columns:
            sink.add((",".join(table_columns(table)) + "\n").encode())


def _write_sql(
    stream: Iterator[tuple[World, dict[str, list[Row]]]],
    tables: list[str],
    dialect: str,
    sink: _Sink,
) -> None:
    sink.add(f"-- restore-contracts fixtures for {dialect}; tables in insert order\n".encode())
    sink.add(_SQL_HEAD[dialect].encode())
    for world, rows_by_table in stream:
        sink.add(f"-- world {world.name}\n".encode())
        for table in tables:
            for statement in sql_inserts(table, rows_by_table.get(table, []), dialect):
                sink.add(statement.encode("utf-8"))
    sink.add(b"COMMIT;\n")


def _json_document(rows_by_table: dict[str, list[Row]], tables: list[str]) -> bytes:
    document = {table: rows_by_table.get(table, []) for table in tables}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _write_json_files(
    stream: Iterator[tuple[World, dict[str, list[Row]]]], tables: list[str], directory: Path
) -> list[Path]:
    paths: list[Path] = []
    written: dict[str, str] = {}
    """File name -> the world written there: a path is never written twice in one run."""
    for world, rows_by_table in stream:
        name = f"{world_file_stem(world)}.json"
        path = directory / name
        earlier = written.get(name)
        if earlier is not None:
            raise InputError(
                f"two worlds would be written to {path}: {earlier} and "
                f"{_describe(world)}; give each world its own name or seed"
            )
        written[name] = _describe(world)
        with atomic_writer(path) as handle:
            handle.write(_json_document(rows_by_table, tables))
        paths.append(path)
    return paths


def _describe(world: World) -> str:
    seed = "no seed" if world.seed is None else f"seed {world.seed}"
    return f"world {world.name!r} ({seed})"


def _write_stdout(
    stream: Iterator[tuple[World, dict[str, list[Row]]]],
    fmt: str,
    tables: list[str],
    dialect: str | None,
    target: BinaryIO,
) -> None:
    if fmt == "csv" and len(tables) != 1:
        raise InputError("csv to stdout needs exactly one table: add --table NAME")
    if fmt == "json":
        first = list(itertools.islice(stream, 2))
        if len(first) != 1:
            raise InputError(
                f"json to stdout holds exactly one world, got {'none' if not first else 'more'}; "
                "use --out DIR or --format ndjson"
            )
        target.write(_json_document(first[0][1], tables))
        target.flush()
        return
    with _Sink.over(target) as sink:
        if fmt == "ndjson":
            for _, rows_by_table in stream:
                for table in tables:
                    for row in rows_by_table.get(table, []):
                        sink.add(_dump_line({"table": table, "row": row}))
        elif fmt == "csv":
            _write_csv(stream, {tables[0]: sink})
        else:
            assert dialect is not None
            _write_sql(stream, tables, dialect, sink)
    target.flush()


__all__ = (
    "DIALECTS",
    "FORMATS",
    "PROOF_TABLE",
    "STDOUT",
    "check_format",
    "csv_field",
    "ndjson_lines",
    "output_tables",
    "sql_inserts",
    "sql_literal",
    "table_columns",
    "world_file_stem",
    "write_worlds",
)
