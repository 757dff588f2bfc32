"""JSON documents: an array of rows, an object of table -> rows, an API envelope, one row.

The file is read in chunks and scanned for the boundaries of each row (strings
skipped whole, brackets counted, the scan resumed where it stopped when a row
spans chunks), and each row alone is parsed with orjson. A huge array
therefore never sits in memory, every row gets the line it starts on, and a
row that does not parse is reported without losing the rows after it. A row
larger than ``max_line_bytes`` is skipped without being held. (A row whose
brackets do not balance cannot be delimited: the rest of the document is then
reported as truncated.)

What a document holds is decided by :func:`document_shape` before any row is
read: a Laravel API resource collection or paginator (``{"data": [...],
"links": ..., "meta": ...}``) and a lone row object are read only when
``--table`` names their table; otherwise the input is refused with what was
found, never passed with nothing read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import orjson

from restore_contracts.validators.readers._common import (
    BOM,
    Limits,
    Meter,
    Unreadable,
    endless,
    nested_too_deep,
    problem,
    too_deep,
    too_large,
)
from restore_contracts.validators.readers.ndjson import NULL_ROW
from restore_contracts.validators.rules.parse import BAD_DOCUMENT, INVALID_UTF8, NOT_JSON, TRUNCATED
from restore_contracts.validators.source import Record

CHUNK = 1 << 20
ENVELOPE_KEY = "data"
"""Where Laravel's API resources and paginators put the rows."""
_LIMITS = Limits()
_WS = re.compile(rb"[ \t\r\n]*")
_STRING_REST = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.S)
_STRUCT = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|"', re.S)
_SCALAR_END = re.compile(rb"[,\]}\s]")


class _Truncated(Exception):
    """The document ended inside a value."""


class _GiveUp(Exception):
    """A value ran on past the point where reading stops (an endless input)."""


class _Scan:
    """Where the search for the end of one value stands (kept across chunks)."""

    __slots__ = ("depth", "in_string", "scalar", "scan")

    def __init__(self, scan: int, first: int) -> None:
        self.scan = scan
        self.depth = 0
        self.scalar = first not in (0x5B, 0x7B, 0x22)
        self.in_string = first == 0x22
        if self.in_string:
            self.scan += 1


