"""RR1xx: every row validates against its model; unknown columns, legacy statuses.

The model check runs on every row of every known table: canonical rows pass
the table's fast checker, the others are read column by column with the
pydantic model (:mod:`restore_contracts.validators.rowread`), which normalises
them (text encodings from CSV and databases) or explains each problem with a
JSON pointer. Values PHP writes that drift from the contract have codes of
their own (:mod:`restore_contracts.validators.rules.drift`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from restore_contracts.provenance import Provenance
from restore_contracts.validators.context import LEGACY, RuleContext
from restore_contracts.validators.findings import Hit, pointer, show
from restore_contracts.validators.rules._registry import NO_HITS, Row, declare, rule
from restore_contracts.validators.tables import RESTORE_RUNS

MODEL_VIOLATION = "RR101"
JSON_TEXT = "RR102"
UNKNOWN_COLUMN = "RR103"
UNKNOWN_TABLE = "RR105"
DOUBLE_ENCODED = "RR109"

declare(
    MODEL_VIOLATION,
    "Row does not match its contract",
    severity="error",
    provenance=Provenance.ASSUMED,
    note="columns are repo-verified; most value shapes inside them are assumed",
    why="A value the contract model rejects (missing column, wrong type, unknown status, bad "
    "timestamp) cannot be read the way the application reads it. It is reported at its "
    "pointer, and only the rules that read its column are not applied to the row: every "
    "rule whose columns could be read still runs.",
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
    "behind or a misnamed export column; either way nothing checks it. Reported once per "
    "table and column, with the number of rows and the first one; the application's own "
    "columns are made known with extra_columns in the configuration.",
)
declare(
    DOUBLE_ENCODED,
    "JSON column encoded twice",
    severity="error",
    provenance=Provenance.ASSUMED,
    note="the json column type is repo-verified; json_encode before an array cast is inferred",
    why="A JSON column whose JSON is a string that is itself JSON was encoded twice (json_encode "
    "on a value the model's array or json cast encodes again): the application reads a string "
    "where it expects an array. The same from every source: a PostgreSQL json/jsonb string, "
    "MariaDB or SQLite text, a CSV cell or a file's JSON text. The inner value is read for "
    "the other rules. In a file, a JSON string holding JSON once is the export encoding (JSON "
    "text of the value): a psql row_to_json export of a string-valued jsonb column, or a "
    "toArray() of a cast attribute, cannot be told from it; validate the database itself.",
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


def pointer_parts(loc: tuple[str | int, ...], data: Any) -> tuple[list[str | int], bool]:
    """The JSON pointer tokens of an error location, dropping union tags; and whether the
    location names a key."""
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
    return parts, is_key


def model_hits(errors: Iterable[Mapping[str, Any]], data: dict[str, Any]) -> list[Hit]:
    """RR101 hits of pydantic errors: one per pointer, the messages of a location merged."""
    merged: dict[str, list[str]] = {}
    for error in errors:
        parts, is_key = pointer_parts(error["loc"], data)
        ptr = pointer(*parts)
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


@rule(
    "RR104",
    "Legacy status present",
    table=RESTORE_RUNS,
    severity="info",
    provenance=Provenance.REPO_VERIFIED,
    note="the legacy statuses are repo-verified; what they stand for is assumed",
    when=lambda status, dry, ctx: ctx.group[status] is LEGACY,
    reads=("status",),
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
    "DOUBLE_ENCODED",
    "JSON_TEXT",
    "MODEL_VIOLATION",
    "UNKNOWN_COLUMN",
    "UNKNOWN_TABLE",
    "legacy_status",
    "model_hits",
    "pointer_parts",
)
