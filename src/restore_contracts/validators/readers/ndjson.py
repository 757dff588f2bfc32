"""NDJSON / JSON Lines: one row per line, parsed with orjson line by line (the streaming format)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import orjson

from restore_contracts.validators.readers._common import BOM, Meter, line_problem
from restore_contracts.validators.source import ParseProblem, Record

BLANK: Any = object()
"""What :func:`parse_line` returns for a blank line (skipped, not a row)."""


def parse_line(line: bytes, number: int) -> tuple[Any, ParseProblem | None]:
    """One NDJSON line: its value, or why it is not one (BLANK for a blank line)."""
    try:
        return orjson.loads(line), None
    except orjson.JSONDecodeError as exc:
        if number == 1 and line.startswith(BOM):
            return parse_line(line[len(BOM) :], 2)
        if not line.strip():
            return BLANK, None
        code, message = line_problem(line, error=str(exc))
        return None, ParseProblem(code, message)


BATCH_BYTES = 1 << 20


def ndjson_lines(
    handle: BinaryIO, location: str, meter: Meter
) -> Iterator[tuple[str, int, list[bytes]]]:
    """Batches of undecoded lines as (location, number of the first, lines), about a
    megabyte each, for decoders that parse text themselves."""
    number = 1
    while True:
        lines = handle.readlines(BATCH_BYTES)
        if not lines:
            return
        meter.value += sum(map(len, lines))
        yield location, number, lines
        number += len(lines)


def ndjson_records(
    handle: Iterable[bytes], table: str, location: str, meter: Meter, *, first_line: int = 1
) -> Iterator[Record]:
    """Every line as a record; blank lines are skipped, a bad line is a problem record."""
    for number, line in enumerate(handle, start=first_line):
        meter.value += len(line)
        data, problem = parse_line(line, number)
        if problem is not None:
            yield Record(table, None, location, number, problem)
        elif data is not BLANK:
            yield Record(table, data, location, number)


__all__ = ("BLANK", "ndjson_lines", "ndjson_records", "parse_line")
