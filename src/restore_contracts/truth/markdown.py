"""Render the truth report as Markdown that can be pasted into the truth map.

Values in the report come from the data (statuses, table and column names, the
source's name). Before rendering, every string in the report is made one
printable line and bounded (:func:`restore_contracts.display.clean`), and the
two characters that would break out of a code span or a table cell are
escaped: a backtick as ``\\x60``, a pipe as ``\\x7c`` (not ``\\|``, which a
backslash in the data before it would turn back into a cell border). So no
value can leave its code span or its table cell, start a line of its own, or
reach the reader's terminal as a control sequence. Data-derived text belongs
in code spans.
"""

from __future__ import annotations

from typing import Any

from restore_contracts.display import LIMIT, clean, map_text
from restore_contracts.truth._stats import percent

ORDER = (
    "evidence_for_executions",
    "multiple_snapshots",
    "rbac",
    "operation_run_coverage",
    "legacy_statuses",
    "assumption_hold_rates",
    "nullability",
    "distributions",
    "vocabulary_hold_rates",
    "derivation_rows",
)


def _pct(value: float | None) -> str:
    return percent(value)


def _ids(ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in ids) if ids else "none"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return ["_(no rows)_"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _ratio_rows(breakdown: dict[str, dict[str, Any]], hits_key: str) -> list[list[str]]:
    return [
        [f"`{key}`", str(v["runs"]), str(v[hits_key]), _pct(v["share"])]
        for key, v in breakdown.items()
    ]


def _distribution(title: str, dist: dict[str, dict[str, Any]]) -> list[str]:
    rows = [[f"`{value}`", str(v["count"]), _pct(v["share"])] for value, v in dist.items()]
    return [f"**{title}**", "", *_table(["value", "count", "share"], rows), ""]


def _evidence(a: dict[str, Any]) -> list[str]:
    if "reason" in a:
        return [f"Verdict: **{a['verdict']}** ({a['reason']})."]
    return [
        f"Verdict: **{a['verdict']}**. Of {a['executed_with_operation_run']} executed restore runs"
        f" with an operation run, {a['with_evidence']} ({_pct(a['share'])}) have at least one"
        " linked evidence snapshot.",
        "",
        *_table(
            ["status", "runs", "with evidence", "share"],
            _ratio_rows(a["by_status"], "with_evidence"),
        ),
        "",
        f"Examples with evidence: {_ids(a['examples']['with_evidence'])}; "
        f"without: {_ids(a['examples']['without_evidence'])}.",
    ]


def _multiple(a: dict[str, Any]) -> list[str]:
    if "reason" in a:
        return [f"Verdict: **{a['verdict']}** ({a['reason']})."]
    differing = a["when_disagreeing"]
    hidden = ", ".join(f"{k} {v}" for k, v in differing["latest_active_hides_newer"].items())
    lines = [
        f"Verdict: **{a['verdict']}**.",
        "",
        f"- operation runs with snapshots: {a['operation_runs_with_snapshots']}",
        f"- with more than one snapshot: {a['with_several']}",
        f"- latest active and latest any differ: {a['policies_disagree']} ({_pct(a['share'])})",
        f"- of those, latest active shows nothing: {differing['latest_active_shows_nothing']};"
        f" an older active one hides a newer: {hidden or 'none'}",
        f"- examples (operation run ids): {_ids(a['examples']['operation_run_ids'])}",
        "",
    ]
    for policy, dist in a["detail_page_shows"].items():
        lines += _distribution(f"What the detail page shows under {policy}", dist)
    lines += _distribution("Snapshot status sequences (oldest first)", a["status_sequences"])
    return lines


def _rbac(a: dict[str, Any]) -> list[str]:
    return [f"Verdict: **{a['verdict']}**. {a['reason']}", "", "What would answer it:", ""] + [
        f"- {item}" for item in a["would_answer"]
    ]


def _coverage(a: dict[str, Any]) -> list[str]:
    first = a["first_linked_created_at"] or "never"
    return [
        f"Verdict: **{a['verdict']}**. {a['with_operation_run']} of {a['runs']} restore runs"
        f" ({_pct(a['share'])}) carry an operation_run_id; the column came with the migration of"
        f" {a['migration']}; the earliest linked run was created {first}.",
        "",
        "By status:",
        "",
        *_table(
            ["status", "runs", "linked", "share"], _ratio_rows(a["by_status"], "with_operation_run")
        ),
        "",
        "By month of created_at:",
        "",
        *_table(
            ["month", "runs", "linked", "share"], _ratio_rows(a["by_month"], "with_operation_run")
        ),
        "",
        f"Examples without an operation run: {_ids(a['examples']['without_operation_run'])}.",
    ]


def _legacy(a: dict[str, Any]) -> list[str]:
    rows = [
        [
            f"`{status}`",
            str(v["count"]),
            _pct(v["share"]),
            v["latest_created_at"] or "-",
            _ids(v["examples"]),
        ]
        for status, v in a["statuses"].items()
    ]
    return [
        f"Verdict: **{a['verdict']}**.",
        "",
        *_table(["status", "count", "share", "latest created_at", "examples"], rows),
    ]


def _holds(a: dict[str, Any]) -> list[str]:
    rows = [
        [
            f"`{r['code']}`",
            r["title"],
            str(r["applied"]),
            str(r["held"]),
            f"not applied: {r['skipped']}" if "skipped" in r else _pct(r["share"]),
        ]
        for r in a["rules"]
    ]
    return [
        f"Verdict: **{a['verdict']}**.",
        "",
        *_table(["rule", "title", "applied", "held", "share"], rows),
    ]


def _nullability(a: dict[str, Any]) -> list[str]:
    rows = [
        [f"`{table}.{column}`", str(v["rows"]), str(v["non_null"]), _pct(v["share"])]
        for table, columns in a["columns"].items()
        for column, v in columns.items()
    ]
    return [
        *_table(["column", "rows", "non-null", "share"], rows),
        "",
        *_distribution("requested_by value types", a["requested_by_types"]),
    ]


def _distributions(a: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key, dist in a.items():
        if key == "question":
            continue
        lines += _distribution(key, dist)
    return lines


def _vocabularies(a: dict[str, Any]) -> list[str]:
    rows = [
        [
            f"`{v['vocabulary']}`",
            f"`{v['where']}`",
            str(v["values"]),
            str(v["inside"]),
            _pct(v["share"]),
            ", ".join(
                f"`{value}` {o['count']} ({_ids(o['examples'])})"
                for value, o in v["outside"].items()
            )
            or ("not applied: " + v["skipped"] if "skipped" in v else "none"),
        ]
        for v in a["vocabularies"]
    ]
    return [
        f"Verdict: **{a['verdict']}**.",
        "",
        *_table(["vocabulary", "where", "values", "inside", "share", "outside"], rows),
    ]


def _derivation_rows(a: dict[str, Any]) -> list[str]:
    lines = [f"Verdict: **{a['verdict']}**.", ""]
    for t in a["tables"]:
        rows = [
            [f"`{r['rule']}`", r["then"], r["provenance"], str(r["decided"]), _pct(r["share"])]
            for r in t["rows"]
        ]
        lines += [
            f"**{t['table']}** ({t['runs']} runs; {t['no_specific_row']['count']} reached a"
            f" catch-all row: {_ids(t['no_specific_row']['examples'])})",
            "",
            *_table(["row", "then", "provenance", "decided", "share"], rows),
            "",
        ]
    return lines


RENDERERS = {
    "evidence_for_executions": _evidence,
    "multiple_snapshots": _multiple,
    "rbac": _rbac,
    "operation_run_coverage": _coverage,
    "legacy_statuses": _legacy,
    "assumption_hold_rates": _holds,
    "nullability": _nullability,
    "distributions": _distributions,
    "vocabulary_hold_rates": _vocabularies,
    "derivation_rows": _derivation_rows,
}


def _markdown_safe(text: str, limit: int) -> str:
    return clean(text, limit).replace("`", "\\x60").replace("|", "\\x7c")


def _safe(value: Any, limit: int) -> Any:
    """A copy of the report with every string key and value safe inside Markdown."""
    return map_text(value, lambda text: _markdown_safe(text, limit))


def render_markdown(report: dict[str, Any], *, limit: int = LIMIT) -> str:
    """The report as Markdown: a header with date, source and row counts, then each question."""
    report = _safe(report, limit)
    lines = [
        "## Truth report",
        "",
        f"- Date: {report['date']}",
        f"- Source: `{report['source']}`",
        f"- Evidence policy: `{report['evidence_policy']}`",
        f"- Missing tables: {', '.join(report['missing_tables']) or 'none'}",
        "",
        *_table(["table", "rows"], [[f"`{t}`", str(n)] for t, n in report["rows"].items()]),
    ]
    if report["rows_not_counted"] or report.get("values_not_read"):
        lines.append("")
    for table, counts in report["rows_not_counted"].items():
        unreadable, invalid = counts["unreadable"], counts["invalid"]
        lines.append(f"Not counted in `{table}`: {unreadable} unreadable, {invalid} invalid rows.")
    for table, unread in report.get("values_not_read", {}).items():
        where = "; ".join(
            f"`{column}` {entry['values']} (first {entry['first']})"
            for column, entry in unread["columns"].items()
        )
        lines.append(
            f"Values not read in `{table}` (counted as null in "
            f"{unread['rows_counted_with_values_as_null']} rows): {where}."
        )
    for number, key in enumerate(ORDER, start=1):
        answer = report["questions"][key]
        lines += ["", f"### {number}. {answer['question']} (`{key}`)", ""]
        lines += RENDERERS[key](answer)
    return "\n".join(lines).rstrip() + "\n"


__all__ = ("render_markdown",)
