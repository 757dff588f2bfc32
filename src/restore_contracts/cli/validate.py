"""Commands ``validate`` (check exports against the contracts and rules) and ``rules``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import orjson

from restore_contracts._io import atomic_write_bytes, atomic_writer
from restore_contracts.cli._context import assumptions_from
from restore_contracts.config import Severity
from restore_contracts.errors import InputError
from restore_contracts.validators.baseline import apply_baseline, load_baseline, write_baseline
from restore_contracts.validators.catalogue import (
    catalogue_json,
    catalogue_markdown,
    catalogue_text,
    rules_named,
)
from restore_contracts.validators.engine import Engine
from restore_contracts.validators.findings import SEVERITIES
from restore_contracts.validators.parallel import parse_jobs
from restore_contracts.validators.progress import ProgressLine
from restore_contracts.validators.readers import open_sources
from restore_contracts.validators.reports import REPORTERS, STREAMS, ReportOptions, failed
from restore_contracts.validators.rules import selected_codes, severities


def _one_of(what: str, valid: list[str]) -> Callable[[click.Context, click.Parameter, str], str]:
    """A callback rejecting an unknown value with one line that lists the valid ones."""

    def check(ctx: click.Context, param: click.Parameter, value: str) -> str:
        if value not in valid:
            raise InputError(f"unknown {what} {value!r}; valid values: {', '.join(valid)}")
        return value

    return check


def _buffered(pieces: Iterator[str], size: int = 1 << 16) -> Iterator[str]:
    """Report pieces joined into writes of about ``size`` characters."""
    held: list[str] = []
    length = 0
    for piece in pieces:
        held.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(held)
            held, length = [], 0
    if held:
        yield "".join(held)


def _patterns(values: tuple[str, ...]) -> list[str]:
    return [part for value in values for part in value.split(",") if part.strip()]


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--table", help="Table of the rows when a file name or stdin does not say.")
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    callback=_one_of("format", list(REPORTERS)),
    help="Report format: text, json, junit or github.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to a file (atomically) instead of stdout.",
)
@click.option("--select", multiple=True, help="Only these codes or prefixes (e.g. RR3,RR501).")
@click.option("--ignore", multiple=True, help="Not these codes or prefixes.")
@click.option(
    "--fail-on",
    default="error",
    show_default=True,
    callback=_one_of("severity", list(SEVERITIES)),
    help="Lowest severity that makes the exit code 1: error, warning or info.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Accept the findings in this file; only new ones count.",
)
@click.option(
    "--write-baseline",
    "write_baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every current finding to this baseline file.",
)
@click.option(
    "--max-examples",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Examples per rule in the text report.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress line on stderr (default: when stderr is a terminal).",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text report (default: when stdout is a terminal).",
)
@click.option(
    "--jobs",
    default="1",
    show_default=True,
    callback=lambda ctx, param, value: parse_jobs(value),
    help="Processes checking restore_runs: a number or auto (every core); same report.",
)
@click.pass_context
def validate(
    ctx: click.Context,
    inputs: tuple[str, ...],
    table: str | None,
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: Severity,
    baseline: Path | None,
    write_baseline_file: Path | None,
    max_examples: int,
    progress: bool | None,
    color: bool | None,
    jobs: int,
) -> None:
    """Validate exports (files, directories, - for stdin) against the contracts and rules.

    Exit 0 when nothing is at or above --fail-on, 1 when something is, 2 when
    the input or the options cannot be used.
    """
    assumptions = assumptions_from(ctx)
    codes = selected_codes(_patterns(select), _patterns(ignore))
    accepted = load_baseline(baseline) if baseline is not None else None
    source = open_sources(list(inputs), table)
    show_progress = progress if progress is not None else sys.stderr.isatty()
    line = ProgressLine(source, sys.stderr) if show_progress else None
    try:
        result = Engine(assumptions, codes=codes, progress=line, jobs=jobs).run(source)
    finally:
        source.close()
        if line is not None:
            line.done()
    if write_baseline_file is not None:
        write_baseline(write_baseline_file, result.findings)
    if accepted is not None:
        apply_baseline(result, accepted)
    use_color = color if color is not None else (output is None and sys.stdout.isatty())
    options = ReportOptions(fail_on=fail_on, max_examples=max_examples, color=use_color)
    pieces = _buffered(STREAMS[fmt](result, options))
    if output is not None:
        with atomic_writer(output) as handle:
            for piece in pieces:
                handle.write(piece.encode())
    else:
        for piece in pieces:
            click.echo(piece, nl=False, color=use_color)
    if failed(result, fail_on):
        ctx.exit(1)


@click.command()
@click.argument("code", required=False)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    callback=_one_of("format", ["text", "json", "markdown"]),
    help="text, json or markdown (the docs/rules.md page).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the catalogue to a file (markdown: the committed docs/rules.md).",
)
@click.option(
    "--check",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Exit 1 if this file differs from the generated markdown catalogue.",
)
@click.pass_context
def rules(
    ctx: click.Context, code: str | None, fmt: str, out: Path | None, check: Path | None
) -> None:
    """Print the rule catalogue (or the rules a CODE or prefix names)."""
    if check is not None:
        expected = catalogue_markdown()
        try:
            actual = check.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{check}: cannot read: {exc.strerror}") from None
        if actual != expected:
            click.echo(
                f"{check}: differs from the rule catalogue; run "
                f"`restore-contracts rules --format markdown --out {check}`",
                err=True,
            )
            ctx.exit(1)
        click.echo(f"{check}: matches the rule catalogue")
        return
    chosen = rules_named(code)
    levels = severities(assumptions_from(ctx).severity)
    if fmt == "markdown":
        text = catalogue_markdown()
    elif fmt == "json":
        text = orjson.dumps(catalogue_json(chosen, levels), option=orjson.OPT_INDENT_2).decode()
        text += "\n"
    else:
        text = catalogue_text(chosen, levels)
    if out is not None:
        atomic_write_bytes(out, text.encode())
        click.echo(f"wrote {out}")
    else:
        click.echo(text, nl=False)


__all__ = ("rules", "validate")
