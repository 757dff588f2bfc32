"""Readers: turn a path, a directory or stdin into a :class:`Source` of records.

``open_source`` is the one place that decides how an input spec is read; a
database URL reader plugs in there. Every reader streams: NDJSON, CSV and TSV
line by line, JSON documents element by element (see :mod:`.jsondoc`).

Input that cannot be read twice (stdin, a FIFO, ``<(...)`` process
substitution, a device) is copied once to a temporary file and then read like
the same bytes in a file: every command may read a source several times.
"""

from __future__ import annotations

import re
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import orjson

from restore_contracts._gc import without_cyclic_gc
from restore_contracts.db.urls import is_database_url
from restore_contracts.errors import InputError
from restore_contracts.validators.readers._common import (
    BOM,
    CHUNK,
    EXTENSIONS,
    Limits,
    Meter,
    Unreadable,
    format_of,
    line_batches,
    table_of,
)
from restore_contracts.validators.readers.csvcopy import Item as RowItem
from restore_contracts.validators.readers.csvcopy import csv_batches, csv_records
from restore_contracts.validators.readers.jsondoc import ENVELOPE_KEY, document_shape, json_records
from restore_contracts.validators.readers.ndjson import (
    BLANK,
    ndjson_lines,
    ndjson_records,
    parse_line,
)
from restore_contracts.validators.readers.tsv import tsv_batches, tsv_header, tsv_records
from restore_contracts.validators.source import Record, Source
from restore_contracts.validators.tables import ROW_MODELS

STDIN = "-"
STDIN_NAME = "<stdin>"
SKIPPED = frozenset({"manifest.json"})
"""File names in a directory that are not tables (the coverage set's manifest)."""
_KNOWN = ", ".join(sorted(EXTENSIONS))
_PREVIEW = 8
"""Keys of an unusable JSON object named in its error."""


def _is_envelope(value: object) -> bool:
    """The generators' NDJSON stream line: ``{"table": ..., "row": ...}``."""
    return isinstance(value, dict) and set(value) == {"table", "row"}


def _first_line(handle: BinaryIO, limits: Limits) -> tuple[int, bytes]:
    """The first non-blank line (BOM removed) and its number; (0, b"") when there is none."""
    number = 0
    for batch in line_batches(handle, Meter(), limits):
        for line in batch:
            number += 1
            if number == 1 and line.startswith(BOM):
                line = line[len(BOM) :]
            if type(line) is Unreadable:
                return number, b""
            if line.strip():
                return number, line
    return 0, b""


