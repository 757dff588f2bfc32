"""Readers: turn a path, a directory or stdin into a :class:`Source` of records.

``open_source`` is the one place that decides how an input spec is read; a
database URL reader plugs in there. Every reader streams: NDJSON and CSV line
by line, JSON documents element by element (see :mod:`.jsondoc`).
"""

from __future__ import annotations

import io
import sys
import tempfile
from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import orjson

from restore_contracts.db.urls import is_database_url
from restore_contracts.errors import InputError
from restore_contracts.validators.readers._common import (
    EXTENSIONS,
    Meter,
    format_of,
    table_of,
)
from restore_contracts.validators.readers.csvcopy import csv_records
from restore_contracts.validators.readers.jsondoc import document_kind, json_records, object_tables
from restore_contracts.validators.readers.ndjson import (
    BLANK,
    ndjson_lines,
    ndjson_records,
    parse_line,
)
from restore_contracts.validators.source import Record, Source

STDIN = "-"
SKIPPED = frozenset({"manifest.json"})
"""File names in a directory that are not tables (the coverage set's manifest)."""
_KNOWN = ", ".join(sorted(EXTENSIONS))


class FileSource:
    """One file: NDJSON or CSV hold one table (named by the file or --table); a JSON file
    holds an array of one table's rows or an object of table -> rows."""

    def __init__(self, path: Path, table: str | None = None, *, meter: Meter | None = None) -> None:
        fmt = format_of(path)
        if fmt is None:
            raise InputError(f"{path}: unknown file type {path.suffix!r}; expected {_KNOWN}")
        self.path = path
        self.format = fmt
        self.meter = meter or Meter()
        self._table = table or table_of(path)
        self._tables: list[str] | None = None
        self._kind: str | None = None

    @property
    def name(self) -> str:
        """The path as given."""
        return str(self.path)

    @property
    def bytes_read(self) -> int:
        """Bytes read so far (all passes)."""
        return self.meter.value

    def _open(self) -> BinaryIO:
        try:
            return self.path.open("rb")
        except OSError as exc:
            raise InputError(f"{self.path}: cannot read: {exc.strerror}") from None

    def _json_kind(self) -> str | None:
        if self._kind is None:
            with self._open() as handle:
                self._kind = document_kind(handle, Meter()) or "invalid"
        return self._kind

    def tables(self) -> list[str]:
        """The table the file is named for, or the keys of an object-of-tables document."""
        if self._tables is None:
            if self.format == "json" and self._json_kind() == "object":
                with self._open() as handle:
                    self._tables = object_tables(handle, Meter())
            else:
                self._tables = [self._table]
        return self._tables

    def records(self, table: str) -> Iterator[Record]:
        """Stream one table's records from the start of the file."""
        if table not in self.tables():
            return
        with self._open() as handle:
            if self.format == "ndjson":
                yield from ndjson_records(handle, table, self.name, self.meter)
            elif self.format == "csv":
                yield from csv_records(handle, table, self.name, self.meter)
            else:
                yield from json_records(
                    handle, table, self.name, self.meter, array_table=self._table
                )

    def json_lines(self, table: str) -> Iterator[tuple[str, int, list[bytes]]] | None:
        """For NDJSON: batches of undecoded lines (location, first line, lines); else None.

        An optional extension of :class:`Source`: the engine decodes and checks
        canonical rows in one step when a source can hand it the text.
        """
        if self.format != "ndjson" or table not in self.tables():
            return None
        return self._lines()

    def _lines(self) -> Iterator[tuple[str, int, list[bytes]]]:
        with self._open() as handle:
            yield from ndjson_lines(handle, self.name, self.meter)

    def close(self) -> None:
        """Files are opened per pass and closed at its end; nothing stays open."""


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

    def close(self) -> None:
        """Close every part."""
        for part in self.parts:
            part.close()


def directory_source(path: Path, table: str | None = None) -> CombinedSource:
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
    parts: list[Source] = [FileSource(p, table, meter=meter) for p in files]
    return CombinedSource(parts, str(path))


