"""NDJSON / JSON Lines: one row per line, parsed with orjson line by line (the streaming format).

Lines end at LF, CRLF or a lone CR; a line longer than ``max_line_bytes`` or
nested deeper than the limit is a finding and reading goes on with the next.
A ``null`` line is a row that is not an object (a finding), never nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import orjson

from restore_contracts.errors import InputError
from restore_contracts.validators.readers._common import (
    BOM,
    Limits,
    Meter,
    Unreadable,
    line_batches,
    line_problem,
    nested_too_deep,
    too_deep,
)
from restore_contracts.validators.rules.parse import NOT_AN_OBJECT
from restore_contracts.validators.source import ParseProblem, Record

_COPY_ESCAPE = re.compile(rb"\\(.)", re.S)
_SINGLE_ESCAPED_QUOTE = re.compile(rb'(?<!\\)(?:\\\\)*\\"')
"""A quote after an odd number of backslashes: escaped once, as JSON writes it."""
_DOUBLED_JSON_ESCAPE = re.compile(rb"(?<!\\)\\\\(?:u[0-9a-fA-F]{4}|/)")
"""json_encode's \\uXXXX and \\/ escapes with their backslash doubled (COPY text)."""
_COPY_CHARS = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"v": b"\v"}

BLANK: Any = object()
"""What :func:`parse_line` returns for a blank line (skipped, not a row)."""

NULL_ROW = ParseProblem(NOT_AN_OBJECT, "row is null; expected an object of columns")
_LIMITS = Limits()


def parse_line(
    line: bytes, number: int, limits: Limits = _LIMITS
) -> tuple[Any, ParseProblem | None]:
    """One NDJSON line: its value, or why it is not one (BLANK for a blank line)."""
    if type(line) is Unreadable:
        return None, line.problem
    if too_deep(line, limits.max_depth):
        return None, nested_too_deep(limits)
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        if number == 1 and line.startswith(BOM):
            return parse_line(line[len(BOM) :], 2, limits)
        if not line.strip():
            return BLANK, None
        code, message = line_problem(line, error=str(exc))
        return None, ParseProblem(code, message)
    if value is None:
        return None, NULL_ROW
    return value, None


def copy_text_check(line: bytes, location: str, number: int) -> None:
    """Refuse psql ``\\copy ... TO FILE`` output: COPY's text format doubles every backslash,
    so a row that is JSON only after undoing that would be misread (exit 2 with the fix).

    Only lines with a doubled backslash are looked at; a file whose rows have
    no quote, newline or other escape in any value cannot be told from JSON.
    """
    if b"\\\\" not in line:
        return
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        pass
    else:
        # JSON either way: COPY only when the line carries json_encode's escapes doubled
        # (\\u00c4, \\/) and no quote escaped once, which every JSON string holding
        # a quote has but COPY text never does.
        if _SINGLE_ESCAPED_QUOTE.search(line) or not _DOUBLED_JSON_ESCAPE.search(line):
            return
    text = _COPY_ESCAPE.sub(lambda m: _COPY_CHARS.get(m[1], m[1]), line)
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        return
    raise InputError(
        f"{location}: line {number} is psql COPY text, not JSON (\\copy ... TO FILE doubles "
        "every backslash); export NDJSON with psql -XAt -c 'SELECT to_jsonb(t) FROM "
        "restore_runs t' -o restore_runs.ndjson"
    )


def ndjson_lines(
    handle: BinaryIO, location: str, meter: Meter, limits: Limits = _LIMITS
) -> Iterator[tuple[str, int, list[bytes]]]:
    """Batches of undecoded lines as (location, number of the first, lines), about a
    megabyte each, for decoders that parse text themselves.

    Lines too large arrive as :class:`Unreadable` stand-ins, which every decoder
    refuses and :func:`parse_line` turns into their problem. Nesting is not
    scanned here (it would cost every row a pass over its bytes): a line too deep
    for the fast decoder is refused by it and reaches :func:`parse_line`, which
    reports it; a canonical row the decoder reads whole is checked as it is.
    """
    number = 1
    first = True
    for lines in line_batches(handle, meter, limits):
        if first:
            for position, line in enumerate(lines):
                copy_text_check(line, location, number + position)
            first = False
        yield location, number, lines
        number += len(lines)


def ndjson_records(
    handle: BinaryIO | Iterable[bytes],
    table: str,
    location: str,
    meter: Meter,
    *,
    first_line: int = 1,
    limits: Limits = _LIMITS,
) -> Iterator[Record]:
    """Every line as a record; blank lines are skipped, a bad line is a problem record.

    psql COPY text is looked for in the first batch of lines (about a megabyte),
    as on the fast path: a file is one export, written one way.
    """
    if hasattr(handle, "read"):
        batches: Iterable[list[bytes]] = line_batches(handle, meter, limits)  # type: ignore[arg-type]
    else:
        batches = [list(handle)]
    number = first_line
    for batch_number, batch in enumerate(batches):
        for line in batch:
            if not batch_number:
                copy_text_check(line, location, number)
            data, problem = parse_line(line, number, limits)
            if problem is not None:
                yield Record(table, None, location, number, problem)
            elif data is not BLANK:
                yield Record(table, data, location, number)
            number += 1


__all__ = ("BLANK", "NULL_ROW", "copy_text_check", "ndjson_lines", "ndjson_records", "parse_line")