class FileSource:
    """One file: NDJSON, CSV or TSV hold one table (named by the file or --table), or
    the generators' ``{"table", "row"}`` lines of several; a JSON file holds an array of
    one table's rows, an object of table -> rows, an API envelope or one row."""

    def __init__(
        self,
        path: Path,
        table: str | None = None,
        *,
        meter: Meter | None = None,
        limits: Limits | None = None,
        name: str | None = None,
        fmt: str | None = None,
        named: bool = True,
    ) -> None:
        fmt = fmt or format_of(path)
        if fmt is None:
            raise InputError(f"{path}: unknown file type {path.suffix!r}; expected {_KNOWN}")
        self.path = path
        self.format = fmt
        self.meter = meter or Meter()
        self.limits = limits or Limits()
        self._name = name or str(path)
        self._given = table
        self._table = table or (table_of(path) if named else None)
        self._plan: dict[str, tuple[str, str | None]] | None = None
        """table -> (how to read it, the JSON key of its rows)."""
        self._spool: tempfile.TemporaryDirectory[str] | None = None
        self._spooled: dict[str, Path] = {}
        self._spool_problems: dict[int, Unreadable] = {}

    @property
    def name(self) -> str:
        """The path as given (``<stdin>`` for standard input)."""
        return self._name

    @property
    def bytes_read(self) -> int:
        """Bytes read so far (all passes)."""
        return self.meter.value

    def _open(self) -> BinaryIO:
        try:
            return self.path.open("rb")
        except OSError as exc:
            raise InputError(f"{self._name}: cannot read: {exc.strerror}") from None

    def _named_table(self, what: str) -> str:
        if self._table is None:
            raise InputError(f"{self._name}: give --table to name the table of the {what}")
        return self._table

    def _prepare(self) -> dict[str, tuple[str, str | None]]:
        """Decide once which tables the file offers and how each is read."""
        if self._plan is not None:
            return self._plan
        if self.format == "json":
            self._plan = self._json_plan()
        elif self.format == "ndjson":
            with self._open() as handle:
                _, first = _first_line(handle, self.limits)
            try:
                envelopes = _is_envelope(orjson.loads(first)) if first else False
            except orjson.JSONDecodeError:
                envelopes = False
            if envelopes:
                self._spool_envelopes()
                self._plan = dict.fromkeys(self._spooled, ("spooled", None))
            else:
                self._plan = {self._named_table("rows"): ("ndjson", None)}
        elif self.format == "tsv":
            table = self._named_table("rows")
            with self._open() as handle:
                tsv_header(handle, self._name, self.limits)
            self._plan = {table: ("tsv", None)}
        else:
            self._plan = {self._named_table("rows"): ("csv", None)}
        return self._plan

    def _json_plan(self) -> dict[str, tuple[str, str | None]]:
        with self._open() as handle:
            shape = document_shape(handle, Meter(), self.limits)
        if shape.kind != "object":
            return {self._named_table("rows of the JSON array"): ("json", None)}
        keys = shape.keys
        tables = [key for key in keys if key in ROW_MODELS]
        if tables or (keys and set(keys) == shape.arrays and not shape.envelope()):
            if self._given is None:
                return {key: ("json", key) for key in keys}
            if self._given not in keys:
                raise InputError(
                    f"{self._name}: no table {self._given!r} in the document "
                    f"(it holds {_listed(keys)})"
                )
            return {self._given: ("json", self._given)}
        if shape.envelope():
            if self._given is None:
                raise InputError(
                    f"{self._name}: a Laravel API resource collection or paginator "
                    f'({{"data": [...]}} with {_listed(keys)}); give --table to name the '
                    "table of its rows"
                )
            return {self._given: ("json", ENVELOPE_KEY)}
        if not keys:
            return {}
        if self._given is None:
            raise InputError(
                f"{self._name}: one JSON object (keys {_listed(keys)}), not rows; give --table "
                "to read it as one row of that table, or export an array of rows"
            )
        return {self._given: ("single", None)}

    def _spool_envelopes(self) -> None:
        """Split envelope lines into one temporary NDJSON file per table, each line
        prefixed with its line number (bad lines go with the table before them)."""
        self._spool = tempfile.TemporaryDirectory(prefix="restore-contracts-")
        handles: dict[str, BinaryIO] = {}
        current: str | None = None
        try:
            with self._open() as source:
                number = 0
                for batch in line_batches(source, Meter(), self.limits):
                    for line in batch:
                        number += 1
                        name, text = self._envelope(line, current, number)
                        if name is None:
                            continue
                        current = name
                        handle = handles.get(name)
                        if handle is None:
                            path = Path(self._spool.name) / f"{len(handles)}.ndjson"
                            handle = handles[name] = path.open("wb")
                            self._spooled[name] = path
                        handle.write(b"%d " % number + text + b"\n")
        finally:
            for handle in handles.values():
                handle.close()

    def _envelope(self, line: bytes, current: str | None, number: int) -> tuple[str | None, bytes]:
        """The table and row text of one envelope line (a bad line stays with ``current``)."""
        fallback = current or "restore_runs"
        if type(line) is Unreadable:
            self._spool_problems[number] = line
            return fallback, b""
        if number == 1 and line.startswith(BOM):
            line = line[len(BOM) :]
        try:
            envelope = orjson.loads(line)
            name = envelope["table"]
            text = orjson.dumps(envelope["row"])
            if not isinstance(name, str):
                raise TypeError(name)
        except (orjson.JSONDecodeError, KeyError, TypeError):
            if not line.strip():
                return None, b""
            return fallback, line.rstrip(b"\r\n")
        return name, text

    def tables(self) -> list[str]:
        """The tables the file offers (its name's, --table's, or the document's)."""
        return list(self._prepare())

    def records(self, table: str) -> Iterator[Record]:
        """Stream one table's records from the start of the file."""
        plan = self._prepare().get(table)
        if plan is None:
            return
        how, key = plan
        if how == "spooled":
            yield from self._spooled_records(table)
            return
        with self._open() as handle:
            if how == "ndjson":
                yield from ndjson_records(handle, table, self._name, self.meter, limits=self.limits)
            elif how == "csv":
                yield from csv_records(handle, table, self._name, self.meter, self.limits)
            elif how == "tsv":
                yield from tsv_records(handle, table, self._name, self.meter, self.limits)
            else:
                yield from json_records(
                    handle,
                    table,
                    self._name,
                    self.meter,
                    key=key,
                    single=how == "single",
                    trailing=table == next(iter(self._prepare())),
                    limits=self.limits,
                )

    def _spooled_records(self, table: str) -> Iterator[Record]:
        with self._spooled[table].open("rb") as handle:
            for spooled in handle:
                number, _, line = spooled.partition(b" ")
                self.meter.value += len(line)
                stand_in = self._spool_problems.get(int(number))
                data, problem = parse_line(
                    stand_in if stand_in is not None else line, 2, self.limits
                )
                if problem is not None:
                    yield Record(table, None, self._name, int(number), problem)
                elif data is not BLANK:
                    yield Record(table, data, self._name, int(number))

    def json_lines(self, table: str) -> Iterator[tuple[str, int, list[bytes]]] | None:
        """For NDJSON: batches of undecoded lines (location, first line, lines); else None.

        An optional extension of :class:`Source`: the engine decodes and checks
        canonical rows in one step when a source can hand it the text.
        """
        if self._prepare().get(table, ("", None))[0] != "ndjson":
            return None
        return self._lines()

    def row_batches(self, table: str) -> Iterator[tuple[str, list[RowItem]]] | None:
        """For CSV and TSV: the records of :meth:`records` in batches (location, items), each
        item (line, row as column -> text) or (line, problem record); else None.

        An optional extension of :class:`Source`: the engine makes a canonical
        row of a text row without building a record for it.
        """
        how = self._prepare().get(table, ("", None))[0]
        if how not in ("csv", "tsv"):
            return None
        return self._row_batches(table, how)

    def _row_batches(self, table: str, how: str) -> Iterator[tuple[str, list[RowItem]]]:
        batches = csv_batches if how == "csv" else tsv_batches
        with self._open() as handle, without_cyclic_gc():
            for batch in batches(handle, table, self._name, self.meter, self.limits):
                yield self._name, batch

    def _lines(self) -> Iterator[tuple[str, int, list[bytes]]]:
        with self._open() as handle:
            yield from ndjson_lines(handle, self._name, self.meter, self.limits)

    def close(self) -> None:
        """Remove spooled files; the file itself is opened per pass and closed at its end."""
        if self._spool is not None:
            self._spool.cleanup()
            self._spool = None


