"""Hold rates of the assumed rules: how often each working assumption is true in the data.

Every rule labelled ``assumed`` is run by the validation engine over the same
source. A rule is counted only on the rows it applies to, as the engine decides
it: the rows of its own table whose columns the rule reads could be read (a
rule never judges a value that is not there), and for restore-run rules only
the (status, is_dry_run) cases the rule concerns (RR208 judges failed runs, so
its rate is over failed runs).
Rules that check any row count every row read. A rule held for a row that got
no finding of its code; a rule whose tables are absent is reported as not
applied, with the reason.
"""

from __future__ import annotations

from typing import Any

from restore_contracts.config import Assumptions
from restore_contracts.provenance import Provenance
from restore_contracts.truth._stats import share
from restore_contracts.validators.engine import Engine, ValidationResult
from restore_contracts.validators.rules import RULES
from restore_contracts.validators.rules._registry import ANY_TABLE
from restore_contracts.validators.source import Source

ASSUMED_CODES = tuple(code for code, rule in RULES.items() if rule.provenance is Provenance.ASSUMED)
"""The rules whose hold rates the truth report measures."""


def hold_rates(source: Source, assumptions: Assumptions, *, jobs: int = 1) -> list[dict[str, Any]]:
    """One entry per assumed rule: rows it applied to, rows where it held, and the share.

    One pass of the engine finds the findings and counts the rows each rule applied to."""
    assumed = list(ASSUMED_CODES)
    engine = Engine(assumptions, codes=assumed, jobs=jobs, count_applicable=assumed)
    return rates_of(engine.run(source))


def rates_of(result: ValidationResult) -> list[dict[str, Any]]:
    """The hold rates of an engine run that counted the assumed rules' applicable rows."""
    assumed = list(ASSUMED_CODES)
    applicable = result.applicable
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
        applied = sum(result.rows.values()) if rule.table == ANY_TABLE else applicable.get(code, 0)
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


__all__ = ("ASSUMED_CODES", "hold_rates", "rates_of")
