"""NDJSON / JSON Lines: one row per line, parsed with orjson line by line (the streaming format)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from restore_contracts.validators.readers._common import BOM, Meter, line_problem, problem
from restore_contracts.validators.source import Record


def ndjson_records(
    handle: Iterable[bytes], table: str, location: str, meter: Meter, *, first_line: int = 1
) -> Iterator[Record]:
    """Every line as a record; blank lines are skipped, a bad line is a problem record."""
    loads = orjson.loads
    decode_error = orjson.JSONDecodeError
    number = first_line - 1
    for line in handle:
        number += 1
        meter.value += len(line)
        try:
            data = loads(line)
        except decode_error as exc:
            if number == 1 and line.startswith(BOM):
                yield from _retry(line[len(BOM) :], table, location, number)
                continue
            if not line.strip():
                continue
            code, message = line_problem(line, error=str(exc))
            yield problem(table, location, number, code, message)
            continue
        yield Record(table, data, location, number)


def _retry(line: bytes, table: str, location: str, number: int) -> Iterator[Record]:
    try:
        yield Record(table, orjson.loads(line), location, number)
    except orjson.JSONDecodeError as exc:
        if line.strip():
            code, message = line_problem(line, error=str(exc))
            yield problem(table, location, number, code, message)


__all__ = ("ndjson_records",)
