"""``restore-contracts truth``: answer the truth map's open questions from real data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import cast

import click

from restore_contracts.cli._context import assumptions_from, examples, timeout_option
from restore_contracts.cli.validate import check_stdin, closing, database_timeout
from restore_contracts.config import EvidencePolicy
from restore_contracts.display import json_text
from restore_contracts.progress import PROGRESS_OPTION, showing
from restore_contracts.truth import render_markdown, truth_report
from restore_contracts.truth.charts import require_matplotlib
from restore_contracts.truth.page import render_html
from restore_contracts.validators.parallel import parse_jobs
from restore_contracts.validators.progress import CountingSource, ProgressLine
from restore_contracts.validators.readers import Limits, open_source, require_contract_tables
from restore_contracts.validators.source import Source


@click.command(
    short_help="Answer the open truth questions from data.",
    epilog=examples(
        "restore-contracts truth sqlite:///restore-contracts.db",
        "restore-contracts truth exports/ --format json",
        "restore-contracts truth postgresql://app@localhost/app --format html > truth.html",
    ),
)
@click.argument("source_spec", metavar="SOURCE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json", "html"]),
    default="markdown",
    show_default=True,
    help="html: one self-contained page with charts (needs the [html] extra).",
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
@timeout_option
@click.option(
    "--jobs",
    default="1",
    show_default=True,
    callback=lambda ctx, param, value: parse_jobs(value),
    help="Processes checking restore_runs: a number or auto (every core); same report.",
)
@PROGRESS_OPTION
@click.pass_context
def truth(
    ctx: click.Context,
    source_spec: str,
    fmt: str,
    evidence_policy: str | None,
    examples: int,
    table: str | None,
    report_date: datetime | None,
    timeout: float,
    jobs: int,
    progress: bool | None,
) -> None:
    """Answer the open truth questions from SOURCE (file, directory, - or database URL)."""
    assumptions = assumptions_from(ctx)
    check_stdin([source_spec])
    day: date = report_date.date() if report_date else datetime.now(UTC).date()
    if fmt == "html":
        require_matplotlib()
    limits = Limits(assumptions.max_line_bytes)
    with (
        database_timeout(timeout),
        closing(open_source(source_spec, table, limits=limits)) as opened,
        showing(progress, f"truth {opened.name}") as bar,
    ):
        require_contract_tables(opened)
        source: Source = opened
        line = None
        if bar is not None:
            line = ProgressLine(opened, bar, label="truth")
            source = cast(Source, CountingSource(opened, line))
        report = truth_report(
            source,
            assumptions,
            report_date=day,
            policy=EvidencePolicy(evidence_policy) if evidence_policy else None,
            examples=examples,
            measure_holds=True,
            jobs=jobs,
        )
        if line is not None:
            line.draw()
    if fmt == "json":
        click.echo(json_text(report), nl=False)
    elif fmt == "html":
        click.echo(render_html(report), nl=False)
    else:
        click.echo(render_markdown(report), nl=False)


__all__ = ("truth",)
