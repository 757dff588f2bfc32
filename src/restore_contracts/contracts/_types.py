"""Column types that parse values the way real exports encode them.

A restore run reaches the toolkit as JSON, as CSV written by PostgreSQL's COPY
or mysqldump, or straight from a database driver. The same column arrives as
``true``, ``1`` or ``'t'``; as an object or as JSON text; as a datetime or as
``'Y-m-d H:i:s'``. These annotated types accept every such encoding, normalise
it once, and describe exactly those encodings in the JSON Schema, so that the
schema and the model accept the same documents.

What a Laravel application legitimately writes is accepted as it is: PHP's
empty array ``[]`` where the contract has a map or an object (``json_encode``
cannot tell an empty list from an empty map), booleans inside JSON as ``0``/``1``,
Carbon's ``2026-03-01T10:00:00.000000Z``, integral floats such as ``1200.0``.
Integers are bounded by PHP's ``int`` (64-bit): a larger JSON number is not
something PHP writes as an integer, and JSON parsers disagree on its value.

Naive timestamps are wall-clock times in the application's timezone (Laravel's
``app.timezone``, the ``timezone`` configuration key, UTC by default). The zone
reaches the validators through pydantic's validation context
(:func:`timestamp_context`); without one, naive values are read as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

END = r"$(?![\s\S])"
"""The end of the text in every regex dialect a schema meets: ECMA 262's ``$`` is, but
Python's and PCRE's (PHP's) ``$`` also match before a final newline, which would let
``'17\n'`` pass a Python or PHP validator that the model rejects."""

TIMESTAMP_PATTERN = (
    r"^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"[ T]([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(?:\.([0-9]{1,9}))?"
    r"(Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)?" + END
)
"""One pattern for the model and the schema (ECMA 262, Python and PCRE agree on it).

A regular expression cannot know that February has no 30th: such a value
passes the schema and is rejected by the model, the one documented gap.
"""
_TIMESTAMP_RE = re.compile(TIMESTAMP_PATTERN)
_TRUE_TEXT = ("t", "true", "TRUE", "1")
_FALSE_TEXT = ("f", "false", "FALSE", "0")
_ID_PATTERN = r"^[1-9][0-9]{0,17}$"
"""An id as text, for pydantic's own (Rust) engine, whose ``$`` is the end of the text."""
_ID_SCHEMA_PATTERN = _ID_PATTERN.removesuffix("$") + END
_COUNT_SCHEMA_PATTERN = r"^(0|[1-9][0-9]{0,17})" + END
_ID_RE = re.compile(_ID_SCHEMA_PATTERN)
_COUNT_RE = re.compile(_COUNT_SCHEMA_PATTERN)
_MAX_ID = 2**63 - 1
PHP_INT_MAX = 2**63 - 1
PHP_INT_MIN = -(2**63)
TIMEZONE_CONTEXT = "timezone"
"""Key of the validation context that holds the application's timezone (a tzinfo)."""


class ContractModel(BaseModel):
    """Base of every contract: strict types, unknown keys kept for the validators to report."""

    model_config = ConfigDict(strict=True, extra="allow", populate_by_name=True)


def zone_of(name: str) -> tzinfo:
    """The tzinfo of an IANA timezone name; ``"UTC"`` needs no timezone database.

    Raises ValueError naming the zone when it is unknown (or not a zone name).
    """
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"unknown timezone {name!r} (expected an IANA name such as 'Europe/Berlin')"
        ) from None


def timestamp_context(zone: tzinfo | None) -> dict[str, Any] | None:
    """The validation context that makes the models read naive timestamps in ``zone``."""
    return None if zone is None or zone is UTC else {TIMEZONE_CONTEXT: zone}


def _to_utc(value: datetime, original: Any) -> datetime:
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(f"outside the range of representable times: {original!r}") from None


def parse_timestamp(value: Any, zone: tzinfo = UTC) -> Any:
    """Normalise a timestamp to an aware UTC datetime.

    Naive values are wall-clock times in ``zone``, the application's timezone
    (UTC unless configured: Laravel's default, an assumption recorded on every
    timestamp field). A wall-clock time the zone repeats at a DST change is
    read with its first offset (the ordering rules weigh both readings); one it
    skips is read with the offset before the change, which moves it forward
    as PHP does.
    """
    if isinstance(value, datetime):
        return _to_utc(value.replace(tzinfo=zone) if value.tzinfo is None else value, value)
    if not isinstance(value, str):
        return value
    match = _TIMESTAMP_RE.fullmatch(value)
    if match is None:
        raise ValueError(
            "expected a timestamp as 'Y-m-d H:i:s', with fractional seconds, "
            f"or ISO 8601 with Z or an offset; got {value!r}"
        )
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    tz = zone
    if offset == "Z":
        tz = UTC
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))
    try:
        parsed = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tz
        )
    except ValueError as exc:
        raise ValueError(f"not a real date or time: {value!r} ({exc})") from None
    return _to_utc(parsed, value)


def _in_application_zone(value: Any, info: ValidationInfo) -> Any:
    """Read a naive timestamp in the timezone of the validation context, if it names one
    (``parse_timestamp`` then only normalises the aware result)."""
    context = info.context
    zone = context.get(TIMEZONE_CONTEXT) if isinstance(context, dict) else None
    if not isinstance(zone, tzinfo):
        return value
    return parse_timestamp(value, zone)


