"""What every reporter shares: options, the summary, the failing decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from restore_contracts.config import Severity
from restore_contracts.display import LIMIT, clean
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.findings import SEVERITIES, SEVERITY_RANK, Finding
from restore_contracts.validators.rules import RULES


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """How to render: the failing threshold, examples per rule, colour, and how much of one
    data-derived string is shown (see :mod:`restore_contracts.display`)."""

    fail_on: Severity = "error"
    max_examples: int = 5
    color: bool = False
    max_length: int = LIMIT


def fails(finding: Finding, fail_on: Severity) -> bool:
    """Whether a finding is at or above the failing threshold."""
    return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[fail_on]


def failed(result: ValidationResult, fail_on: Severity) -> bool:
    """Whether any finding is at or above the failing threshold (exit code 1)."""
    return any(fails(f, fail_on) for f in result.findings)


def by_rule(result: ValidationResult) -> dict[str, list[Finding]]:
    """Findings grouped by rule code, codes in order, findings in reading order."""
    groups: dict[str, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(finding.code, []).append(finding)
    return dict(sorted(groups.items()))


def by_rule_examples(
    result: ValidationResult, examples: int
) -> dict[str, tuple[int, list[Finding]]]:
    """Per rule code, in order: how many findings, and the first ``examples`` of them in
    reading order (one pass; memory bounded by the examples, not the findings)."""
    groups: dict[str, tuple[list[int], list[Finding]]] = {}
    for finding in result.findings:
        group = groups.get(finding.code)
        if group is None:
            group = groups[finding.code] = ([0], [])
        group[0][0] += 1
        if len(group[1]) < examples:
            group[1].append(finding)
    return {code: (count[0], kept) for code, (count, kept) in sorted(groups.items())}


def summary(result: ValidationResult, fail_on: Severity) -> dict[str, Any]:
    """The summary every machine-readable report carries."""
    severity_counts = dict.fromkeys(SEVERITIES, 0)
    for finding in result.findings:
        severity_counts[finding.severity] += 1
    return {
        "source": result.source,
        "rows": dict(result.rows),
        "findings": len(result.findings),
        "by_severity": severity_counts,
        "by_rule": result.counts(),
        "rules_applied": len(result.applied),
        "skipped": dict(sorted(result.skipped.items())),
        "baselined": result.baselined,
        "fail_on": fail_on,
        "failed": failed(result, fail_on),
    }


def place(finding: Finding, limit: int = LIMIT) -> list[str]:
    """Where a finding is, each part cleaned: ``[file:line, table#id]``, or the database
    location alone (it already is ``table#id``)."""
    return [clean(part, limit) for part in finding.place]


def title_of(code: str) -> str:
    """A rule's title (the catalogue's)."""
    return RULES[code].title


__all__ = (
    "ReportOptions",
    "by_rule",
    "by_rule_examples",
    "failed",
    "fails",
    "place",
    "summary",
    "title_of",
)
