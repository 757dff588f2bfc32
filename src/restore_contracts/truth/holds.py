"""Hold rates of the assumed rules: how often each working assumption is true in the data.

Every rule labelled ``assumed`` is run by the validation engine over the same
source. A rule is counted only on the rows it applies to: the rows of its own
table that match their contract (a rule never judges a row the model
rejected), and for restore-run rules only the (status, is_dry_run) cases the
rule concerns (RR208 judges failed runs, so its rate is over failed runs).
Rules that check any row count every row read. A rule held for a row that got
no finding of its code; a rule whose tables are absent is reported as not
applied, with the reason.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from restore_contracts.config import Assumptions
from restore_contracts.provenance import Provenance
from restore_contracts.truth._stats import share
from restore_contracts.validators.context import RuleContext
from restore_contracts.validators.engine import validate
from restore_contracts.validators.rules import RULES
from restore_contracts.validators.rules._registry import ANY_TABLE, Rule
from restore_contracts.validators.rules.row_shape import normalise
from restore_contracts.validators.source import Source
from restore_contracts.validators.tables import RESTORE_RUNS, ROW_MODELS


def applicable_rows(source: Source) -> tuple[Counter[str], Counter[tuple[str, bool]]]:
    """Rows per table that match their contract, and restore runs by (status, is_dry_run)."""
    valid: Counter[str] = Counter()
    cases: Counter[tuple[str, bool]] = Counter()
    for table in dict.fromkeys(source.tables()):
        if table not in ROW_MODELS:
            continue
        for record in source.records(table):
            if record.problem is not None or not isinstance(record.data, dict):
                continue
            row, _ = normalise(table, record.data)
            if row is None:
                continue
            valid[table] += 1
            if table == RESTORE_RUNS:
                cases[(row["status"], bool(row["is_dry_run"]))] += 1
    return valid, cases


def _applied(
    rule: Rule,
    rows: dict[str, int],
    valid: Counter[str],
    cases: Counter[tuple[str, bool]],
    ctx: RuleContext,
) -> int:
    if rule.table == ANY_TABLE:
        return sum(rows.values())
    if rule.table == RESTORE_RUNS and rule.when is not None:
        when = rule.when
        return sum(n for (status, dry), n in cases.items() if when(status, dry, ctx))
    return valid[rule.table]


def hold_rates(source: Source, assumptions: Assumptions) -> list[dict[str, Any]]:
    """One entry per assumed rule: rows it applied to, rows where it held, and the share."""
    assumed = [code for code, rule in RULES.items() if rule.provenance is Provenance.ASSUMED]
    result = validate(source, assumptions, codes=assumed)
    valid, cases = applicable_rows(source)
    ctx = RuleContext(assumptions)
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
        applied = _applied(rule, result.rows, valid, cases, ctx)
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


__all__ = ("applicable_rows", "hold_rates")