class _Scanner:
    """A chunked view of a JSON document that hands out whole values as byte slices."""

    def __init__(self, handle: BinaryIO, meter: Meter, limits: Limits = _LIMITS) -> None:
        self.handle = handle
        self.meter = meter
        self.limits = limits
        self.buf = b""
        self.pos = 0
        self.eof = False
        self.line = 1
        self.mark = 0
        self.started = False

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.meter.value += len(chunk)
        self.line_at(self.pos)
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        self.mark = 0
        if not self.started:
            self.started = True
            if self.buf.startswith(BOM):
                self.pos = self.mark = len(BOM)
        return True

    def line_at(self, position: int) -> int:
        """The 1-based line of a buffer position (positions only move forward)."""
        self.line += self.buf.count(b"\n", self.mark, position)
        self.mark = position
        return self.line

    def peek(self) -> int | None:
        """The next non-blank byte (not consumed), or None at the end."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return None

    def take(self) -> int | None:
        """Consume and return the next non-blank byte."""
        byte = self.peek()
        if byte is not None:
            self.pos += 1
        return byte

    def value(self) -> tuple[int, bytes]:
        """The next value as bytes with the line it starts on; a value larger than the limit
        is skipped and stands as an :class:`Unreadable` (raises _Truncated, _GiveUp)."""
        first = self.peek()
        if first is None:
            raise _Truncated
        start = self.pos
        line = self.line_at(start)
        state = _Scan(start, first)
        limit = self.limits.max_line_bytes
        while True:
            end = self._end(state)
            if end is not None:
                self.pos = end
                if end - start > limit:
                    return line, too_large(end - start, self.limits, "row")
                return line, self.buf[start:end]
            if len(self.buf) - start > limit:
                return line, self._skip(state, start)
            if not self._fill():
                raise _Truncated
            state.scan -= start
            start = 0

    def _skip(self, state: _Scan, start: int) -> Unreadable:
        """Read past a value too large to hold, keeping only the scan's state."""
        skipped = 0
        while True:
            self.line_at(state.scan)
            skipped += state.scan - start
            self.pos = start = state.scan
            if skipped > self.limits.give_up_bytes:
                raise _GiveUp
            if not self._fill():
                raise _Truncated
            state.scan = start = 0
            end = self._end(state)
            if end is not None:
                self.pos = end
                return too_large(skipped + end, self.limits, "row")

    def _end(self, state: _Scan) -> int | None:
        """The end of the value being scanned, or None when the buffer ends first."""
        buf = self.buf
        if state.scalar:
            match = _SCALAR_END.search(buf, state.scan)
            if match:
                return match.start()
            state.scan = len(buf)
            return len(buf) if self.eof else None
        while True:
            if state.in_string:
                end = _STRING_REST.match(buf, state.scan).end()  # type: ignore[union-attr]
                if end >= len(buf) or buf[end] != 0x22:
                    state.scan = end
                    return None
                state.in_string = False
                state.scan = end + 1
                if state.depth == 0:
                    return state.scan
            for match in _STRUCT.finditer(buf, state.scan):
                token = match.group()
                head = token[0]
                if head == 0x22:
                    if len(token) == 1:
                        state.in_string = True
                        state.scan = match.end()
                        break
                    continue
                state.depth += 1 if head in (0x5B, 0x7B) else -1
                if state.depth <= 0:
                    return match.end()
            else:
                state.scan = len(buf)
                return None


def _decode(table: str, location: str, line: int, text: bytes, limits: Limits) -> Record:
    if type(text) is Unreadable:
        return Record(table, None, location, line, text.problem)
    if too_deep(text, limits.max_depth):
        return Record(table, None, location, line, nested_too_deep(limits))
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        try:
            text.decode("utf-8")
        except UnicodeDecodeError as bad:
            return problem(
                table, location, line, INVALID_UTF8, f"not valid UTF-8 at byte {bad.start + 1}"
            )
        return problem(table, location, line, NOT_JSON, f"not valid JSON: {exc}")
    if data is None:
        return Record(table, None, location, line, NULL_ROW)
    return Record(table, data, location, line)


def _rows(
    scanner: _Scanner, table: str, location: str, want: bool, limits: Limits
) -> Iterator[Record]:
    """The elements of the array the scanner stands before (yielded only when ``want``)."""
    if scanner.take() != 0x5B:
        raise ValueError("not an array")
    if scanner.peek() == 0x5D:
        scanner.take()
        return
    while True:
        line, text = scanner.value()
        if want:
            yield _decode(table, location, line, text, limits)
        separator = scanner.take()
        if separator == 0x5D:
            return
        if separator != 0x2C:
            if separator is None:
                raise _Truncated
            raise ValueError(f"expected ',' or ']' after the row on line {line}")


def _after(scanner: _Scanner, table: str, location: str, report: bool) -> Iterator[Record]:
    """A finding for text after the end of the document, when asked to report it."""
    if report and scanner.peek() is not None:
        yield problem(
            table,
            location,
            scanner.line_at(scanner.pos),
            BAD_DOCUMENT,
            "text after the end of the JSON document is not read (one document per .json "
            "file; rows one per line belong in .ndjson)",
        )


@dataclass(slots=True)
class Shape:
    """What a JSON document holds, found by one scan that keeps no rows."""

    kind: str
    """``empty`` (nothing but blanks), ``array``, ``object`` or ``other``."""
    keys: list[str] = field(default_factory=list)
    """An object's keys, in document order."""
    arrays: set[str] = field(default_factory=set)
    """The keys whose values are arrays."""

    def envelope(self) -> bool:
        """An API resource collection or paginator: rows under ``data``."""
        return ENVELOPE_KEY in self.arrays


