"""How a row that is not canonical is read: column by column, with the table's own model.

A row either passes its model whole (the common case, one validation) or is
read column by column: every column the model accepts is read, each column it
rejects is reported at its pointer and left out of the row. The rules that
read only the columns that could be read still run, so one bad value never
hides another problem of the same row.

The column-by-column reading uses the model itself, with every field made
optional (a *partial* model built from the model's own fields): the models
stay the single source of truth of what a value may be.

JSON columns follow one convention for every source. Their value is either
the decoded value (object, array, null) or JSON text of it (the export
encoding of CSV, NDJSON and text columns). Text that decodes to a string that
itself parses as a JSON object or array was encoded twice (RR109); the value
inside is read. The database reader hands a PostgreSQL json/jsonb string over
as JSON text of it, so a column encoded twice reads the same from every
database. A file whose JSON column is a JSON string holding JSON *once* (psql
``row_to_json`` of a string-valued jsonb, Eloquent ``toArray()`` of a cast
attribute) is told from the export encoding by the row itself: where another
JSON column of the same row is a decoded object or array, the row was written
decoded, so a JSON column that is text of an object or array was encoded once
more than its neighbours (RR109). A row whose other JSON columns are null or
text is read in the export encoding.
"""

from __future__ import annotations

import copy
from datetime import tzinfo
from typing import Any, NamedTuple

import orjson
from pydantic import BaseModel, ValidationError, create_model

from restore_contracts.contracts._types import timestamp_context
from restore_contracts.validators.findings import Hit, pointer, show
from restore_contracts.validators.rules.drift import classify
from restore_contracts.validators.rules.row_shape import (
    DOUBLE_ENCODED,
    JSON_TEXT,
    MODEL_VIOLATION,
    model_hits,
    pointer_parts,
)
from restore_contracts.validators.tables import JSON_COLUMNS, ROW_MODELS

Problem = tuple[str, Hit]
"""A rule code and where and what."""


class ReadRow(NamedTuple):
    """A row as read: the canonical values, the columns that could not be read, the problems."""

    row: dict[str, Any]
    """Every column that could be read, JSON-native and canonical (unknown columns as given)."""
    unread: frozenset[str]
    """Columns that could not be read (absent from ``row``)."""
    problems: list[Problem]


_ALL_READ: frozenset[str] = frozenset()


