"""RR106-RR108: values PHP writes legally that drift from the contract (row-shape family).

Laravel stores what PHP hands ``json_encode``: a count that was read from a
form or a decimal column is a string, a duration computed from
``microtime(true)`` has a fraction, and an array that lost entries to
``array_filter`` or ``unset`` is no longer a list, so it is written as an
object keyed by the surviving indexes. Each is reported with its own code and
the likely PHP cause instead of as a generic model failure (RR101).

Numeric text and a re-keyed list say exactly what PHP meant (the number, the
values in order), so the row is read with that value and every other rule
still runs on the column. A fraction where a whole number is expected is not
rounded: the column cannot be read, and the rules that read it are not applied.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from restore_contracts.provenance import Provenance
from restore_contracts.validators.findings import show
from restore_contracts.validators.rules._registry import declare

NUMERIC_TEXT = "RR106"
FRACTIONAL_NUMBER = "RR107"
LIST_AS_OBJECT = "RR108"

declare(
    NUMERIC_TEXT,
    "Number stored as numeric text",
    severity="warning",
    provenance=Provenance.ASSUMED,
    note="that PHP strings cause it is inferred from how json_encode writes them",
    why="json_encode writes a PHP string as a JSON string, so a count taken from a request, "
    'a decimal column or string arithmetic without an (int) cast is stored as "12". The '
    "application still reads it (PHP compares loosely), other JSON readers do not; the "
    "value is read as its number for the other rules.",
)
declare(
    FRACTIONAL_NUMBER,
    "Whole number stored with a fraction",
    severity="warning",
    provenance=Provenance.ASSUMED,
    note="that float arithmetic causes it (e.g. microtime) is inferred",
    why="A duration computed as (microtime(true) - $start) * 1000, or any count from float "
    "arithmetic without an (int) cast, is written with a fraction where the contract has a "
    "whole number. The value is not rounded for the other rules: the rules that read its "
    "column are not applied to the row.",
)
declare(
    LIST_AS_OBJECT,
    "List stored as an object with numeric keys",
    severity="warning",
    provenance=Provenance.ASSUMED,
    note="that array_filter or unset causes it is inferred from how json_encode writes arrays",
    why="json_encode writes a PHP array whose keys are not exactly 0..n-1 as an object: "
    "after array_filter or unset without array_values, a list of ids becomes "
    '{"0": 5, "2": 7}. The values are read as the list, in order, for the other rules.',
)

_NUMERIC_TEXT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_INDEX = re.compile(r"0|[1-9][0-9]{0,17}")


class Drift(NamedTuple):
    """A drifted value: its code, the message, and the value to read instead (or none)."""

    code: str
    message: str
    readable: bool
    value: Any


def classify(error: Mapping[str, Any], name: str) -> Drift | None:
    """The drift a pydantic error stands for, if any (``name`` is the value's key or column)."""
    kind = error["type"]
    value = error["input"]
    if kind == "int_type" and isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value):
        return Drift(
            NUMERIC_TEXT,
            f"{name} is the text {show(value)}; expected the number {value} (a PHP string, "
            "e.g. a request value or string arithmetic without an (int) cast, written by "
            "json_encode)",
            True,
            int(value),
        )
    if kind in ("int_type", "int_from_float") and isinstance(value, float) and value == value:
        return Drift(
            FRACTIONAL_NUMBER,
            f"{name} is {show(value)}; expected a whole number (PHP float arithmetic, e.g. "
            "(microtime(true) - $start) * 1000, stored without an (int) cast)",
            False,
            None,
        )
    if (
        kind == "list_type"
        and isinstance(value, dict)
        and value
        and all(isinstance(k, str) and _INDEX.fullmatch(k) for k in value)
    ):
        keys = ", ".join(show(k) for k in list(value)[:5]) + (", …" if len(value) > 5 else "")
        return Drift(
            LIST_AS_OBJECT,
            f"{name} is an object with keys {keys}; expected a list (a PHP array left with "
            "gaps in its keys by array_filter or unset, written as an object by json_encode; "
            "array_values keeps it a list)",
            True,
            list(value.values()),
        )
    return None


__all__ = ("FRACTIONAL_NUMBER", "LIST_AS_OBJECT", "NUMERIC_TEXT", "Drift", "classify")
