"""JSON documents: an array of rows, or an object of table -> array of rows, read incrementally.

The file is read in chunks and scanned for the boundaries of each row (strings
skipped whole, brackets counted), and each row alone is parsed with orjson. A
huge array therefore never sits in memory, every row gets the line it starts
on, and a row that does not parse is reported without losing the rows after
it. (A row whose brackets do not balance cannot be delimited: the rest of the
document is then reported as truncated.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

import orjson

from restore_contracts.validators.readers._common import BOM, Meter, problem
from restore_contracts.validators.rules.parse import BAD_DOCUMENT, INVALID_UTF8, NOT_JSON, TRUNCATED
from restore_contracts.validators.source import Record

CHUNK = 1 << 20
_WS = re.compile(rb"[ \t\r\n]*")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_STRUCT = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|"', re.S)
_SCALAR_END = re.compile(rb"[,\]}\s]")


class _Truncated(Exception):
    """The document ended inside a value."""


class _Scanner:
    """A chunked view of a JSON document that hands out whole values as byte slices."""

    def __init__(self, handle: BinaryIO, meter: Meter) -> None:
        self.handle = handle
        self.meter = meter
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
        """The next value as bytes, with the line it starts on (raises _Truncated)."""
        if self.peek() is None:
            raise _Truncated
        while True:
            end = self._end_of_value(self.pos)
            if end is not None:
                start = self.pos
                line = self.line_at(start)
                self.pos = end
                return line, self.buf[start:end]
            if not self._fill():
                raise _Truncated

    def _end_of_value(self, start: int) -> int | None:
        buf = self.buf
        first = buf[start]
        if first == 0x22:  # '"'
            match = _STRING.match(buf, start)
            return match.end() if match else None
        if first not in (0x5B, 0x7B):  # '[' '{'
            match = _SCALAR_END.search(buf, start)
            if match:
                return match.start()
            return len(buf) if self.eof else None
        depth = 0
        for match in _STRUCT.finditer(buf, start):
            token = match.group()
            head = token[0]
            if head == 0x22:
                if len(token) == 1:
                    return None
                continue
            depth += 1 if head in (0x5B, 0x7B) else -1
            if depth == 0:
                return match.end()
        return None


def _decode(table: str, location: str, line: int, text: bytes) -> Record:
    try:
        return Record(table, orjson.loads(text), location, line)
    except orjson.JSONDecodeError as exc:
        try:
            text.decode("utf-8")
        except UnicodeDecodeError as bad:
            return problem(
                table, location, line, INVALID_UTF8, f"not valid UTF-8 at byte {bad.start + 1}"
            )
        return problem(table, location, line, NOT_JSON, f"not valid JSON: {exc}")


def _rows(scanner: _Scanner, table: str, location: str, want: bool) -> Iterator[Record]:
    """The elements of the array the scanner stands before (yielded only when ``want``)."""
    if scanner.take() != 0x5B:
        raise ValueError("not an array")
    if scanner.peek() == 0x5D:
        scanner.take()
        return
    while True:
        line, text = scanner.value()
        if want:
            yield _decode(table, location, line, text)
        separator = scanner.take()
        if separator == 0x5D:
            return
        if separator != 0x2C:
            if separator is None:
                raise _Truncated
            raise ValueError(f"expected ',' or ']' after the row on line {line}")


def document_kind(handle: BinaryIO, meter: Meter) -> str | None:
    """``array`` or ``object`` by the document's first byte (None: neither)."""
    scanner = _Scanner(handle, meter)
    first = scanner.peek()
    return {0x5B: "array", 0x7B: "object"}.get(first) if first is not None else None


def json_records(
    handle: BinaryIO, table: str, location: str, meter: Meter, *, array_table: str | None
) -> Iterator[Record]:
    """Rows of ``table``: the whole array when the document is one (named ``array_table``),
    or the array under the key ``table`` when it is an object of tables."""
    scanner = _Scanner(handle, meter)
    try:
        first = scanner.peek()
        if first == 0x5B:
            yield from _rows(scanner, table, location, want=table == array_table)
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
            key_line, key = scanner.value()
            name = orjson.loads(key) if key.startswith(b'"') else None
            if not isinstance(name, str) or scanner.take() != 0x3A:
                raise ValueError(f"expected a table name and ':' on line {key_line}")
            if scanner.peek() != 0x5B:
                line, _ = scanner.value()
                if name == table:
                    yield problem(
                        table, location, line, BAD_DOCUMENT, f"{name!r} is not an array of rows"
                    )
            else:
                yield from _rows(scanner, table, location, want=name == table)
            separator = scanner.take()
            if separator == 0x7D:
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
    except ValueError as exc:
        yield problem(
            table,
            location,
            scanner.line_at(min(scanner.pos, len(scanner.buf))),
            BAD_DOCUMENT,
            f"{exc}; the rest of the document is not read",
        )


def object_tables(handle: BinaryIO, meter: Meter) -> list[str]:
    """The table names of an object-of-tables document, in document order (a full scan)."""
    scanner = _Scanner(handle, meter)
    names: list[str] = []
    try:
        if scanner.take() != 0x7B or scanner.peek() == 0x7D:
            return names
        while True:
            _, key = scanner.value()
            name = orjson.loads(key) if key.startswith(b'"') else None
            if not isinstance(name, str) or scanner.take() != 0x3A:
                return names
            names.append(name)
            scanner.value()
            if scanner.take() != 0x2C:
                return names
    except (_Truncated, orjson.JSONDecodeError):
        return names


__all__ = ("document_kind", "json_records", "object_tables")
