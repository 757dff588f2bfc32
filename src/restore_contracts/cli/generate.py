"""Commands that make fixtures: ``generate`` worlds and list the ``scenarios`` catalogue."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sized
from pathlib import Path

import click
import orjson

from restore_contracts._io import atomic_write_bytes
from restore_contracts.cli._context import assumptions_from, examples
from restore_contracts.config import Assumptions
from restore_contracts.errors import InputError
from restore_contracts.generators import (
    MUTATIONS,
    SCENARIOS,
    World,
    coverage_scenarios,
    manifest,
    mutate,
)
from restore_contracts.generators.api import Generator, check_status, scenario_named
from restore_contracts.generators.corruptions import BASE_SCENARIO as CORRUPTION_BASE
from restore_contracts.generators.corruptions import CORRUPTIONS
from restore_contracts.generators.php import check_php_json
from restore_contracts.generators.writers import PROOF_TABLE, STDOUT, check_format, write_worlds
from restore_contracts.progress import PROGRESS_OPTION, Bar, counted, showing

SPECIAL_SCENARIOS = ("coverage", "random")
DEFAULT_RANDOM_COUNT = 10


def _check_scenario(name: str) -> str:
    if name not in SCENARIOS and name not in SPECIAL_SCENARIOS:
        valid = ", ".join([*SPECIAL_SCENARIOS, *SCENARIOS])
        raise InputError(f"unknown scenario {name!r}; valid scenarios: {valid}")
    return name


def worlds_for(
    generator: Generator,
    assumptions: Assumptions,
    *,
    scenario: str,
    status: str | None,
    count: int | None,
    items: int | None,
    code: str | None,
    file_codes: bool,
) -> Iterable[World]:
    """The worlds the world-choosing options name; ``generate`` and ``db seed`` share them.

    ``file_codes`` admits the corruption codes, whose damage is done to written
    files (their world is the corruption base, unbroken); a database cannot
    hold such damage, so ``db seed`` refuses them.
    """
    _check_scenario(scenario)
    is_random = status is not None or scenario == "random"
    if count is not None and not is_random:
        raise InputError("--count applies to --scenario random and --status only")
    if count is not None and count < 1:
        raise InputError(f"--count must be at least 1, got {count}")
    if items is not None and not is_random:
        raise InputError("--items applies to --scenario random and --status only")
    if code is not None:
        if code in MUTATIONS:
            return [mutate(generator.scenario(MUTATIONS[code].base_scenario), code)]
        if file_codes and code in CORRUPTIONS:
            return [generator.scenario(CORRUPTION_BASE)]
        codes = {*MUTATIONS, *CORRUPTIONS} if file_codes else set(MUTATIONS)
        valid = ", ".join(sorted(codes)) or "none registered yet"
        raise InputError(f"unknown mutation code {code!r}; valid codes: {valid}")
    if status is not None:
        check_status(status)
        return generator.random(count if count is not None else 1, items=items, status=status)
    if scenario == "random":
        total = count if count is not None else DEFAULT_RANDOM_COUNT
        return generator.random(total, items=items)
    if scenario == "coverage":
        return (generator.scenario(name) for name in coverage_scenarios(assumptions))
    return [generator.scenario(scenario_named(scenario).name)]


def world_total(
    worlds: Iterable[World],
    assumptions: Assumptions,
    *,
    scenario: str,
    status: str | None,
    count: int | None,
) -> int:
    """How many worlds :func:`worlds_for` yields for the same options (the bar's total)."""
    if isinstance(worlds, Sized):
        return len(worlds)
    if status is not None:
        return count if count is not None else 1
    if scenario == "random":
        return count if count is not None else DEFAULT_RANDOM_COUNT
    return len(coverage_scenarios(assumptions))


def counted_worlds(worlds: Iterable[World], bar: Bar | None) -> Iterable[World]:
    """The worlds, advancing the bar by one world and its rows each."""
    return counted(worlds, bar, lambda world: sum(len(rows) for rows in world.tables.values()))


class _Counted:
    """Passes worlds through while counting them and keeping their names and covers."""

    def __init__(self, worlds: Iterable[World], *, keep_covers: bool) -> None:
        self._worlds = worlds
        self._keep = keep_covers
        self.count = 0
        self.rows = 0
        self.kept: list[World] = []

    def __iter__(self) -> Iterator[World]:
        for world in self._worlds:
            self.count += 1
            self.rows += sum(len(rows) for rows in world.tables.values())
            if self._keep:
                self.kept.append(World(name=world.name, tables={}, covers=world.covers))
            yield world


@click.command(
    short_help="Write seeded restore-run worlds as fixture files.",
    epilog=examples(
        "restore-contracts generate --seed 1 --format ndjson --out fixtures",
        "restore-contracts generate --scenario random --count 100 --format csv --out exports",
        "restore-contracts generate --mutate RR302 --format json --out broken",
    ),
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Seed of every value and id (0-99999)."
)
@click.option(
    "--scenario",
    default="coverage",
    show_default=True,
    help="A catalogue name (see `scenarios`), `coverage` or `random`.",
)
@click.option(
    "--count",
    type=int,
    help="Worlds for --scenario random or --status (default 10/1; at most 9990000).",
)
@click.option("--status", help="Random worlds whose run has this status (overrides --scenario).")
@click.option("--items", type=int, help="Items per run for random worlds (default: realistic mix).")
@click.option("--locale", default="en_US", show_default=True, help="Faker locale of names.")
@click.option(
    "--format",
    "fmt",
    default="json",
    show_default=True,
    help="json or php (a file per world), ndjson or csv (a file per table), sql.",
)
@click.option("--dialect", help="For --format sql: postgresql (default), mysql or sqlite.")
@click.option(
    "--php-json",
    help="For --format php: JSON columns as `text` (default), the JSON text Eloquent's array "
    "cast stores, which DB::table()->insert() binds as it is (it cannot bind arrays); or "
    "`array`, PHP arrays for Model::create() or assertions on decoded values.",
)
@click.option(
    "--out", default="fixtures", show_default=True, help="Output directory, or - for stdout."
)
@click.option("--mutate", "code", help="Emit the base world of this rule's mutation, broken.")
@click.option("--anchor", help="Instant timestamps are placed around (default 2026-06-01).")
@click.option("--with-derived", is_flag=True, help="Also write the restore_run_proofs view.")
@click.option("--table", "tables", multiple=True, help="Write only these tables (repeatable).")
@PROGRESS_OPTION
@click.pass_context
def generate(
    ctx: click.Context,
    seed: int,
    scenario: str,
    count: int | None,
    status: str | None,
    items: int | None,
    locale: str,
    fmt: str,
    dialect: str | None,
    php_json: str | None,
    out: str,
    code: str | None,
    anchor: str | None,
    with_derived: bool,
    tables: tuple[str, ...],
    progress: bool | None,
) -> None:
    """Write seeded restore-run worlds as fixture files (same options, same bytes)."""
    assumptions = assumptions_from(ctx)
    check_format(fmt, dialect)
    check_php_json(fmt, php_json)
    generator = Generator(seed, locale=locale, anchor=anchor, assumptions=assumptions)
    worlds = worlds_for(
        generator,
        assumptions,
        scenario=scenario,
        status=status,
        count=count,
        items=items,
        code=code,
        file_codes=True,
    )
    corruption = CORRUPTIONS.get(code) if code is not None else None
    if corruption is not None:
        if out == STDOUT:
            raise InputError(f"--mutate {code} damages a file: give --out DIR")
        fmt = corruption.fmt
    elif code is not None:
        with_derived = with_derived or any(world.rows(PROOF_TABLE) for world in worlds)
    is_coverage = code is None and status is None and scenario == "coverage"
    counted = _Counted(worlds, keep_covers=is_coverage)
    total = world_total(worlds, assumptions, scenario=scenario, status=status, count=count)
    with showing(progress, "generate worlds", total=total) as bar:
        paths = write_worlds(
            counted_worlds(counted, bar),
            fmt,
            out,
            dialect=dialect,
            with_derived=with_derived,
            tables=tables or None,
            assumptions=assumptions,
            php_json=php_json,
        )
    to_stdout = out == STDOUT
    if corruption is not None:
        corruption.apply(Path(out))
    if is_coverage and not to_stdout:
        document = manifest(counted.kept, seed=seed, locale=locale, anchor=anchor)
        path = Path(out) / "manifest.json"
        atomic_write_bytes(path, orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
        paths.append(path)
    where = "stdout" if to_stdout else out
    click.echo(
        f"wrote {counted.count} world(s), {counted.rows} row(s) as {fmt} to {where}",
        err=to_stdout,
    )
    if not to_stdout:
        for path in paths:
            click.echo(f"  {path}")


@click.command(
    short_help="List the scenario catalogue.",
    epilog=examples(
        "restore-contracts scenarios",
        "restore-contracts scenarios --format json",
    ),
)
@click.option("--format", "fmt", default="text", show_default=True, help="text or json.")
def scenarios(fmt: str) -> None:
    """List the scenario catalogue: what each world shows and whether it is in the coverage set."""
    if fmt not in ("text", "json"):
        raise InputError(f"unknown format {fmt!r}; valid formats: text, json")
    chosen = set(coverage_scenarios())
    if fmt == "json":
        rows = [
            {
                "name": s.name,
                "description": s.description,
                "in_coverage_set": s.name in chosen,
                "covers": s.covers,
            }
            for s in SCENARIOS.values()
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for s in SCENARIOS.values():
        c = s.covers
        mark = "*" if s.name in chosen else " "
        evidence = f"{c['evidence_latest_active'][0]}/{c['evidence_latest_any'][0]}"
        click.echo(
            f"{mark} {s.name:<38} status={c['status'][0]} decision={c['decision'][0]} "
            f"attention={c['attention'][0]} proof={c['proof'][0]} evidence={evidence}"
            + (f" traits={','.join(c['traits'])}" if c["traits"] else "")
        )
        click.echo(f"    {s.description}")
    click.echo("* = in the coverage set (generate --scenario coverage); evidence = active/any")


__all__ = ("generate", "scenarios")