def _listed(keys: Sequence[str]) -> str:
    shown = ", ".join(repr(key) for key in keys[:_PREVIEW])
    return shown + (f" and {len(keys) - _PREVIEW} more" if len(keys) > _PREVIEW else "")


class CombinedSource:
    """Several sources read as one: a table's records are those of every part offering it."""

    def __init__(self, parts: Sequence[Source], name: str) -> None:
        self.parts = list(parts)
        self._name = name

    @property
    def name(self) -> str:
        """What the input was called (the directory, or the paths given)."""
        return self._name

    @property
    def bytes_read(self) -> int:
        """Bytes read so far by every part."""
        return sum(int(getattr(part, "bytes_read", 0)) for part in self.parts)

    def tables(self) -> list[str]:
        """Every part's tables, first appearance first."""
        return list(dict.fromkeys(t for part in self.parts for t in part.tables()))

    def records(self, table: str) -> Iterator[Record]:
        """The parts' records of ``table``, part after part."""
        for part in self.parts:
            if table in part.tables():
                yield from part.records(table)

    def json_lines(self, table: str) -> Iterator[tuple[str, int, list[bytes]]] | None:
        """Undecoded lines when every part offering ``table`` can give them, else None."""
        parts = [part for part in self.parts if table in part.tables()]
        streams = []
        for part in parts:
            lines = getattr(part, "json_lines", None)
            stream = lines(table) if lines is not None else None
            if stream is None:
                return None
            streams.append(stream)
        return chain.from_iterable(streams)

    def row_batches(self, table: str) -> Iterator[tuple[str, list[RowItem]]] | None:
        """Batches of rows when every part offering ``table`` can give them, else None."""
        streams = []
        for part in self.parts:
            if table not in part.tables():
                continue
            batches = getattr(part, "row_batches", None)
            stream = batches(table) if batches is not None else None
            if stream is None:
                return None
            streams.append(stream)
        return chain.from_iterable(streams)

    def close(self) -> None:
        """Close every part."""
        for part in self.parts:
            part.close()


