"""The truth report: each open question answered with counts, shares and example ids.

The same figures render as JSON (question id -> answer) and as Markdown
ready to paste into the truth map. Nothing here reads the clock: the report
date is given by the caller, so a report of the same data is reproducible.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts import TABLE_MODELS, RestoreRunStatus
from restore_contracts.contracts._types import format_timestamp
from restore_contracts.truth._stats import Ratio, distribution, percent, share
from restore_contracts.truth.collect import LEGACY, Figures, nullable_columns
from restore_contracts.truth.policies import compare_policies

MIGRATION_OPERATION_RUN_ID = "2026-02-10"
QUESTION_TITLES = {
    "evidence_for_executions": (
        "Do restore executions produce an EvidenceSnapshot linked to their OperationRun?"
    ),
    "multiple_snapshots": (
        "With several snapshots for one operation run, which one should be linked "
        "(latest active or latest any)?"
    ),
    "rbac": "What are the RBAC rules for viewing evidence and operation runs from the detail page?",
    "operation_run_coverage": "How many restore runs carry an operation_run_id?",
    "legacy_statuses": "How common are the legacy statuses, and how recent?",
    "assumption_hold_rates": "How often does each assumed rule hold?",
    "nullability": "How often is each nullable column filled, and what is requested_by?",
    "distributions": "How are statuses and derived states distributed?",
    "vocabulary_hold_rates": "How often does each assumed vocabulary hold?",
    "derivation_rows": "How many runs did each derivation row decide?",
}


def _verdict(ratio: Ratio) -> str:
    if ratio.total == 0:
        return "no data"
    if ratio.hits == ratio.total:
        return "always"
    if ratio.hits == 0:
        return "never"
    return f"sometimes ({percent(share(ratio.hits, ratio.total))})"


def _breakdown(ratios: dict[str, Ratio], hits_key: str) -> dict[str, dict[str, Any]]:
    return {key: ratios[key].as_dict("runs", hits_key) for key in sorted(ratios)}


def _by_status(ratios: dict[str, Ratio], hits_key: str) -> dict[str, dict[str, Any]]:
    order = [s.value for s in RestoreRunStatus]
    return {key: ratios[key].as_dict("runs", hits_key) for key in order if key in ratios}


def evidence_for_executions(figures: Figures) -> dict[str, Any]:
    """Question 1: executed runs with an operation run, and whether evidence is linked."""
    if "evidence_snapshots" not in figures.tables_present:
        return {"verdict": "no data", "reason": "the source has no evidence_snapshots table"}
    ratio = figures.executions
    return {
        "verdict": _verdict(ratio),
        "executed_with_operation_run": ratio.total,
        "with_evidence": ratio.hits,
        "share": share(ratio.hits, ratio.total),
        "by_status": _by_status(figures.executions_by_status, "with_evidence"),
        "examples": {
            "with_evidence": figures.examples.get("with_evidence"),
            "without_evidence": figures.examples.get("without_evidence"),
        },
    }


def multiple_snapshots(figures: Figures, assumptions: Assumptions) -> dict[str, Any]:
    """Question 2: what each selection policy would show, how often they differ, and why."""
    if "evidence_snapshots" not in figures.tables_present:
        return {"verdict": "no data", "reason": "the source has no evidence_snapshots table"}
    return compare_policies(figures.snapshots_by_operation_run, assumptions, figures.examples_limit)


def rbac() -> dict[str, Any]:
    """Question 3: stated as unanswerable from tables, with what would answer it."""
    return {
        "verdict": "not answerable from table exports",
        "answerable": False,
        "reason": (
            "Who may view an EvidenceSnapshot or OperationRun from the restore-run detail page "
            "is decided by policies and capability checks in code, not by rows."
        ),
        "would_answer": [
            "the application's policies for EvidenceSnapshot and OperationRun "
            "(capability names such as Capabilities::TENANT_VIEW)",
            "the resource classes' canView / resolveScopedRecordOrFail code paths",
            "feature tests that request the detail page as members without the capability "
            "(deny-as-not-found 404 vs forbidden 403)",
            "an access log of detail-page requests with response codes per role",
        ],
    }


def operation_run_coverage(figures: Figures) -> dict[str, Any]:
    """Question 4: share of runs with operation_run_id, by status and by month."""
    ratio = figures.coverage
    first = figures.first_linked_created_at
    return {
        "verdict": _verdict(ratio),
        "runs": ratio.total,
        "with_operation_run": ratio.hits,
        "share": share(ratio.hits, ratio.total),
        "migration": MIGRATION_OPERATION_RUN_ID,
        "first_linked_created_at": format_timestamp(first) if first else None,
        "by_status": _by_status(figures.coverage_by_status, "with_operation_run"),
        "by_month": _breakdown(figures.coverage_by_month, "with_operation_run"),
        "examples": {"without_operation_run": figures.examples.get("without_operation_run")},
    }


def legacy_statuses(figures: Figures) -> dict[str, Any]:
    """Question 5: count and latest created_at of each legacy status."""
    runs = figures.coverage.total
    found = {}
    for status in LEGACY:
        latest = figures.legacy_latest.get(status.value)
        found[status.value] = {
            "count": figures.legacy_counts[status.value],
            "share": share(figures.legacy_counts[status.value], runs),
            "latest_created_at": format_timestamp(latest) if latest else None,
            "examples": figures.examples.get(f"legacy:{status.value}"),
        }
    total = sum(figures.legacy_counts.values())
    verdict = (
        "none present" if total == 0 else f"{total} of {runs} runs ({percent(share(total, runs))})"
    )
    return {"verdict": verdict, "statuses": found}


def nullability(figures: Figures) -> dict[str, Any]:
    """Question 7: non-null rate of every nullable column; requested_by's value types."""
    columns: dict[str, dict[str, Any]] = {}
    for table in figures.tables_present:
        valid = figures.rows[table] - figures.unreadable[table] - figures.invalid[table]
        counter = figures.non_null[table]
        columns[table] = {
            column: {
                "rows": valid,
                "non_null": counter[column],
                "share": share(counter[column], valid),
            }
            for column in nullable_columns(TABLE_MODELS[table])
        }
    return {
        "columns": columns,
        "requested_by_types": distribution(figures.requested_by_types),
    }