def partial_model(model: type[BaseModel]) -> type[BaseModel]:
    """The model with every field optional (default None), its types and validators kept."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        relaxed = copy.copy(info)
        relaxed.default = None
        relaxed.default_factory = None
        fields[name] = (info.annotation, relaxed)
    made: type[BaseModel] = create_model(f"Partial{model.__name__}", __base__=model, **fields)
    return made


def _double_encoded(column: str, text: str, inner: Any) -> Hit:
    """RR109 at a column whose stored value is JSON text of ``text``, itself JSON."""
    return Hit(
        pointer(column),
        f"{column} is JSON text of the text {show(text)}, which is JSON again: encoded twice, "
        "e.g. json_encode on a value the model's array or json cast encodes again; the "
        f"application reads a string, not the {'object' if isinstance(inner, dict) else 'array'}"
        " inside",
    )


def decode_json_column(
    column: str, value: str | bytes, *, decoded_row: bool = False
) -> tuple[Any, Problem | None, bool]:
    """A JSON column's text decoded: (value, problem, readable).

    Text that is not JSON is unreadable (RR102); text of text that is JSON is read
    through and reported (RR109), and so is text of an object or array in a row whose
    other JSON columns are decoded (``decoded_row``).
    """
    try:
        decoded = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        hit = Hit(pointer(column), f"{column}: {exc} (got {show(value)})")
        return None, (JSON_TEXT, hit), False
    if decoded_row and isinstance(decoded, dict | list):
        # The row's other JSON columns are decoded: this text is what the database held
        # once decoded, the same text a database source reports.
        text = value if isinstance(value, str) else value.decode()
        return decoded, (DOUBLE_ENCODED, _double_encoded(column, text, decoded)), True
    if isinstance(decoded, str):
        try:
            inner = orjson.loads(decoded)
        except orjson.JSONDecodeError:
            return value, None, True  # the model decodes it once and says what is wrong
        if isinstance(inner, dict | list):
            return inner, (DOUBLE_ENCODED, _double_encoded(column, decoded, inner)), True
        return value, None, True
    return decoded, None, True


def _has(container: Any, part: str | int) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _shallow(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


def _set_at(data: dict[str, Any], parts: list[str | int], value: Any) -> bool:
    """Replace the value at ``parts``, copying only the containers on the way (the source's
    row is never changed); False if the location is not there."""
    column = str(parts[0])
    if len(parts) == 1:
        data[column] = value
        return True
    current: Any = _shallow(data[column])
    data[column] = current
    for part in parts[1:-1]:
        if not _has(current, part):
            return False
        child = current[part] = _shallow(current[part])
        current = child
    if not _has(current, parts[-1]):
        return False
    current[parts[-1]] = value
    return True


_MAX_PASSES = 4
"""Partial validations of one row at most (each pass can only find more unreadable columns)."""


class RowReader:
    """Reads the rows of one table: whole when the model accepts them, else column by column."""

    def __init__(self, table: str, zone: tzinfo | None = None) -> None:
        self.table = table
        self.model = ROW_MODELS[table]
        self.partial = partial_model(self.model)
        self.context = timestamp_context(zone)
        """Naive timestamps are read in ``zone``, the application's timezone (UTC when None)."""
        self.required = frozenset(
            name for name, info in self.model.model_fields.items() if info.is_required()
        )
        """Columns without a default: a row that lacks one of them cannot stand for a row."""
        self.json_columns = tuple(sorted(JSON_COLUMNS[table]))

    def read(self, raw: dict[str, Any]) -> ReadRow:
        """Read one row object (never modified)."""
        problems: list[Problem] = []
        unread: set[str] = set()
        data = raw
        decoded_row: bool | None = None
        for column in self.json_columns:
            value = raw.get(column)
            if isinstance(value, str | bytes):
                if data is raw:
                    data = dict(raw)
                if decoded_row is None:
                    decoded_row = any(
                        isinstance(raw.get(other), dict | list) for other in self.json_columns
                    )
                decoded, problem, readable = decode_json_column(
                    column, value, decoded_row=decoded_row
                )
                if problem is not None:
                    problems.append(problem)
                if readable:
                    data[column] = decoded
                else:
                    del data[column]
                    unread.add(column)
        try:
            model = self.model.model_validate(data, context=self.context)
        except ValidationError as exc:
            return self._by_column(data, exc, problems, unread)
        row = model.model_dump(mode="json")
        for column in unread:
            row.pop(column, None)
        return ReadRow(row, frozenset(unread) if unread else _ALL_READ, problems)

    def _by_column(
        self,
        data: dict[str, Any],
        exc: ValidationError,
        problems: list[Problem],
        unread: set[str],
    ) -> ReadRow:
        """Report each rejected value (as drift where PHP explains it) and read the rest."""
        repaired = dict(data)
        violations = []
        drifted: set[str] = set()
        reported = frozenset(unread)
        """Columns already reported (JSON text that does not parse): not missing as well."""
        for error in exc.errors(include_url=False, include_context=False):
            parts, _ = pointer_parts(error["loc"], data)
            where = pointer(*parts)
            column = str(parts[0]) if parts else ""
            if where in drifted or column in reported:
                continue
            names = [p for p in parts if isinstance(p, str)]
            drift = classify(error, names[-1] if names else column)
            if drift is not None and parts:
                problems.append((drift.code, Hit(where, drift.message)))
                drifted.add(where)
                if not (drift.readable and _set_at(repaired, parts, drift.value)):
                    unread.add(column)
                continue
            violations.append(error)
            unread.add(column)
        violations = [
            e for e in violations if pointer(*pointer_parts(e["loc"], data)[0]) not in drifted
        ]
        problems.extend((MODEL_VIOLATION, hit) for hit in model_hits(violations, data))
        return ReadRow(self._readable(repaired, problems, unread), frozenset(unread), problems)

    def _readable(
        self, data: dict[str, Any], problems: list[Problem], unread: set[str]
    ) -> dict[str, Any]:
        """The columns not in ``unread``, read with the partial model (a value that still
        fails, such as repaired numeric text below a minimum, is RR101 and unread too)."""
        for _ in range(_MAX_PASSES):
            given = {k: v for k, v in data.items() if k not in unread}
            try:
                model = self.partial.model_validate(given, context=self.context)
            except ValidationError as exc:
                errors = exc.errors(include_url=False, include_context=False)
                problems.extend((MODEL_VIOLATION, hit) for hit in model_hits(errors, given))
                unread.update(str(e["loc"][0]) for e in errors if e["loc"])
                continue
            row = model.model_dump(mode="json")
            for column in unread:
                row.pop(column, None)
            return row
        unread.update(self.model.model_fields)
        return {}


__all__ = ("ReadRow", "RowReader", "decode_json_column", "partial_model")
