"""``restore-contracts explain SOURCE --run ID``: one restore run, as read and as derived."""

from __future__ import annotations

import json
from typing import Any

import click
import orjson

from restore_contracts.cli._context import assumptions_from, examples
from restore_contracts.display import clean
from restore_contracts.explain import explain_run
from restore_contracts.validators.findings import show
from restore_contracts.validators.readers import open_source


def escaped(value: Any, *, whole: bool = False) -> str:
    """Data-derived text made safe to print: JSON-escaped, then passed through the reports'
    :func:`~restore_contracts.display.clean`, so control characters, escape sequences,
    bidirectional overrides and newlines from the data cannot reach the terminal. ``whole``
    keeps finding messages (already bounded) at the reports' limit instead of a value's."""
    if whole and isinstance(value, str):
        return clean(orjson.dumps(value).decode()[1:-1])
    return clean(show(value))


def _table_row(word: str, table: str, row: dict[str, Any]) -> str:
    """One derivation row: configured text (statuses, templates) is escaped like data."""
    return (
        f"      {word} {table}{escaped(row['rule'], whole=True)}"
        f" [{row.get('provenance', '?')}] if {escaped(row.get('when', '?'), whole=True)}"
        f" -> {escaped(row.get('then', '?'), whole=True)}"
    )


def _decided_line(label: str, entry: dict[str, Any]) -> list[str]:
    lines = [
        f"  {label} = {escaped(entry['value'])}",
        _table_row("by", f"{entry['table']} ", entry["decided_by"]),
    ]
    lines += [_table_row("via", "", via) for via in entry["via"]]
    return lines


def _row_lines(row: Any) -> list[str]:
    if not isinstance(row, dict):
        return [f"    {escaped(row)}"]
    width = max((len(str(k)) for k in row), default=0)
    return [f"    {escaped(str(k), whole=True):<{width}}  {escaped(v)}" for k, v in row.items()]


def _finding_lines(findings: list[dict[str, Any]]) -> list[str]:
    return [
        f"  {f['code']} {f['severity']} {f['table']} #{escaped(f['id'])} "
        f"{escaped(f['pointer'] or '/', whole=True)}: {escaped(f['message'], whole=True)}"
        for f in findings
    ]


def render_text(report: dict[str, Any]) -> str:
    """The explanation as plain text, every data-derived string escaped."""
    run = report["restore_run"]
    lines = [
        f"restore run {run['id']} in {escaped(report['source'], whole=True)}"
        f" ({escaped(run['location'], whole=True)})",
        "",
        "row as read:",
        *_row_lines(run["row"]),
        "",
    ]
    derived = report["derived"]
    if derived is None:
        lines += ["derived view: none (the row does not match its contract; see findings)", ""]
    else:
        lines.append("derived detail view (each field with the derivation row that decided it):")
        lines += _decided_line("decision_state", derived["decision_state"])
        counts = ", ".join(f"{k} {v}" for k, v in derived["counts"]["value"].items())
        lines += [
            f"  counts = {counts}",
            _table_row("by", "counts ", derived["counts"]["decided_by"]),
        ]
        for name, entry in derived["attention"].items():
            lines += _decided_line(f"attention.{name}", entry)
        lines += _decided_line("operation_run_proof_state", derived["operation_run_proof_state"])
        if derived["evidence"] is None:
            lines.append("  evidence: not derived (the source has no evidence_snapshots table)")
        else:
            for policy, entry in derived["evidence"].items():
                mark = ", configured" if entry["configured"] else ""
                snapshot = entry["snapshot_id"]
                chosen = f"snapshot #{snapshot}" if snapshot is not None else "no snapshot"
                lines += _decided_line(f"evidence ({policy}{mark}; {chosen})", entry)
        lines.append("")
    op = report["operation_run"]
    if op is None:
        lines += ["operation run: none linked", ""]
    elif not op["looked_up"]:
        lines += [f"operation run {op['id']}: not looked up (no operation_runs table)", ""]
    elif not op["found"]:
        lines += [f"operation run {op['id']}: not found in operation_runs", ""]
    else:
        lines += [
            f"operation run {op['id']} ({escaped(op['location'], whole=True)}):",
            *_row_lines(op["row"]),
            "",
        ]
    snapshots = report["evidence_snapshots"]
    if snapshots is not None:
        lines.append(f"evidence snapshots of that operation run: {len(snapshots)}")
        for snapshot in snapshots:
            lines.append(f"  at {escaped(snapshot['location'], whole=True)}:")
            lines += [f"  {line}" for line in _row_lines(snapshot["row"])]
        lines.append("")
    lines.append(f"findings on this run: {len(report['findings'])}")
    lines += _finding_lines(report["findings"])
    lines.append(
        f"findings on its operation run and snapshots: {len(report['neighbour_findings'])}"
    )
    lines += _finding_lines(report["neighbour_findings"])
    return "\n".join(lines) + "\n"


@click.command(
    short_help="Explain one restore run: row, derivations, evidence, findings.",
    epilog=examples(
        "restore-contracts explain fixtures/ --run 1500001",
        "restore-contracts explain sqlite:///restore-contracts.db --run 1500001 --format json",
        "restore-contracts explain restore_runs.csv --run 42 --table restore_runs",
    ),
)
@click.argument("source_spec", metavar="SOURCE")
@click.option("--run", "run_id", required=True, type=click.IntRange(min=1), help="Restore run id.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option("--table", help="Table of a single NDJSON/CSV/JSON file not named after it.")
@click.pass_context
def explain(ctx: click.Context, source_spec: str, run_id: int, fmt: str, table: str | None) -> None:
    """Explain one restore run of SOURCE (file, directory, - or database URL): the row as
    read, its derived detail view with the derivation row behind each field, its operation
    run and evidence snapshots, and every finding on them."""
    assumptions = assumptions_from(ctx)
    source = open_source(source_spec, table)
    try:
        report = explain_run(source, run_id, assumptions)
    finally:
        source.close()
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report), nl=False)


__all__ = ("escaped", "explain", "render_text")
