"""The rule catalogue, one family per module (RR0xx parse .. RR7xx references).

The row-shape family has two: the model check and unknown columns (row_shape),
and values PHP writes that drift from the contract (drift).

Importing this package registers every rule; ``RULES`` maps each code to its
:class:`Rule`, sorted by code.
"""

from __future__ import annotations

from restore_contracts.validators.rules import (
    attention,
    drift,
    evidence,
    lifecycle,
    operation_run,
    parse,
    references,
    results,
    row_shape,
)
from restore_contracts.validators.rules._registry import (
    ANY_TABLE,
    NO_HITS,
    RULES,
    Check,
    Family,
    Row,
    Rule,
    matches,
    selected_codes,
    severities,
)

_sorted = dict(sorted(RULES.items()))
RULES.clear()
RULES.update(_sorted)

FAMILY_MODULES = (
    parse,
    row_shape,
    drift,
    lifecycle,
    results,
    attention,
    operation_run,
    evidence,
    references,
)

__all__ = (
    "ANY_TABLE",
    "FAMILY_MODULES",
    "NO_HITS",
    "RULES",
    "Check",
    "Family",
    "Row",
    "Rule",
    "matches",
    "selected_codes",
    "severities",
)