def format_timestamp(value: datetime) -> str:
    """Render a timestamp as the database stores it: UTC, 'Y-m-d H:i:s' (+ fraction if any)."""
    value = value.astimezone(UTC)
    # not strftime: its %Y writes the year 1 as "1" on glibc, which sorts after "2026"
    text = (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text


def integral(value: Any) -> Any:
    """Read ``3.0`` as ``3``: JSON Schema cannot tell them apart, so neither does the model."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def parse_json_bool(value: Any) -> Any:
    """Accept true/false and 0/1 inside a JSON document (a tinyint PHP read back without a cast)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    return value


def empty_list_as_map(value: Any) -> Any:
    """Read ``[]`` as ``{}``: PHP's ``json_encode`` writes an empty array as ``[]``."""
    if isinstance(value, list) and not value:
        return {}
    return value


def parse_bool(value: Any) -> Any:
    """Accept true/false, 0/1 and the text forms PostgreSQL and CSV exports use."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        if value in _TRUE_TEXT:
            return True
        if value in _FALSE_TEXT:
            return False
    return value


def parse_id(value: Any) -> Any:
    """Accept an id as an integer or as its decimal text (CSV cells are text)."""
    if isinstance(value, str) and _ID_RE.fullmatch(value):
        return int(value)
    return integral(value)


def parse_count(value: Any) -> Any:
    """Accept a non-negative count as an integer or as its decimal text (CSV cells are text)."""
    if isinstance(value, str) and _COUNT_RE.fullmatch(value):
        return int(value)
    return integral(value)


def decode_json_text(value: Any) -> Any:
    """Decode a JSON column that arrives as text (CSV, MySQL and SQLite text columns)."""
    if isinstance(value, str | bytes):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"JSON column is text that is not valid JSON: {exc}") from None
    return value


class JsonText:
    """Annotation for a JSON column: the decoded value, or that value encoded as JSON text."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(decode_json_text, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        inner = handler(schema)
        return {
            "anyOf": [
                inner,
                {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "description": "The same value encoded as JSON text.",
                },
            ]
        }


class EmptyAsMap:
    """Annotation for a map or object value: PHP's empty array ``[]`` is the empty map."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(empty_list_as_map, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        inner = handler(schema)
        if "patternProperties" in inner:
            # the model rejects keys that do not match: the schema must say so in this branch
            inner["additionalProperties"] = False
        empty = {"type": "array", "maxItems": 0, "description": "PHP's empty array: the empty map."}
        if set(inner) == {"anyOf"}:
            return {"anyOf": [*inner["anyOf"], empty]}
        return {"anyOf": [inner, empty]}


Timestamp = Annotated[
    datetime,
    BeforeValidator(parse_timestamp),
    BeforeValidator(_in_application_zone),
    PlainSerializer(format_timestamp, return_type=str),
    WithJsonSchema({"type": "string", "pattern": TIMESTAMP_PATTERN}),
]
"""A point in time, normalised to UTC."""

Bool = Annotated[
    bool,
    BeforeValidator(parse_bool),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "boolean"},
                {"enum": [0, 1]},
                {"enum": [*_TRUE_TEXT, *_FALSE_TEXT]},
            ]
        }
    ),
]
"""A boolean column as any database or CSV export writes it."""

JsonBool = Annotated[
    bool,
    BeforeValidator(parse_json_bool),
    WithJsonSchema({"anyOf": [{"type": "boolean"}, {"enum": [0, 1]}]}),
]
"""A boolean inside a JSON document: true/false, or 0/1 as PHP writes an uncast tinyint."""

Int = Annotated[int, Field(ge=PHP_INT_MIN, le=PHP_INT_MAX), BeforeValidator(integral)]
"""An integer inside a JSON document (``3.0`` included, as JSON Schema reads it)."""

Count = Annotated[int, Field(ge=0, le=PHP_INT_MAX), BeforeValidator(integral)]
"""A non-negative integer inside a JSON document."""

ItemKey = Annotated[
    str,
    Field(pattern=_ID_PATTERN),
    WithJsonSchema({"type": "string", "pattern": _ID_SCHEMA_PATTERN}),
]
"""A backup item id used as a JSON object key (always text)."""

Id = Annotated[
    int,
    Field(ge=1, le=_MAX_ID),
    BeforeValidator(parse_id),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": _MAX_ID},
                {"type": "string", "pattern": _ID_SCHEMA_PATTERN},
            ]
        }
    ),
]
"""A bigint primary or foreign key, as a number or as its decimal text."""

CountColumn = Annotated[
    int,
    Field(ge=0, le=PHP_INT_MAX),
    BeforeValidator(parse_count),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": PHP_INT_MAX},
                {"type": "string", "pattern": _COUNT_SCHEMA_PATTERN},
            ]
        }
    ),
]
"""A non-negative count column of a table, as a number or as its decimal text."""

__all__ = (
    "PHP_INT_MAX",
    "PHP_INT_MIN",
    "TIMESTAMP_PATTERN",
    "TIMEZONE_CONTEXT",
    "Bool",
    "ContractModel",
    "Count",
    "CountColumn",
    "EmptyAsMap",
    "Id",
    "Int",
    "ItemKey",
    "JsonBool",
    "JsonText",
    "Timestamp",
    "decode_json_text",
    "empty_list_as_map",
    "format_timestamp",
    "integral",
    "parse_bool",
    "parse_count",
    "parse_id",
    "parse_json_bool",
    "parse_timestamp",
    "timestamp_context",
    "zone_of",
)
