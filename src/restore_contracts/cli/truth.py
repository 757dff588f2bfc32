"""``restore-contracts truth``: answer the truth map's open questions from real data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click

from restore_contracts.cli._context import assumptions_from
from restore_contracts.config import EvidencePolicy
from restore_contracts.display import json_text
from restore_contracts.truth import render_markdown, truth_report
from restore_contracts.validators.parallel import parse_jobs
from restore_contracts.validators.readers import open_source


@click.command()
@click.argument("source_spec", metavar="SOURCE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "--evidence-policy",
    type=click.Choice([p.value for p in EvidencePolicy]),
    help="Snapshot selection policy (default: the configured one).",
)
@click.option(
    "--examples",
    type=click.IntRange(0, 1000),
    default=5,
    show_default=True,
    help="Example ids kept per figure.",
)
@click.option("--table", help="Table of a single NDJSON/CSV/JSON file not named after it.")
@click.option(
    "--date",
    "report_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date printed in the report (default: today, UTC).",
)
@click.option(
    "--jobs",
    default="1",
    show_default=True,
    callback=lambda ctx, param, value: parse_jobs(value),
    help="Processes checking restore_runs: a number or auto (every core); same report.",
)
@click.pass_context
def truth(
    ctx: click.Context,
    source_spec: str,
    fmt: str,
    evidence_policy: str | None,
    examples: int,
    table: str | None,
    report_date: datetime | None,
    jobs: int,
) -> None:
    """Answer the open truth questions from SOURCE (file, directory, - or database URL)."""
    assumptions = assumptions_from(ctx)
    day: date = report_date.date() if report_date else datetime.now(UTC).date()
    source = open_source(source_spec, table)
    try:
        report = truth_report(
            source,
            assumptions,
            report_date=day,
            policy=EvidencePolicy(evidence_policy) if evidence_policy else None,
            examples=examples,
            measure_holds=True,
            jobs=jobs,
        )
    finally:
        source.close()
    if fmt == "json":
        click.echo(json_text(report), nl=False)
    else:
        click.echo(render_markdown(report), nl=False)


__all__ = ("truth",)