def document_shape(handle: BinaryIO, meter: Meter, limits: Limits = _LIMITS) -> Shape:
    """The kind of a document and, for an object, its keys (a full scan, rows not kept)."""
    scanner = _Scanner(handle, meter, limits)
    first = scanner.peek()
    if first is None:
        return Shape("empty")
    if first == 0x5B:
        return Shape("array")
    if first != 0x7B:
        return Shape("other")
    shape = Shape("object")
    try:
        scanner.take()
        if scanner.peek() == 0x7D:
            return shape
        while True:
            _, key = scanner.value()
            name = orjson.loads(key) if key.startswith(b'"') else None
            if not isinstance(name, str) or scanner.take() != 0x3A:
                return shape
            shape.keys.append(name)
            if scanner.peek() == 0x5B:
                shape.arrays.add(name)
                for _ in _rows(scanner, "", "", False, limits):
                    pass
            else:
                scanner.value()
            if scanner.take() != 0x2C:
                return shape
    except (_Truncated, _GiveUp, ValueError, orjson.JSONDecodeError):
        return shape


def json_records(
    handle: BinaryIO,
    table: str,
    location: str,
    meter: Meter,
    *,
    key: str | None = None,
    single: bool = False,
    trailing: bool = False,
    limits: Limits = _LIMITS,
) -> Iterator[Record]:
    """Rows of ``table``: the whole array when ``key`` is None, or the array under ``key``
    when the document is an object (of tables, or an API envelope); with ``single`` the
    document itself is the one row. With ``trailing``, text after the document (a second
    document, NDJSON in a .json file) is reported too (once per file: by one table's read)."""
    scanner = _Scanner(handle, meter, limits)
    try:
        first = scanner.peek()
        if first is None:
            return
        if single:
            line, text = scanner.value()
            yield _decode(table, location, line, text, limits)
            yield from _after(scanner, table, location, trailing)
            return
        if first == 0x5B and key is None:
            yield from _rows(scanner, table, location, True, limits)
            yield from _after(scanner, table, location, trailing)
            return
        if first != 0x7B:
            yield problem(
                table,
                location,
                scanner.line_at(scanner.pos),
                BAD_DOCUMENT,
                "expected an array of rows or an object of table -> rows",
            )
            return
        scanner.take()
        if scanner.peek() == 0x7D:
            return
        while True:
            key_line, raw = scanner.value()
            name = orjson.loads(raw) if raw.startswith(b'"') else None
            if not isinstance(name, str) or scanner.take() != 0x3A:
                raise ValueError(f"expected a table name and ':' on line {key_line}")
            if scanner.peek() != 0x5B:
                line, _ = scanner.value()
                if name == key:
                    yield problem(
                        table, location, line, BAD_DOCUMENT, f"{name!r} is not an array of rows"
                    )
            else:
                yield from _rows(scanner, table, location, name == key, limits)
            separator = scanner.take()
            if separator == 0x7D:
                yield from _after(scanner, table, location, trailing)
                return
            if separator != 0x2C:
                if separator is None:
                    raise _Truncated
                raise ValueError(f"expected ',' or '}}' after table {name!r}")
    except _Truncated:
        yield problem(
            table,
            location,
            scanner.line_at(min(scanner.pos, len(scanner.buf))),
            TRUNCATED,
            "the document ends in the middle of a value",
        )
    except _GiveUp:
        stop = endless(limits, "row")
        yield Record(table, None, location, scanner.line_at(scanner.pos), stop.problem)
    except (ValueError, orjson.JSONDecodeError) as exc:
        yield problem(
            table,
            location,
            scanner.line_at(min(scanner.pos, len(scanner.buf))),
            BAD_DOCUMENT,
            f"{exc}; the rest of the document is not read",
        )


__all__ = ("ENVELOPE_KEY", "Shape", "document_shape", "json_records")