def directory_source(
    path: Path, table: str | None = None, limits: Limits | None = None
) -> CombinedSource:
    """Every data file in a directory (and its subdirectories), one table per file.

    Files whose extension no reader knows (README, .sql) and the generators'
    ``manifest.json`` are passed over; a directory without any data file is
    unusable input.
    """
    meter = Meter()
    files = sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and format_of(p) and not p.name.startswith(".") and p.name not in SKIPPED
    )
    if not files:
        raise InputError(f"{path}: no data files ({_KNOWN}) in the directory")
    parts: list[Source] = [FileSource(p, table, meter=meter, limits=limits) for p in files]
    return CombinedSource(parts, str(path))


class SpooledSource(FileSource):
    """Input that can be read only once, copied to a temporary file and read from there."""

    def __init__(
        self,
        stream: BinaryIO,
        table: str | None,
        *,
        name: str,
        fmt: str | None = None,
        limits: Limits | None = None,
        head: bytes | None = None,
    ) -> None:
        limits = limits or Limits()
        directory = tempfile.TemporaryDirectory(prefix="restore-contracts-input-")
        try:
            if head is None:
                head = _read_head(stream, limits)
            fmt = fmt or _detect(head)
            path = Path(directory.name) / f"input.{fmt}"
            with path.open("wb") as copy:
                _copy(head, stream, copy, limits, fmt)
            super().__init__(path, table, limits=limits, name=name, fmt=fmt, named=False)
            self._input = directory
            self._prepare()
        except BaseException:
            directory.cleanup()
            raise

    def close(self) -> None:
        """Remove the copy and anything spooled from it."""
        super().close()
        self._input.cleanup()


class StdinSource(SpooledSource):
    """Standard input: NDJSON rows (--table names them), the generators' ``{"table", "row"}``
    lines, or a JSON document; told apart by the first line."""

    def __init__(
        self, stream: BinaryIO, table: str | None = None, limits: Limits | None = None
    ) -> None:
        head = _read_head(stream, limits or Limits())
        if not head.strip() or head.strip() == BOM:
            raise InputError("stdin: no input")
        super().__init__(stream, table, name=STDIN_NAME, limits=limits, head=head)


def _read_head(stream: BinaryIO, limits: Limits) -> bytes:
    """The input up to its second non-blank line (at most the line size limit)."""
    head = b""
    seen = 0
    while len(head) <= limits.max_line_bytes and seen < 2:
        line = stream.readline(limits.max_line_bytes + 1 - len(head))
        if not line:
            break
        head += line
        if line.strip() and line.strip() != BOM:
            seen += 1
    return head


_LINE_ENDS = re.compile(rb"\r\n|\r|\n")


_NOT_JSON = object()
_COLUMN = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
"""A column name in a CSV or TSV header line."""


