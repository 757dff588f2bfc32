"""Hold rates of the assumed rules: how often each working assumption is true in the data.

Every rule labelled ``assumed`` is run by the validation engine over the same
source. A rule applies to the rows of its own table (every table for rules
that check any row); it held for a row that got no finding of its code. A
rule whose tables are absent is reported as not applied, with the reason.
"""

from __future__ import annotations

from typing import Any

from restore_contracts.config import Assumptions
from restore_contracts.provenance import Provenance
from restore_contracts.truth._stats import share
from restore_contracts.validators.engine import validate
from restore_contracts.validators.rules import RULES
from restore_contracts.validators.rules._registry import ANY_TABLE
from restore_contracts.validators.source import Source


def hold_rates(source: Source, assumptions: Assumptions) -> list[dict[str, Any]]:
    """One entry per assumed rule: rows it applied to, rows where it held, and the share."""
    assumed = [code for code, rule in RULES.items() if rule.provenance is Provenance.ASSUMED]
    result = validate(source, assumptions, codes=assumed)
    broken: dict[str, set[tuple[str, Any]]] = {code: set() for code in assumed}
    for finding in result.findings:
        if finding.code in broken:
            broken[finding.code].add((finding.table, finding.id))
    rates = []
    for code in assumed:
        rule = RULES[code]
        if code in result.skipped:
            rates.append(
                {
                    "code": code,
                    "title": rule.title,
                    "applied": 0,
                    "held": 0,
                    "share": None,
                    "skipped": result.skipped[code],
                }
            )
            continue
        applied = (
            sum(result.rows.values()) if rule.table == ANY_TABLE else result.rows.get(rule.table, 0)
        )
        held = max(applied - len(broken[code]), 0)
        rates.append(
            {
                "code": code,
                "title": rule.title,
                "applied": applied,
                "held": held,
                "share": share(held, applied),
            }
        )
    return rates


__all__ = ("hold_rates",)
