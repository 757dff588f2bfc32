"""The text report: findings grouped by rule, with counts and a few examples each.

Every string taken from the data (file names, tables, ids, pointers, messages)
goes through :func:`restore_contracts.display.clean`, on a terminal and on a
pipe alike: one finding is one line, and no value can move the cursor, retitle
the terminal or start a CI command.
"""

from __future__ import annotations

import click

from restore_contracts.display import clean
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.findings import SEVERITIES
from restore_contracts.validators.reports._common import (
    ReportOptions,
    by_rule_examples,
    failed,
    place,
    summary,
    title_of,
)

_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_text(result: ValidationResult, options: ReportOptions) -> str:
    """A human summary: one block per rule with its count and up to max_examples findings."""

    def paint(text: str, severity: str) -> str:
        if not options.color:
            return text
        return click.style(text, fg=_COLOURS[severity], bold=severity == "error")

    limit = options.max_length
    lines: list[str] = []
    for code, (count, findings) in by_rule_examples(result, max(options.max_examples, 1)).items():
        severity = findings[0].severity
        head = f"{code} {severity:<7} {title_of(code)} ({_plural(count, 'finding')})"
        lines.append(paint(head, severity))
        for finding in findings[: options.max_examples]:
            parts = [
                *place(finding, limit),
                clean(finding.pointer or "/", limit),
                clean(finding.message, limit),
            ]
            lines.append("  " + "  ".join(parts))
        hidden = count - options.max_examples
        if hidden > 0:
            lines.append(f"  ... and {hidden} more")
    facts = summary(result, options.fail_on)
    rows = (
        ", ".join(f"{clean(table, limit)} {count}" for table, count in facts["rows"].items())
        or "none"
    )
    counts = ", ".join(
        _plural(facts["by_severity"][s], s) for s in SEVERITIES if facts["by_severity"][s]
    )
    if result.skipped:
        by_reason: dict[str, list[str]] = {}
        for code, reason in sorted(result.skipped.items()):
            by_reason.setdefault(reason, []).append(code)
        lines.append(f"skipped {_plural(len(result.skipped), 'rule')} (not passed):")
        for reason, codes in by_reason.items():
            lines.append(f"  {' '.join(codes)}: {clean(reason, limit)}")
    lines.append(f"rows read: {rows}")
    verdict = "FAILED" if failed(result, options.fail_on) else "passed"
    line = (
        f"{clean(result.source, limit)}: {verdict} (fail on {options.fail_on}): "
        f"{_plural(len(result.findings), 'finding')}"
        + (f" ({counts})" if counts else "")
        + f", {len(result.applied)} rules applied"
    )
    if result.baselined:
        line += f", {result.baselined} accepted by the baseline"
    lines.append(paint(line, "error") if verdict == "FAILED" else line)
    return "\n".join(lines) + "\n"


__all__ = ("render_text",)
