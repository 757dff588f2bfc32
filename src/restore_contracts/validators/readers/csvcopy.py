"""CSV as PostgreSQL's COPY writes it: a header, NULL as an empty unquoted field.

``COPY ... TO ... WITH (FORMAT csv, HEADER)`` writes NULL as nothing and an
empty string as ``""``; Python's csv module cannot tell the two apart (before
3.12), so fields are split here: quoted fields are text (``""`` inside is a
quote), unquoted empty fields are None. Booleans stay ``t``/``f`` and JSON
columns stay JSON text; the models read those encodings. A record may span
lines (quoted newlines); the line reported is the one it starts on.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from typing import BinaryIO

from restore_contracts.validators.readers._common import (
    BOM,
    Limits,
    Meter,
    Unreadable,
    deep_field,
    line_batches,
    nested_too_deep,
    problem,
)
from restore_contracts.validators.rules.parse import (
    CSV_EXTRA_FIELDS,
    CSV_MALFORMED,
    CSV_MISSING_FIELDS,
    DUPLICATE_COLUMN,
    INVALID_UTF8,
    TOO_LARGE,
    TRUNCATED,
)
from restore_contracts.validators.source import Record

_LIMITS = Limits()
Line = tuple[int, str, str]
"""A line of a record: its number, its text, why it is not UTF-8 (empty when it is)."""
_FIELD = re.compile(r'"([^"]*(?:""[^"]*)*)"|([^,"\r\n]*)')


def split_record(text: str) -> list[str | None] | None:
    """The fields of one CSV record (without its line end); None when it is malformed."""
    fields: list[str | None] = []
    position = 0
    size = len(text)
    while True:
        match = _FIELD.match(text, position)
        assert match is not None  # the second alternative matches the empty string
        quoted, plain = match.groups()
        if quoted is not None:
            fields.append(quoted.replace('""', '"'))
        else:
            fields.append(plain or None)
        position = match.end()
        if position >= size:
            return fields
        if text[position] != ",":
            return None
        position += 1


def _continues(text: str, inside: bool) -> bool:
    """Whether a record is still inside a quoted field at the end of this line.

    A quote opens a field only at the field's start; a quote anywhere else in
    an unquoted field is a stray (the record is malformed, but it ends with
    its line and cannot swallow the lines after it).
    """
    if not inside and not text.count('"') % 2:
        return False  # balanced quotes: the record ends here (a stray before an unclosed
        # opening quote, `x"y,"open`, is malformed either way and reported as such)
    position = 0
    while True:
        if inside:
            quote = text.find('"', position)
            if quote < 0:
                return True
            if text.startswith('"', quote + 1):
                position = quote + 2
                continue
            inside = False
            position = quote + 1
        elif text.startswith('"', position):
            inside = True
            position += 1
            continue
        comma = text.find(",", position)
        if comma < 0:
            return False
        position = comma + 1


def _decoded(raw: bytes, number: int) -> tuple[str, str]:
    """A line as text, with why it is not UTF-8 (empty when it is)."""
    if number == 1 and raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        why = f"not valid UTF-8: byte {exc.start + 1} of line {number} ({exc.reason})"
        return raw.decode("utf-8", "replace"), why


def _records_text(
    handle: BinaryIO, meter: Meter, limits: Limits
) -> Iterator[tuple[int, str | None, str, str]]:
    """(first line, record text or None, problem code, why) per record; quotes join lines.

    A record that does not end (a quote opened and never closed, or one longer
    than the size limit) is reported at its first line, and its other lines
    are read again as records of their own: nothing after a bad record is lost.
    """
    fresh = enumerate((line for batch in line_batches(handle, meter, limits) for line in batch), 1)
    again: deque[tuple[int, bytes]] = deque()
    replayed = 0
    """Lines up to this number were part of a record that did not end: each is one record."""
    pending: list[Line] = []
    raws: list[tuple[int, bytes]] = []
    size = 0
    inside = False
    while True:
        if again:
            number, raw = again.popleft()
        else:
            item = next(fresh, None)
            if item is None:
                break
            number, raw = item
        if type(raw) is Unreadable:
            if pending:
                yield (
                    pending[0][0],
                    None,
                    TRUNCATED,
                    "a quoted field runs into a line that is too large",
                )
                again.extend(raws[1:])
                again.append((number, raw))
                replayed = number - 1
                pending, raws, size, inside = [], [], 0, False
                continue
            yield number, None, raw.problem.code, raw.problem.message
            continue
        text, why = _decoded(raw, number)
        if number > replayed and _continues(text, inside):
            pending.append((number, text, why))
            raws.append((number, raw))
            size += len(raw)
            inside = True
            if size > limits.max_line_bytes:
                yield (
                    pending[0][0],
                    None,
                    TOO_LARGE,
                    f"the record is more than max_line_bytes ({limits.max_line_bytes}) "
                    "long (a quoted field that does not end?); it is skipped",
                )
                again.extend(raws[1:])
                replayed = raws[-1][0]
                pending, raws, size, inside = [], [], 0, False
            continue
        pending.append((number, text, why))
        yield _record(pending)
        pending, raws, size, inside = [], [], 0, False
    if pending:
        yield pending[0][0], None, TRUNCATED, "the file ends inside a quoted field"
        for line in pending[1:]:
            yield _record([line])


def _record(lines: list[Line]) -> tuple[int, str | None, str, str]:
    """One complete record from its lines (number, text, why it is not UTF-8)."""
    parts = []
    bad = ""
    for _, text, why in lines:
        parts.append(text)
        bad = bad or why
    if bad:
        return lines[0][0], None, INVALID_UTF8, bad
    return lines[0][0], "".join(parts).rstrip("\r\n"), "", ""


def _fields(count: int) -> str:
    return f"{count} field{'' if count == 1 else 's'}"


def csv_records(
    handle: BinaryIO, table: str, location: str, meter: Meter, limits: Limits = _LIMITS
) -> Iterator[Record]:
    """Every CSV record after the header as a row of column -> text or None."""
    header: list[str] | None = None
    for line, text, code, why in _records_text(handle, meter, limits):
        if text is None:
            yield problem(table, location, line, code, why)
            if header is None:
                return  # without its header no row of the file can be read
            continue
        if header is None:
            fields = split_record(text)
            if fields is None or any(f is None for f in fields):
                yield problem(
                    table,
                    location,
                    line,
                    CSV_MALFORMED,
                    "the header is not a list of column names; no row of the file is read",
                )
                return
            header = [f for f in fields if f is not None]
            twice = duplicated(header)
            if twice:
                yield problem(table, location, line, DUPLICATE_COLUMN, twice)
                return
            continue
        if not text:
            continue
        values = split_record(text)
        if values is None:
            yield problem(
                table,
                location,
                line,
                CSV_MALFORMED,
                "text after a closing quote or a quote inside an unquoted field",
            )
        elif len(values) < len(header):
            yield problem(
                table,
                location,
                line,
                CSV_MISSING_FIELDS,
                f"{_fields(len(values))}; the header has {len(header)} "
                f"(missing {', '.join(header[len(values) :])})",
            )
        elif len(values) > len(header):
            yield problem(
                table,
                location,
                line,
                CSV_EXTRA_FIELDS,
                f"{_fields(len(values))}; the header has {len(header)}",
            )
        elif deep_field(text, values, limits.max_depth):
            yield Record(table, None, location, line, nested_too_deep(limits))
        else:
            yield Record(table, dict(zip(header, values, strict=True)), location, line)


def duplicated(header: list[str]) -> str:
    """Why a header cannot be used because it names a column twice (empty when it does not)."""
    counts = Counter(header)
    twice = [name for name, count in counts.items() if count > 1]
    if not twice:
        return ""
    names = ", ".join(repr(name) for name in twice)
    return f"the header names {names} more than once; no row of the file is read"


__all__ = ("csv_records", "duplicated", "split_record")