class _Prefixed(io.RawIOBase):
    """A stream that first returns bytes already read, then the rest of another stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class StdinSource:
    """Standard input: NDJSON rows (streamed, one pass, --table names them), the
    generators' NDJSON envelopes ``{"table": ..., "row": {...}}`` (spooled to
    per-table temporary files), or a JSON document; detected from the first line."""

    def __init__(self, stream: BinaryIO, table: str | None = None) -> None:
        self.meter = Meter()
        self._table = table
        self._document: bytes | None = None
        self._lines: Iterator[bytes] | None = None
        self._array: BinaryIO | None = None
        self._spool: tempfile.TemporaryDirectory[str] | None = None
        self._spooled: dict[str, Path] = {}
        self._first_line = 1
        first = stream.readline()
        while first and not first.strip():
            self._first_line += 1
            first = stream.readline()
        if not first:
            raise InputError("stdin: no input")
        kind = _stdin_kind(first)
        if kind == "array":
            self._array = _Prefixed(first, stream)  # type: ignore[assignment]
        elif kind == "envelopes":
            self._spool_envelopes(chain([first], stream))
        elif kind == "rows":
            self._lines = chain([first], stream)
        else:
            self._document = b"\n" * (self._first_line - 1) + first + stream.read()
        if (self._lines is not None or self._array is not None) and table is None:
            raise InputError("stdin: give --table to name the table of the rows read from stdin")

    def _spool_envelopes(self, lines: Iterator[bytes]) -> None:
        """Split envelope lines into one temporary NDJSON file per table, each line
        prefixed with its stdin line number (bad lines go with the table before them)."""
        self._spool = tempfile.TemporaryDirectory(prefix="restore-contracts-stdin-")
        handles: dict[str, BinaryIO] = {}
        current: str | None = None
        try:
            for number, line in enumerate(lines, start=self._first_line):
                try:
                    envelope = orjson.loads(line)
                    name = envelope["table"]
                    text = orjson.dumps(envelope["row"])
                    if not isinstance(name, str):
                        raise TypeError(name)
                except (orjson.JSONDecodeError, KeyError, TypeError):
                    if not line.strip():
                        continue
                    name, text = current or "restore_runs", line.rstrip(b"\r\n")
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

    @property
    def name(self) -> str:
        """Reports call it stdin."""
        return "<stdin>"

    @property
    def bytes_read(self) -> int:
        """Bytes read so far."""
        return self.meter.value

    def tables(self) -> list[str]:
        """The --table of streamed rows, the envelopes' tables, or a JSON document's tables."""
        if self._spool is not None:
            return list(self._spooled)
        if self._document is not None:
            if document_kind(io.BytesIO(self._document), Meter()) == "object":
                return object_tables(io.BytesIO(self._document), Meter())
            return [self._table or "restore_runs"]
        return [self._table] if self._table else []

    def records(self, table: str) -> Iterator[Record]:
        """Stream the rows; streamed stdin can be read once, spooled or whole documents
        any number of times."""
        if self._spool is not None:
            path = self._spooled.get(table)
            if path is not None:
                yield from _spooled_records(path, table, self.name, self.meter)
        elif self._document is not None:
            yield from json_records(
                io.BytesIO(self._document), table, self.name, self.meter, array_table=self._table
            )
        elif self._lines is not None:
            lines, self._lines = self._lines, iter(())
            if table == self._table:
                yield from ndjson_records(
                    lines, table, self.name, self.meter, first_line=self._first_line
                )
        elif self._array is not None:
            stream, self._array = self._array, None
            if table == self._table:
                yield from json_records(stream, table, self.name, self.meter, array_table=table)

    def close(self) -> None:
        """Remove spooled files; stdin itself belongs to the process."""
        if self._spool is not None:
            self._spool.cleanup()


def _stdin_kind(first: bytes) -> str:
    """What the first line of stdin says the input is."""
    if first.lstrip().startswith(b"["):
        return "array"
    try:
        parsed = orjson.loads(first)
    except orjson.JSONDecodeError:
        return "document" if first.lstrip().startswith(b"{") else "rows"
    if isinstance(parsed, dict) and set(parsed) == {"table", "row"}:
        return "envelopes"
    if isinstance(parsed, dict) and parsed and all(isinstance(v, list) for v in parsed.values()):
        return "document"
    return "rows"


def _spooled_records(path: Path, table: str, location: str, meter: Meter) -> Iterator[Record]:
    with path.open("rb") as handle:
        for spooled in handle:
            number, _, line = spooled.partition(b" ")
            meter.value += len(line)
            data, problem = parse_line(line, 2)
            if problem is not None:
                yield Record(table, None, location, int(number), problem)
            elif data is not BLANK:
                yield Record(table, data, location, int(number))


def open_source(spec: str, table: str | None = None) -> Source:
    """The source an input spec names: ``-`` for stdin, a database URL, a directory, or a
    data file.

    This is the one place input specs are told apart. A missing path or an
    unknown extension is unusable input (InputError, exit 2).
    """
    if is_database_url(spec):
        from restore_contracts.db.reader import DatabaseSource

        return DatabaseSource(spec)
    if spec == STDIN:
        return StdinSource(sys.stdin.buffer, table)
    path = Path(spec)
    if path.is_dir():
        return directory_source(path, table)
    if not path.exists():
        raise InputError(f"{spec}: no such file or directory")
    return FileSource(path, table)


def open_sources(specs: Sequence[str], table: str | None = None) -> Source:
    """One source for several specs (each opened with :func:`open_source`)."""
    if not specs:
        raise InputError("give at least one input: a file, a directory, or - for stdin")
    if list(specs).count(STDIN) > 1:
        raise InputError("stdin (-) can be given once")
    sources = [open_source(spec, table) for spec in specs]
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
    "StdinSource",
    "directory_source",
    "open_source",
    "open_sources",
)