def distributions(figures: Figures) -> dict[str, Any]:
    """Question 8: status and every derived state."""
    answer: dict[str, Any] = {
        "status": distribution(figures.statuses),
        "decision_state": distribution(figures.decisions),
        "attention_state": distribution(figures.attention),
        "operation_run_proof_state": distribution(figures.proof),
    }
    if "evidence_snapshots" in figures.tables_present:
        answer["evidence_state"] = distribution(figures.evidence)
    return answer


def vocabulary_hold_rates(figures: Figures, assumptions: Assumptions) -> dict[str, Any]:
    """Question 9: every assumed vocabulary against the values the data carries."""
    entries = figures.vocabularies.report(assumptions)
    broken = [e["vocabulary"] for e in entries if e["values"] and e["inside"] < e["values"]]
    if not any(e["values"] for e in entries):
        verdict = "no data"
    elif not broken:
        verdict = "every assumed vocabulary held wherever values were seen"
    else:
        verdict = f"{len(broken)} vocabulary(ies) broken somewhere: {', '.join(broken)}"
    return {"verdict": verdict, "vocabularies": entries}


def derivation_rows(figures: Figures, assumptions: Assumptions) -> dict[str, Any]:
    """Question 10: how many runs each row of each derivation table decided."""
    tables = figures.derivations.report(assumptions)
    fallback = sum(t["no_specific_row"]["count"] for t in tables)
    runs = figures.coverage.total
    verdict = (
        "no data"
        if runs == 0
        else "every run matched a specific row of every table"
        if fallback == 0
        else f"{fallback} decision(s) fell to a catch-all row"
    )
    return {"verdict": verdict, "tables": tables}


def build_report(
    figures: Figures,
    assumptions: Assumptions,
    *,
    source_name: str,
    policy: EvidencePolicy,
    report_date: date,
    hold_rates: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """The whole report as plain data: header, then one answer per question id."""
    rows_by_table = {table: figures.rows[table] for table in figures.tables_present}
    rejected = {
        table: {"unreadable": figures.unreadable[table], "invalid": figures.invalid[table]}
        for table in figures.tables_present
        if figures.unreadable[table] or figures.invalid[table]
    }
    questions: dict[str, Any] = {
        "evidence_for_executions": evidence_for_executions(figures),
        "multiple_snapshots": multiple_snapshots(figures, assumptions),
        "rbac": rbac(),
        "operation_run_coverage": operation_run_coverage(figures),
        "legacy_statuses": legacy_statuses(figures),
        "assumption_hold_rates": (
            {"verdict": "no data", "rules": []}
            if hold_rates is None
            else {"verdict": _hold_verdict(hold_rates), "rules": hold_rates}
        ),
        "nullability": nullability(figures),
        "distributions": distributions(figures),
        "vocabulary_hold_rates": vocabulary_hold_rates(figures, assumptions),
        "derivation_rows": derivation_rows(figures, assumptions),
    }
    for key, answer in questions.items():
        answer["question"] = QUESTION_TITLES[key]
    return {
        "date": report_date.isoformat(),
        "source": source_name,
        "evidence_policy": policy.value,
        "rows": rows_by_table,
        "rows_not_counted": rejected,
        "values_not_read": values_not_read(figures),
        "missing_tables": [t for t in TABLE_MODELS if t not in figures.tables_present],
        "questions": questions,
    }


def values_not_read(figures: Figures) -> dict[str, Any]:
    """Per table: rows counted with values not read (read as null), and per column how many
    values could not be read and where the first one is."""
    return {
        table: {
            "rows_counted_with_values_as_null": figures.partial[table],
            "columns": {
                column: {"values": count, "first": first}
                for column, (count, first) in sorted(figures.values_not_read[table].items())
            },
        }
        for table in figures.tables_present
        if figures.values_not_read.get(table)
    }


def _hold_verdict(rules: list[dict[str, Any]]) -> str:
    broken = [r["code"] for r in rules if r["applied"] and r["held"] < r["applied"]]
    if not any(r["applied"] for r in rules):
        return "no data"
    if not broken:
        return "every assumed rule held wherever it applied"
    return f"{len(broken)} assumed rule(s) broken somewhere: {', '.join(broken)}"


__all__ = ("QUESTION_TITLES", "build_report")
