"""Column types that parse values the way real exports encode them.

A restore run reaches the toolkit as JSON, as CSV written by PostgreSQL's COPY
or mysqldump, or straight from a database driver. The same column arrives as
``true``, ``1`` or ``'t'``; as an object or as JSON text; as a datetime or as
``'Y-m-d H:i:s'``. These annotated types accept every such encoding, normalise
it once, and describe exactly those encodings in the JSON Schema, so that the
schema and the model accept the same documents.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

import orjson
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"(\.[0-9]{1,9})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)
_TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_TRUE_TEXT = ("t", "true", "TRUE", "1")
_FALSE_TEXT = ("f", "false", "FALSE", "0")
_ID_PATTERN = r"^[1-9][0-9]{0,17}$"
_COUNT_PATTERN = r"^(0|[1-9][0-9]{0,17})$"
_MAX_ID = 2**63 - 1


class ContractModel(BaseModel):
    """Base of every contract: strict types, unknown keys kept for the validators to report."""

    model_config = ConfigDict(strict=True, extra="allow", populate_by_name=True)


def parse_timestamp(value: Any) -> Any:
    """Normalise a timestamp to an aware UTC datetime.

    Naive values are read as UTC: Laravel's default application timezone,
    an assumption recorded on every timestamp field.
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if not isinstance(value, str):
        return value
    match = _TIMESTAMP_RE.match(value.strip())
    if match is None:
        raise ValueError(
            "expected a timestamp as 'Y-m-d H:i:s', with fractional seconds, "
            f"or ISO 8601 with Z or an offset; got {value!r}"
        )
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    tz = UTC
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        tz = timezone(sign * offset)
    try:
        parsed = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tz
        )
    except ValueError as exc:
        raise ValueError(f"not a real date or time: {value!r} ({exc})") from None
    return parsed.astimezone(UTC)


def format_timestamp(value: datetime) -> str:
    """Render a timestamp as the database stores it: UTC, 'Y-m-d H:i:s' (+ fraction if any)."""
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text


def parse_bool(value: Any) -> Any:
    """Accept true/false, 0/1 and the text forms PostgreSQL and CSV exports use."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        if value in _TRUE_TEXT:
            return True
        if value in _FALSE_TEXT:
            return False
    return value


def parse_id(value: Any) -> Any:
    """Accept an id as an integer or as its decimal text (CSV cells are text)."""
    if isinstance(value, str) and re.match(_ID_PATTERN, value):
        return int(value)
    return value


def parse_count(value: Any) -> Any:
    """Accept a non-negative count as an integer or as its decimal text (CSV cells are text)."""
    if isinstance(value, str) and re.match(_COUNT_PATTERN, value):
        return int(value)
    return value


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


Timestamp = Annotated[
    datetime,
    BeforeValidator(parse_timestamp),
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

ItemKey = Annotated[str, Field(pattern=_ID_PATTERN)]
"""A backup item id used as a JSON object key (always text)."""

Id = Annotated[
    int,
    Field(ge=1, le=_MAX_ID),
    BeforeValidator(parse_id),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": _MAX_ID},
                {"type": "string", "pattern": _ID_PATTERN},
            ]
        }
    ),
]
"""A bigint primary or foreign key, as a number or as its decimal text."""

Count = Annotated[
    int,
    Field(ge=0),
    BeforeValidator(parse_count),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": _COUNT_PATTERN},
            ]
        }
    ),
]
"""A non-negative count column, as a number or as its decimal text."""

__all__ = (
    "TIMESTAMP_PATTERN",
    "Bool",
    "ContractModel",
    "Count",
    "Id",
    "ItemKey",
    "JsonText",
    "Timestamp",
    "decode_json_text",
    "format_timestamp",
    "parse_bool",
    "parse_count",
    "parse_id",
    "parse_timestamp",
)
