"""Commands ``validate`` (check exports against the contracts and rules) and ``rules``."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import click
import orjson

from restore_contracts._io import atomic_write_bytes, atomic_writer, same_file
from restore_contracts.cli._context import (
    DEFAULT_TIMEOUT,
    assumptions_from,
    examples,
    timeout_option,
)
from restore_contracts.config import Severity
from restore_contracts.db.urls import is_database_url
from restore_contracts.errors import InputError
from restore_contracts.progress import PROGRESS_OPTION, Bar, wanted
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
from restore_contracts.validators.progress import ProgressLine, total_bytes
from restore_contracts.validators.readers import (
    SKIPPED,
    Limits,
    open_sources,
    require_contract_tables,
)
from restore_contracts.validators.readers._common import format_of
from restore_contracts.validators.reports import REPORTERS, STREAMS, ReportOptions, failed
from restore_contracts.validators.rules import selected_codes, severities
from restore_contracts.validators.source import Source

STDIN = "-"


def _one_of(what: str, valid: list[str]) -> Callable[[click.Context, click.Parameter, str], str]:
    """A callback rejecting an unknown value with one line that lists the valid ones."""

    def check(ctx: click.Context, param: click.Parameter, value: str) -> str:
        if value not in valid:
            raise InputError(f"unknown {what} {value!r}; valid values: {', '.join(valid)}")
        return value

    return check


@contextlib.contextmanager
def database_timeout(seconds: float) -> Iterator[None]:
    """Bound every database wait in the block (SQLAlchemy is imported only when needed)."""
    if seconds == DEFAULT_TIMEOUT:
        yield
        return
    from restore_contracts.db.engine import database_timeout as bounded

    with bounded(seconds):
        yield


@contextlib.contextmanager
def closing(source: Source) -> Iterator[Source]:
    """Close a source when the block ends.

    When reading failed (a dropped connection), closing the same connection
    fails too; that second error must not replace the first, one-line one
    with a traceback. When reading succeeded, a failing close is the error.
    """
    try:
        yield source
    except BaseException:
        with contextlib.suppress(Exception):
            source.close()
        raise
    source.close()


def check_stdin(inputs: Iterable[str]) -> None:
    """Refuse ``-`` when the process has no stdin (started with it closed), in one line."""
    if STDIN in inputs and (sys.stdin is None or not _fd_open(0)):
        raise InputError("cannot read stdin (-): it is closed")


def _fd_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def check_outputs(
    inputs: Iterable[str], outputs: dict[str, Path | None], *, baseline: Path | None = None
) -> None:
    """Refuse, before anything is read, a report or baseline that would overwrite an input.

    ``--write-baseline`` may name the ``--baseline`` it updates; ``--output``
    may not (the report would replace the baseline).
    """
    check_stdin(inputs)
    files = [Path(spec) for spec in inputs if spec != STDIN and not is_database_url(spec)]
    for option, path in outputs.items():
        if path is None:
            continue
        for spec in files:
            if same_file(path, spec):
                raise InputError(f"{option} {path}: is one of the inputs; write elsewhere")
            if _read_from(spec, path):
                raise InputError(
                    f"{option} {path}: is inside the input directory {spec}, where the next "
                    "run would read it as an input; write elsewhere"
                )
        if option == "--output" and baseline is not None and same_file(path, baseline):
            raise InputError(f"{option} {path}: is the --baseline file; write elsewhere")
    written = [path for path in outputs.values() if path is not None]
    if len(written) == 2 and (written[0] == written[1] or same_file(*written)):
        raise InputError(f"--output and --write-baseline name the same file: {written[0]}")


def _read_from(directory: Path, path: Path) -> bool:
    """Whether validating ``directory`` reads a file at ``path`` (a table file inside it)."""
    if not directory.is_dir() or format_of(path) is None or path.name in SKIPPED:
        return False
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(directory))


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


def _progress_line(source: Source, flag: bool | None, label: str) -> ProgressLine | None:
    """The engine's progress callback drawing a bar on stderr, or None when none is wanted."""
    if not wanted(flag):
        return None
    total = total_bytes(source) if label == "validate" else None
    bar = Bar(f"{label} {source.name}", total=total, force=bool(flag)).start()
    return ProgressLine(source, bar, label=label, total=total)


@click.command(
    short_help="Validate exports or a database against the contracts and rules.",
    epilog=examples(
        "restore-contracts validate fixtures/",
        "restore-contracts validate exports/ --format junit --output validate.xml",
        "restore-contracts validate postgresql://app@localhost/app --fail-on warning",
    ),
)
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
@PROGRESS_OPTION
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text report (default: when stdout is a terminal).",
)
@timeout_option
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
    timeout: float,
    jobs: int,
) -> None:
    """Validate exports (files, directories, - for stdin) against the contracts and rules.

    Exit 0 when nothing is at or above --fail-on, 1 when something is, 2 when
    the input or the options cannot be used.
    """
    assumptions = assumptions_from(ctx)
    check_outputs(
        inputs,
        {"--output": output, "--write-baseline": write_baseline_file},
        baseline=baseline,
    )
    codes = selected_codes(_patterns(select), _patterns(ignore))
    accepted = load_baseline(baseline) if baseline is not None else None
    with database_timeout(timeout):
        source = open_sources(list(inputs), table, limits=Limits(assumptions.max_line_bytes))
        line = _progress_line(source, progress, "validate")
        try:
            with closing(source):
                require_contract_tables(source)
                result = Engine(assumptions, codes=codes, progress=line, jobs=jobs).run(source)
        finally:
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


@click.command(
    short_help="Print the rule catalogue.",
    epilog=examples(
        "restore-contracts rules",
        "restore-contracts rules RR5",
        "restore-contracts rules RR506 --format json",
    ),
)
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


__all__ = (
    "check_outputs",
    "check_stdin",
    "closing",
    "database_timeout",
    "rules",
    "validate",
)
