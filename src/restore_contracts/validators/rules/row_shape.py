"""RR1xx: every row validates against its model; unknown columns, legacy statuses.

The model check runs on every row of every known table: canonical rows pass
the table's fast checker, the others go through the pydantic model, which
either normalises them (text encodings from CSV and databases) or explains
each problem with a JSON pointer.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

import orjson
from pydantic import ValidationError

from restore_contracts.contracts._types import timestamp_context
from restore_contracts.provenance import Provenance
from restore_contracts.validators.context import LEGACY, RuleContext
from restore_contracts.validators.findings import Hit, pointer, show
from restore_contracts.validators.rules._registry import NO_HITS, Row, declare, rule
from restore_contracts.validators.tables import JSON_COLUMNS, RESTORE_RUNS, ROW_MODELS

MODEL_VIOLATION = "RR101"
JSON_TEXT = "RR102"
UNKNOWN_COLUMN = "RR103"
UNKNOWN_TABLE = "RR105"

declare(
    MODEL_VIOLATION,
    "Row does not match its contract",
    severity="error",
    provenance=Provenance.ASSUMED,
    note="columns are repo-verified; most value shapes inside them are assumed",
    why="A row the contract model rejects (missing column, wrong type, unknown status, bad "
    "timestamp) cannot be read the way the application reads it; the row's other rules "
    "are not applied, since they would judge values that are not there.",
)
declare(
    JSON_TEXT,
    "JSON column holds text that is not JSON",
    severity="error",
    provenance=Provenance.REPO_VERIFIED,
    note="the json column type is repo-verified",
    why="Text exports (CSV, MySQL, SQLite) carry JSON columns as text; text that does not "
    "parse is a column the application could not decode either.",
)
declare(
    UNKNOWN_COLUMN,
    "Column not in the contract",
    severity="warning",
    provenance=Provenance.ASSUMED,
    why="A column the contracts do not know is either a newer migration the contracts lag "
    "behind or a misnamed export column; either way nothing checks it.",
)
declare(
    UNKNOWN_TABLE,
    "Table not covered by the contracts",
    severity="info",
    provenance=Provenance.ASSUMED,
    why="A table the contracts do not model is read past, not validated; saying so keeps a "
    "misnamed file from passing silently.",
)


def _descend(current: Any, part: str | int) -> Any:
    if isinstance(current, str | bytes):
        try:
            current = orjson.loads(current)
        except orjson.JSONDecodeError:
            return None
    if isinstance(current, dict) and part in current:
        return current[part]
    if isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
        return current[part]
    return _TAG


_TAG: Any = object()


def _pointer_of(loc: tuple[str | int, ...], data: Any) -> tuple[str, bool]:
    """The JSON pointer of an error location, dropping union tags; and whether it names a key."""
    parts: list[str | int] = []
    current = data
    is_key = False
    for part in loc:
        if part == "[key]":
            is_key = True
            continue
        child = _descend(current, part)
        if child is _TAG and parts and not isinstance(part, int):
            continue
        parts.append(part)
        current = child
    return pointer(*parts), is_key


def _model_hits(exc: ValidationError, data: dict[str, Any]) -> list[Hit]:
    merged: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_context=False):
        ptr, is_key = _pointer_of(error["loc"], data)
        if error["type"] == "missing":
            text = "required value is missing"
        else:
            text = error["msg"].removeprefix("Value error, ")
            if is_key:
                text = f"key {text[0].lower()}{text[1:]}"
            if "got " not in text:
                text += f" (got {show(error['input'])})"
        texts = merged.setdefault(ptr, [])
        if text not in texts:
            texts.append(text)
    hits = []
    for ptr, texts in merged.items():
        first, *rest = texts
        if rest:
            first = first.split(" (got ")[0]
            tail = texts[-1].split(" (got ")
            joined = " or ".join(
                [first] + [t.split(" (got ")[0].removeprefix("Input should be ") for t in rest]
            )
            text = joined + (f" (got {tail[1]}" if len(tail) > 1 else "")
        else:
            text = first
        hits.append(Hit(ptr, text))
    return hits


def normalise(
    table: str, raw: dict[str, Any], zone: tzinfo | None = None
) -> tuple[dict[str, Any] | None, list[tuple[str, Hit]]]:
    """Validate a row with its model: the canonical JSON-native row, or why there is none.

    JSON columns holding text that does not parse are RR102 (and left out of the
    model check, so the other columns are still checked); everything the model
    rejects is RR101, one finding per location. Naive timestamps are read in ``zone``
    (the application's timezone; UTC when None).
    """
    problems: list[tuple[str, Hit]] = []
    data = raw
    for column in sorted(JSON_COLUMNS[table]):
        value = raw.get(column)
        if isinstance(value, str | bytes):
            try:
                orjson.loads(value)
            except orjson.JSONDecodeError as exc:
                problems.append(
                    (JSON_TEXT, Hit(pointer(column), f"{column}: {exc} (got {show(value)})"))
                )
                if data is raw:
                    data = dict(raw)
                del data[column]
    try:
        model = ROW_MODELS[table].model_validate(data, context=timestamp_context(zone))
    except ValidationError as exc:
        problems.extend((MODEL_VIOLATION, hit) for hit in _model_hits(exc, data))
        return None, problems
    if problems:
        return None, problems
    return model.model_dump(mode="json"), problems


def unknown_columns(table: str, raw: dict[str, Any], columns: frozenset[str]) -> list[Hit]:
    """RR103: one finding per column the table's contract does not name."""
    return [_unknown_column(table, name) for name in raw if name not in columns]


@functools.lru_cache(maxsize=1024)
def _unknown_column(table: str, name: str) -> Hit:
    """The RR103 hit of one column (an export repeats the same few on every row)."""
    return Hit(pointer(name), f"column {show(name)} is not in the {table} contract")


@rule(
    "RR104",
    "Legacy status present",
    table=RESTORE_RUNS,
    severity="info",
    provenance=Provenance.REPO_VERIFIED,
    note="the legacy statuses are repo-verified; what they stand for is assumed",
    when=lambda status, dry, ctx: ctx.group[status] is LEGACY,
)
def legacy_status(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Legacy statuses (aborted, completed_with_errors) are still persisted and read through
    the legacy mapping; their prevalence tells whether the compatibility path still matters."""
    status = row["status"]
    if ctx.group[status] is not LEGACY:
        return NO_HITS
    return (
        Hit(
            "/status",
            f"legacy status {show(status)} is read as {show(ctx.effective[status])}",
        ),
    )


__all__ = (
    "JSON_TEXT",
    "MODEL_VIOLATION",
    "UNKNOWN_COLUMN",
    "UNKNOWN_TABLE",
    "legacy_status",
    "normalise",
    "unknown_columns",
)
