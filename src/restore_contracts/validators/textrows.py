"""Rows in a text encoding (CSV, TSV, database drivers) made canonical for the fast path.

A CSV or TSV record is a mapping of column -> text or None: ids and counts as
decimal text, booleans as ``t``/``f`` or ``1``/``0``, JSON columns as JSON
text. The models read these encodings with their own parsers (``parse_id``,
``parse_count``, ``parse_bool``, the JSON column's decoding); the converter
here applies the same parsers, restricted to the exact text they accept, to
the columns whose model field declares them, and hands the result to the fast
converter of :mod:`restore_contracts.validators.fastpath` (the same check the
NDJSON path uses). Every other value is left as it is.

Why this cannot change a finding: each conversion is the model's own
normalisation of that value, so the model reads the converted row exactly as
it reads the raw one; the fast converter accepts only rows the model accepts
unchanged. A row it refuses (anything not canonical, any value the
conversions do not recognise, JSON text that decodes to a string, which the
model reports as encoded twice) goes to the model as it was read, raw text
and all, and is reported exactly as before.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Sequence
from datetime import UTC, tzinfo
from typing import Any

import msgspec
import orjson
from pydantic import BaseModel, BeforeValidator

from restore_contracts.contracts._types import JsonText, parse_bool, parse_count, parse_id
from restore_contracts.validators.fastpath import (
    FastConvert,
    fast_block_converter,
    fast_converter,
    typed_json_decoders,
)
from restore_contracts.validators.tables import JSON_COLUMNS, ROW_MODELS

TextBlock = Callable[[Sequence[str], Sequence[Sequence[str | None]]], list[Any]]
"""Header and columns of text rows -> each row canonical, or None (see text_block_converter)."""

_REFUSED: Any = object()
"""A value no conversion reads: the row goes to the model."""

_ID = re.compile(r"[1-9][0-9]{0,17}").fullmatch
"""The text ``parse_id`` reads as an integer (its pattern, without ``$``'s trailing newline)."""
_COUNT = re.compile(r"0|[1-9][0-9]{0,17}").fullmatch
"""The text ``parse_count`` reads as an integer."""
_BOOLS = {"t": True, "true": True, "TRUE": True, "1": True}
_BOOLS.update({"f": False, "false": False, "FALSE": False, "0": False})
"""The text ``parse_bool`` reads (``_TRUE_TEXT`` and ``_FALSE_TEXT``)."""


def _id(text: str) -> Any:
    return int(text) if _ID(text) is not None else text


def _count(text: str) -> Any:
    return int(text) if _COUNT(text) is not None else text


def _bool(text: str) -> Any:
    return _BOOLS.get(text, text)


def _json(text: str) -> Any:
    """JSON column text decoded; a decoded string (text of text, or text the model must
    explain) refuses the row."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _REFUSED
    return _REFUSED if type(value) is str else value


def _parsers(annotation: Any, found: set[Any]) -> None:
    """The before-validators and JSON-text marks anywhere in a field's annotation."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        for meta in extra:
            found.add(meta.func if isinstance(meta, BeforeValidator) else type(meta))
        _parsers(base, found)
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            _parsers(arg, found)


_BY_PARSER: tuple[tuple[Any, Callable[[str], Any]], ...] = (
    (JsonText, _json),
    (parse_id, _id),
    (parse_count, _count),
    (parse_bool, _bool),
)
"""Which conversion a field gets, by the parser its model declares (first match)."""


def text_columns(model: type[BaseModel]) -> tuple[tuple[str, Callable[[str], Any]], ...]:
    """The columns of a model whose text the models parse, each with its conversion."""
    columns = []
    for name, info in model.model_fields.items():
        found: set[Any] = set()
        for meta in info.metadata:
            found.add(meta.func if isinstance(meta, BeforeValidator) else type(meta))
        _parsers(info.annotation, found)
        for parser, convert in _BY_PARSER:
            if parser in found:
                columns.append((name, convert))
                break
    return tuple(columns)


_INTEGERS: dict[Callable[[str], Any], Callable[[str], Any]] = {_id: _ID, _count: _COUNT}
"""Conversions to an integer, by the pattern of the text they convert."""


def text_converter(table: str, zone: tzinfo = UTC) -> FastConvert | None:
    """A row as read (text or native values) -> the canonical row, or None when the row
    needs the model; None for a table without a fast path. Naive timestamps are in
    ``zone``, the application's timezone."""
    fast = fast_converter(table, zone)
    if fast is None:
        return None
    columns = tuple(
        (name, parse, _INTEGERS.get(parse)) for name, parse in text_columns(ROW_MODELS[table])
    )
    refused = _REFUSED
    json_columns = tuple(JSON_COLUMNS[table])

    def convert(raw: dict[str, Any]) -> dict[str, Any] | None:
        data = raw
        decoded_row: bool | None = None
        for name, parse, integer in columns:
            value = raw.get(name)
            if type(value) is str:
                if integer is None and name in json_columns:
                    if decoded_row is None:
                        decoded_row = any(
                            isinstance(raw.get(other), dict | list) for other in json_columns
                        )
                    if decoded_row:
                        return None  # JSON text beside decoded columns: the row reader judges

                if data is raw:
                    data = dict(raw)
                if integer is not None:  # ids and counts, most of the columns converted
                    if integer(value) is None:
                        return None  # text the model must explain (never an integer here)
                    data[name] = int(value)
                    continue
                value = parse(value)
                if value is refused:
                    return None
                data[name] = value
        try:
            return fast(data)
        except RecursionError:  # nested deeper than msgspec converts; the model reports it
            return None

    return convert


_IDS = re.compile(r"[1-9][0-9]{0,17}(?:,[1-9][0-9]{0,17})*").fullmatch
_COUNTS = re.compile(r"(?:0|[1-9][0-9]{0,17})(?:,(?:0|[1-9][0-9]{0,17}))*").fullmatch
integers: Callable[[Sequence[str | None], bool], list[int | None] | None] | None
try:
    from restore_contracts._textscan import integers
except ImportError:  # built without a C compiler
    integers = None

_ALL_INTEGERS: dict[Callable[[str], Any], Callable[[str], Any]] = {_id: _IDS, _count: _COUNTS}
"""The same patterns as ``_INTEGERS``, for a whole column joined by commas."""


class _Checked(list[Any]):
    """A converted column converted value by value: it may hold _REFUSED (a column
    converted whole never does)."""


def _integers(values: Sequence[str | None], one: Callable[[str], Any], every: Any) -> list[Any]:
    """An id or count column converted: integers, None, or _REFUSED for other text.

    In C where it is built (``_textscan.c``: the same patterns, a column at a
    time). Else a column without NULLs is matched whole: its values joined by commas match
    the pattern of comma-separated integers only when each value is one integer
    (a value holding a comma adds a comma, which the count catches).
    """
    if integers is not None:
        whole = integers(values, one is _COUNT)
        if whole is not None:
            return whole
    elif None not in values:
        joined = ",".join(values)  # type: ignore[arg-type]
        if every(joined) is not None and joined.count(",") == len(values) - 1:
            return list(map(int, values))  # type: ignore[arg-type]
    return _Checked(
        None if v is None else int(v) if one(v) is not None else _REFUSED for v in values
    )


def _json_column(values: Sequence[str | None]) -> list[Any]:
    """A JSON column decoded: values, None, or _REFUSED (not JSON, or a JSON string)."""
    loads = orjson.loads
    try:
        decoded = [None if v is None else loads(v) for v in values]
    except orjson.JSONDecodeError:
        return _Checked(None if v is None else _json(v) for v in values)
    if str in set(map(type, decoded)):
        return _Checked(_REFUSED if type(v) is str else v for v in decoded)
    return decoded


def _typed_column(values: Sequence[str | None], decode: Callable[[str], Any]) -> list[Any]:
    """A JSON column of a fixed shape decoded into it: values, None, or _REFUSED (text that
    is not JSON, a JSON string, or a value the column's type does not accept)."""
    try:
        return [None if v is None else decode(v) for v in values]
    except (msgspec.DecodeError, UnicodeError, RecursionError):
        return _Checked(None if v is None else _typed(v, decode) for v in values)


def _typed(text: str, decode: Callable[[str], Any]) -> Any:
    try:
        return decode(text)
    except (msgspec.DecodeError, UnicodeError, RecursionError):
        return _REFUSED


def text_block_converter(table: str, zone: tzinfo = UTC) -> TextBlock | None:
    """Rows of text given column by column (a header and one sequence per column) -> for
    each row, what :func:`text_converter` gives for its mapping; None for a table without
    a fast path.

    For text rows (every value text or None) the conversions are per column and
    do not depend on each other: each column is converted whole, mostly in C,
    and a row with a value no conversion reads is refused, as the row converter
    refuses it. The rest is :func:`fast_block_converter`'s.
    """
    if table not in ROW_MODELS:
        return None
    conversions = dict(text_columns(ROW_MODELS[table]))
    typed = typed_json_decoders(table, [n for n, parse in conversions.items() if parse is _json])
    fast = fast_block_converter(table, zone, frozenset(typed))
    if fast is None:
        return None
    bools: Callable[[Any, Any], Any] = _BOOLS.get

    def convert(names: Sequence[str], columns: Sequence[Sequence[str | None]]) -> list[Any]:
        converted: list[Sequence[Any]] = []
        refused: set[int] = set()
        for name, values in zip(names, columns, strict=True):
            parse = conversions.get(name)
            if parse is None:
                converted.append(values)
                continue
            every = _ALL_INTEGERS.get(parse)
            if every is not None:
                out = _integers(values, _INTEGERS[parse], every)
            elif name in typed:
                out = _typed_column(values, typed[name])
            elif parse is _json:
                out = _json_column(values)
            else:  # _bool
                out = list(map(bools, values, values))
            if type(out) is _Checked:
                refused.update(i for i, v in enumerate(out) if v is _REFUSED)
                out = [None if v is _REFUSED else v for v in out]
            converted.append(out)
        rows = fast(names, converted)
        for index in refused:
            rows[index] = None
        return rows

    return convert


__all__ = ("TextBlock", "text_block_converter", "text_columns", "text_converter")
