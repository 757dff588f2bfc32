"""Commands about the contracts themselves: schemas, statuses, derivations, fields."""

from __future__ import annotations

import json
from pathlib import Path

import click

from restore_contracts.cli._context import assumptions_from, examples
from restore_contracts.contracts import CONTRACTS
from restore_contracts.contracts.status import STATUS_GROUPS
from restore_contracts.derivations import TABLE_KEYS, derivation_tables
from restore_contracts.progress import PROGRESS_OPTION, showing
from restore_contracts.provenance import Provenance, contract_fields
from restore_contracts.schemas import check_schemas, file_counts, write_schemas

FORMAT = click.Choice(["text", "json"])


@click.command(
    short_help="Write or check the JSON Schemas and SQL DDL.",
    epilog=examples(
        "restore-contracts schemas --out schemas",
        "restore-contracts schemas --check",
        "restore-contracts schemas --check --dir contracts/schemas",
    ),
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Write the schemas here."
)
@click.option("--check", is_flag=True, help="Exit 1 naming each file that differs from the models.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Directory --check compares against.",
)
@PROGRESS_OPTION
def schemas(out: Path | None, check: bool, directory: Path, progress: bool | None) -> None:
    """Write or check the JSON Schemas (draft 2020-12) and the SQL DDL.

    Two schema sets: the decoded document (DIR/, JSON columns as objects and
    arrays) and one table row as text exports carry it (DIR/export/, JSON
    columns also as JSON text).
    """
    if out is None and not check:
        raise click.UsageError("give --out DIR to write the schemas or --check to compare them")
    if out is not None:
        # The total is known once the first file is written; the bar's share then follows.
        with showing(progress, "schemas", total=1, unit="files") as bar:
            paths = write_schemas(
                out, None if bar is None else lambda n, t: bar.update(rows=n, completed=n, total=t)
            )
        for path in paths:
            click.echo(f"wrote {path}")
    if check:
        drifts = check_schemas(directory)
        for drift in drifts:
            click.echo(f"{directory / drift.filename}: {drift.reason}", err=True)
        if drifts:
            click.echo(
                f"schemas are out of date: run `restore-contracts schemas --out {directory}`",
                err=True,
            )
            raise SystemExit(1)
        click.echo(f"{directory}: {file_counts()} match the models")


@click.command(
    short_help="Print the status taxonomy.",
    epilog=examples(
        "restore-contracts statuses",
        "restore-contracts statuses --format json",
        "restore-contracts statuses --config restore-contracts.toml",
    ),
)
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True)
@click.pass_context
def statuses(ctx: click.Context, fmt: str) -> None:
    """Print the status taxonomy: group, legacy mapping and decision state of each status."""
    assumptions = assumptions_from(ctx)
    rows = [
        {
            "status": status.value,
            "group": group.value,
            "resolves_to": assumptions.effective_status(status).value,
            "decision_state": assumptions.decision_of(status).value,
        }
        for status, group in STATUS_GROUPS.items()
    ]
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "statuses": rows,
                    "dry_run_decision_state": assumptions.dry_run_decision_state.value,
                },
                indent=2,
            )
        )
        return
    header = ("status", "group (repo-verified)", "resolves to (assumed)", "decision (assumed)")
    click.echo("".join(f"{h:<24}" for h in header).rstrip())
    for row in rows:
        click.echo(
            f"{row['status']:<24}{row['group']:<24}{row['resolves_to']:<24}{row['decision_state']}"
        )
    click.echo(f"dry runs: decision state {assumptions.dry_run_decision_state.value} (assumed)")


@click.command(
    short_help="Print the rule tables of the derivations.",
    epilog=examples(
        "restore-contracts derivations",
        "restore-contracts derivations --format json",
        "restore-contracts derivations --config restore-contracts.toml",
    ),
)
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True)
@click.pass_context
def derivations(ctx: click.Context, fmt: str) -> None:
    """Print every rule table the derivations execute, as the current configuration sets them.

    Row ids are stable: fixed rows are numbered, rows from a configured mapping are
    named after their key, so overriding one entry never renumbers the others.
    """
    tables = derivation_tables(assumptions_from(ctx))
    if fmt == "json":
        payload = {
            name: [
                {
                    "rule": r.rule,
                    "when": r.when,
                    "then": r.then,
                    "provenance": r.provenance.value,
                    "note": r.note,
                }
                for r in rows
            ]
            for name, rows in tables.items()
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    for name, rows in tables.items():
        click.echo(f"== {name}  (configure: {', '.join(TABLE_KEYS[name])})")
        width = max(len(r.rule) for r in rows)
        for r in rows:
            note = f"  ({r.note})" if r.note else ""
            click.echo(f"  {r.rule:<{width}} [{r.provenance.value}] if {r.when} -> {r.then}{note}")


@click.command(
    short_help="List contract fields with their provenance.",
    epilog=examples(
        "restore-contracts fields",
        "restore-contracts fields restore_run",
        "restore-contracts fields --provenance assumed --format json",
    ),
)
@click.argument("contract", required=False, type=click.Choice(sorted(CONTRACTS)))
@click.option(
    "--provenance",
    "label",
    type=click.Choice([p.value for p in Provenance]),
    help="Only fields with this label.",
)
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True)
def fields(contract: str | None, label: str | None, fmt: str) -> None:
    """List contract fields with their provenance (e.g. every assumed field).

    Fields of nested models that are not contracts themselves are listed by path:
    ``items.*.status`` for a value of a map, ``foundations[].type`` for a list entry.
    """
    names = [contract] if contract else list(CONTRACTS)
    rows = []
    own = tuple(CONTRACTS.values())
    for name in names:
        for path, prov, note in contract_fields(CONTRACTS[name], stop=own):
            if label and prov.value != label:
                continue
            rows.append({"contract": name, "field": path, "provenance": prov.value, "note": note})
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        note = f"  ({row['note']})" if row["note"] else ""
        click.echo(f"{row['contract']}.{row['field']:<28} {row['provenance']}{note}")


__all__ = ("derivations", "fields", "schemas", "statuses")
