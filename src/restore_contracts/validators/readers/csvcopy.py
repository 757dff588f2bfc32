"""CSV as PostgreSQL's COPY writes it: a header, NULL as an empty unquoted field.

``COPY ... TO ... WITH (FORMAT csv, HEADER)`` writes NULL as nothing and an
empty string as ``""``; Python's csv module cannot tell the two apart (before
3.12), so fields are split here: quoted fields are text (``""`` inside is a
quote), unquoted empty fields are None. Booleans stay ``t``/``f`` and JSON
columns stay JSON text; the models read those encodings. A record may span
lines (quoted newlines); the line reported is the one it starts on.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from itertools import compress, repeat
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
        if not pending and number > 1 and type(raw) is bytes:
            # the common case, a whole record on one line: what the steps below do with it
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                if number <= replayed or not text.count('"') & 1:
                    yield number, text.rstrip("\r\n"), "", ""
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


Item = tuple[int, "dict[str, str | None] | Record"]
"""A record's first line and its row (column -> text or None), or the problem record."""

BATCH = 1024
"""Records split at a time (one call of the C splitter)."""


def records_of(batches: Iterable[list[Item]], table: str, location: str) -> Iterator[Record]:
    """The records of batches of items (CSV or TSV), one by one."""
    for batch in batches:
        for line, item in batch:
            yield item if isinstance(item, Record) else Record(table, item, location, line)


def csv_records(
    handle: BinaryIO, table: str, location: str, meter: Meter, limits: Limits = _LIMITS
) -> Iterator[Record]:
    """Every CSV record after the header as a row of column -> text or None."""
    return records_of(csv_batches(handle, table, location, meter, limits), table, location)


def csv_batches(
    handle: BinaryIO, table: str, location: str, meter: Meter, limits: Limits = _LIMITS
) -> Iterator[list[Item]]:
    """The records of :func:`csv_records`, a batch at a time, rows as plain mappings.

    Well-formed records are split together by the csv module (in C), which
    reads them as :func:`split_record` does except that it cannot tell NULL
    from an empty string: a record with an empty value is split again here.
    """
    header: list[str] = []
    out: list[Item] = []
    texts: list[str] = []
    lines: list[int] = []
    for line, text, code, why in _records_text(handle, meter, limits):
        if text is None:
            _split(texts, lines, header, table, location, limits, out)
            out.append((line, problem(table, location, line, code, why)))
            if not header:
                break  # without its header no row of the file can be read
            continue
        if not header:
            fields = split_record(text)
            if fields is None or any(f is None for f in fields):
                out.append(
                    (
                        line,
                        problem(
                            table,
                            location,
                            line,
                            CSV_MALFORMED,
                            "the header is not a list of column names; no row of the file is read",
                        ),
                    )
                )
                break
            header = [f for f in fields if f is not None]
            twice = duplicated(header)
            if twice:
                out.append((line, problem(table, location, line, DUPLICATE_COLUMN, twice)))
                break
            continue
        if not text:
            continue
        texts.append(text)
        lines.append(line)
        if len(texts) >= BATCH:
            _split(texts, lines, header, table, location, limits, out)
            yield out
            out = []
    _split(texts, lines, header, table, location, limits, out)
    if out:
        yield out


_QUOTED = r'"[^"]*(?:""[^"]*)*"'
_PLAIN = r'[^,"\r\n]*'
_WELL_FORMED = re.compile(f"(?:{_QUOTED}|{_PLAIN})(?:,(?:{_QUOTED}|{_PLAIN}))*").fullmatch
"""The records :func:`split_record` splits (it returns None for every other)."""


def split_records(texts: list[str]) -> list[list[str | None] | None]:
    """``[split_record(text) for text in texts]``, mostly in C.

    The csv module (strict) splits well-formed records as :func:`split_record`
    does, refuses text after a closing quote, and differs in two ways, both
    looked for here: it takes a quote inside an unquoted field as text (a
    record with a value holding a quote but no comma, which an unquoted field
    could be, is checked whole), and it reads NULL and the
    empty string alike (a record with an empty value where a quoted empty
    string could be is split by :func:`split_record`).
    """
    try:
        split: list[list[str]] = list(csv.reader(texts, strict=True))
    except csv.Error:  # NUL, a field longer than the module's limit, text after a quote
        split = []
    if len(split) != len(texts):
        return [split_record(text) for text in texts]
    joined = "".join(texts)
    ends = "\n" in joined or "\r" in joined
    return [_split_like(text, fields, ends) for text, fields in zip(texts, split, strict=True)]


def _split_like(text: str, fields: list[str], ends: bool) -> list[str | None] | None:
    """One record's fields as split_record gives them, from the csv module's (``ends``:
    whether a record of the batch holds a line end)."""
    if not fields or (ends and ("\n" in text or "\r" in text)):
        return split_record(text)  # line ends: split_record's rules
    for field in compress(fields, map(str.__contains__, fields, _QUOTES)):
        if "," not in field:  # an unquoted field holding a quote?
            if _WELL_FORMED(text) is None:
                return None
            break
    if "" not in fields:
        return fields  # type: ignore[return-value]
    if len(fields) <= 1 or ',"",' in text or text.startswith('"",') or text.endswith(',""'):
        return split_record(text)  # a quoted empty string could be one of them
    return [field or None for field in fields]


_QUOTES = repeat('"')


def _split(
    texts: list[str],
    lines: list[int],
    header: list[str],
    table: str,
    location: str,
    limits: Limits,
    out: list[Item],
) -> None:
    """Split the well-formed records gathered so far into ``out`` and forget them."""
    if not texts:
        return
    width = len(header)
    depth = limits.max_depth
    append = out.append
    for line, text, values in zip(lines, texts, split_records(texts), strict=True):
        if values is None:
            append(
                (
                    line,
                    problem(
                        table,
                        location,
                        line,
                        CSV_MALFORMED,
                        "text after a closing quote or a quote inside an unquoted field",
                    ),
                )
            )
        elif len(values) == width and text.count("[") + text.count("{") <= depth:
            append((line, dict(zip(header, values, strict=False))))
        else:
            append((line, _row(table, location, line, text, values, header, limits)))
    texts.clear()
    lines.clear()


def _row(
    table: str,
    location: str,
    line: int,
    text: str,
    values: list[str | None],
    header: list[str],
    limits: Limits,
) -> dict[str, str | None] | Record:
    """The row of a split record, or the problem record when it does not fit the header."""
    if len(values) < len(header):
        return problem(
            table,
            location,
            line,
            CSV_MISSING_FIELDS,
            f"{_fields(len(values))}; the header has {len(header)} "
            f"(missing {', '.join(header[len(values) :])})",
        )
    if len(values) > len(header):
        return problem(
            table,
            location,
            line,
            CSV_EXTRA_FIELDS,
            f"{_fields(len(values))}; the header has {len(header)}",
        )
    if deep_field(text, values, limits.max_depth):
        return Record(table, None, location, line, nested_too_deep(limits))
    return dict(zip(header, values, strict=True))


def duplicated(header: list[str]) -> str:
    """Why a header cannot be used because it names a column twice (empty when it does not)."""
    counts = Counter(header)
    twice = [name for name, count in counts.items() if count > 1]
    if not twice:
        return ""
    names = ", ".join(repr(name) for name in twice)
    return f"the header names {names} more than once; no row of the file is read"


__all__ = (
    "BATCH",
    "Item",
    "csv_batches",
    "csv_records",
    "duplicated",
    "records_of",
    "split_record",
    "split_records",
)