def _parses(line: bytes) -> object:
    """A line's JSON value, or _NOT_JSON."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return _NOT_JSON


def _detect(head: bytes) -> str:
    """The format the first lines say: a CSV or TSV header (column names), a JSON document,
    else NDJSON.

    A first line that is not JSON is the start of a pretty-printed document
    when it opens one, unless the line after it is a row (NDJSON whose first
    row is bad).
    """
    if head.startswith(BOM):
        head = head[len(BOM) :]
    lines = [line.strip() for line in _LINE_ENDS.split(head) if line.strip()][:2]
    if not lines:
        return "ndjson"
    first = lines[0]
    if first.startswith(b"["):
        return "json"
    for separator, fmt in ((b"\t", "tsv"), (b",", "csv")):
        names = first.split(separator)
        if len(names) > 1 and all(_COLUMN.fullmatch(name.strip(b'"')) for name in names):
            return fmt
    parsed = _parses(first)
    if parsed is _NOT_JSON:
        second = _parses(lines[1]) if len(lines) > 1 else None
        return "json" if first.startswith(b"{") and not isinstance(second, dict) else "ndjson"
    if isinstance(parsed, dict) and not _is_envelope(parsed):
        values = list(parsed.values())
        if all(isinstance(v, list) for v in values) or isinstance(parsed.get(ENVELOPE_KEY), list):
            return "json"
    return "ndjson"


_BREAKS = {"json": (b"\n", b",", b"]", b"}")}
"""Bytes that end a row's text in a format (default: line ends)."""


def _copy(head: bytes, stream: BinaryIO, copy: BinaryIO, limits: Limits, fmt: str) -> None:
    """Copy the input, stopping after a run longer than the give-up size without anything
    that could end a row (an endless input such as ``/dev/zero``; the reader reports it)."""
    breaks = _BREAKS.get(fmt, (b"\n", b"\r"))
    copy.write(head)
    run = len(head) - max(head.rfind(end) for end in breaks) - 1
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        copy.write(chunk)
        last = max(chunk.rfind(end) for end in breaks)
        run = len(chunk) - last - 1 if last >= 0 else run + len(chunk)
        if run > limits.give_up_bytes:
            return


def _path_source(path: Path, table: str | None, limits: Limits | None) -> Source:
    """A path: a data file, or an input that can be read only once (FIFO, device)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or directory") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if stat.S_ISREG(mode):
        return FileSource(path, table, limits=limits)
    fmt = format_of(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        source = SpooledSource(
            handle,
            table or (table_of(path) if fmt else None),
            name=str(path),
            fmt=fmt,
            limits=limits,
        )
    return source


def require_contract_tables(source: Source) -> None:
    """Refuse an input that holds none of the contract tables (exit 2, saying what it holds).

    Contract tables that are present but empty are fine: they are reported as empty.
    """
    offered = source.tables()
    if any(table in ROW_MODELS for table in offered):
        return
    found = f"it holds {_listed(offered)}" if offered else "it holds no table"
    raise InputError(
        f"{source.name}: none of the contract tables ({found}); name the table with --table "
        "or name the file after it (e.g. restore_runs.ndjson)"
    )


def open_source(spec: str, table: str | None = None, *, limits: Limits | None = None) -> Source:
    """The source an input spec names: ``-`` for stdin, a database URL, a directory, or a
    data file.

    This is the one place input specs are told apart. A missing path or an
    unknown extension is unusable input (InputError, exit 2).
    """
    if is_database_url(spec):
        from restore_contracts.db.reader import DatabaseSource

        return DatabaseSource(spec)
    if spec == STDIN:
        return StdinSource(sys.stdin.buffer, table, limits)
    path = Path(spec)
    if path.is_dir():
        return directory_source(path, table, limits)
    return _path_source(path, table, limits)


def open_sources(
    specs: Sequence[str], table: str | None = None, *, limits: Limits | None = None
) -> Source:
    """One source for several specs (each opened with :func:`open_source`)."""
    if not specs:
        raise InputError("give at least one input: a file, a directory, or - for stdin")
    if list(specs).count(STDIN) > 1:
        raise InputError("stdin (-) can be given once")
    sources: list[Source] = []
    try:
        for spec in specs:
            sources.append(open_source(spec, table, limits=limits))
    except BaseException:
        for opened in sources:
            opened.close()
        raise
    if len(sources) == 1:
        return sources[0]
    names = [
        part.name if is_database_url(spec) else spec
        for spec, part in zip(specs, sources, strict=True)
    ]
    return CombinedSource(sources, ", ".join(names))


__all__ = (
    "STDIN",
    "CombinedSource",
    "FileSource",
    "Limits",
    "SpooledSource",
    "StdinSource",
    "directory_source",
    "open_source",
    "open_sources",
    "require_contract_tables",
)
