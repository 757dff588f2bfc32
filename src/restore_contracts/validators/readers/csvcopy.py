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
from collections.abc import Iterator
from typing import BinaryIO

from restore_contracts.validators.readers._common import BOM, Meter, problem
from restore_contracts.validators.rules.parse import (
    CSV_EXTRA_FIELDS,
    CSV_MALFORMED,
    CSV_MISSING_FIELDS,
    INVALID_UTF8,
    TRUNCATED,
)
from restore_contracts.validators.source import Record

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


def _records_text(handle: BinaryIO, meter: Meter) -> Iterator[tuple[int, str | None, str]]:
    """(first line, record text or None when not UTF-8, why) per record; quotes join lines."""
    number = 0
    pending: list[str] = []
    start = 0
    bad = ""
    quotes = 0
    for raw in handle:
        number += 1
        meter.value += len(raw)
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = raw.decode("utf-8", "replace")
            bad = bad or f"not valid UTF-8: byte {exc.start + 1} of line {number} ({exc.reason})"
        if not pending:
            start = number
        pending.append(text)
        quotes += text.count('"')
        if quotes % 2:
            continue
        record = "".join(pending)
        pending = []
        quotes = 0
        if bad:
            yield start, None, bad
            bad = ""
            continue
        yield start, record.rstrip("\r\n"), ""
    if pending:
        yield start, None, "the file ends inside a quoted field"


def _fields(count: int) -> str:
    return f"{count} field{'' if count == 1 else 's'}"


def csv_records(handle: BinaryIO, table: str, location: str, meter: Meter) -> Iterator[Record]:
    """Every CSV record after the header as a row of column -> text or None."""
    header: list[str] | None = None
    for line, text, why in _records_text(handle, meter):
        if text is None:
            code = TRUNCATED if why.startswith("the file ends") else INVALID_UTF8
            yield problem(table, location, line, code, why)
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
        else:
            yield Record(table, dict(zip(header, values, strict=True)), location, line)


__all__ = ("csv_records", "split_record")
