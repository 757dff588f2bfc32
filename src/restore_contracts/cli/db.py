"""``restore-contracts db``: create the mirrored tables in a database, seed worlds, show DDL."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import click

from restore_contracts.cli import generate as _generate
from restore_contracts.cli._context import assumptions_from, examples, timeout_option
from restore_contracts.cli.validate import database_timeout
from restore_contracts.db.urls import DEFAULT_URL, DatabaseUrl, parse_url
from restore_contracts.errors import InputError
from restore_contracts.generators import World
from restore_contracts.generators.api import Generator
from restore_contracts.progress import PROGRESS_OPTION, showing

DIALECT_NAMES = ("mysql", "postgresql", "sqlite")
"""The dialects ``db ddl`` renders (``restore_contracts.db.ddl.DIALECTS``, named here so the
command line does not import SQLAlchemy to list them)."""

URL_ARGUMENT = click.argument("url", required=False, default=DEFAULT_URL, metavar="[URL]")
FOREIGN_KEYS_OPTION = click.option(
    "--foreign-keys/--no-foreign-keys",
    default=True,
    show_default=True,
    help="Create the tables with the application's foreign keys, or without them (like a "
    "copy restored without constraints, which can hold dangling references).",
)
WAIT_OPTION = click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another db init or db seed working on the same database "
    "before giving up.",
)


@click.group(
    short_help="Create, seed and describe databases of the contract tables.",
    epilog=examples(
        "restore-contracts db init postgresql://postgres@127.0.0.1/restore",
        "restore-contracts db seed mysql://root@127.0.0.1/restore --replace",
        "restore-contracts db ddl postgresql",
    ),
)
def db() -> None:
    """Databases: the application's tables in PostgreSQL, MySQL/MariaDB or SQLite.

    URL is postgresql://user:password@host/db, mysql://..., mariadb://... or
    sqlite:///path/to/file.db (default: sqlite:///restore-contracts.db).
    """


@db.command(
    "init",
    short_help="Create the contract tables (idempotent).",
    epilog=examples(
        "restore-contracts db init",
        "restore-contracts db init postgresql://postgres@127.0.0.1/restore",
        "restore-contracts db init mysql://root@127.0.0.1/restore --no-foreign-keys",
    ),
)
@URL_ARGUMENT
@click.option(
    "--force",
    is_flag=True,
    help="Drop and recreate contract tables that restore-contracts did not create "
    "(their rows are lost).",
)
@FOREIGN_KEYS_OPTION
@WAIT_OPTION
@timeout_option
def init(url: str, force: bool, foreign_keys: bool, wait: float, timeout: float) -> None:
    """Create the contract tables (idempotent); never touches tables it did not create."""
    from restore_contracts.db.create import init_database
    from restore_contracts.db.database import ensure_database

    parsed = parse_url(url)
    with database_timeout(timeout):
        _say_created(parsed, ensure_database(parsed, "cannot initialise"))
        report = init_database(parsed, force=force, foreign_keys=foreign_keys, wait=wait)
    for name in report.created:
        click.echo(f"created  {name}")
    for name in report.replaced:
        click.echo(f"replaced {name}")
    for name in report.kept:
        click.echo(f"kept     {name} (created earlier by restore-contracts)")
    click.echo(
        f"{parsed}: {len(report.created)} created, {len(report.replaced)} replaced, "
        f"{len(report.kept)} kept"
    )


def _say_created(url: DatabaseUrl, created: bool) -> None:
    if created:
        click.echo(f"created database {url.url.database!r} (it did not exist)")


WORLD_OPTIONS = ("seed", "scenario", "count", "status", "items", "locale", "code", "anchor")
"""The options of ``generate`` that choose worlds; ``db seed`` takes exactly these."""


def world_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the world-choosing options of ``generate`` (the same option objects)."""
    params = {param.name: param for param in _generate.generate.params}
    shared = [params[name] for name in WORLD_OPTIONS]
    command.__click_params__ = [  # type: ignore[attr-defined]
        *getattr(command, "__click_params__", []),
        *reversed(shared),
    ]
    return command


def select_worlds(
    ctx: click.Context,
    *,
    seed: int,
    scenario: str,
    count: int | None,
    status: str | None,
    items: int | None,
    locale: str,
    code: str | None,
    anchor: str | None,
) -> Iterable[World]:
    """The worlds ``generate`` would write for the same options, streamed."""
    assumptions = assumptions_from(ctx)
    generator = Generator(seed, locale=locale, anchor=anchor, assumptions=assumptions)
    return _generate.worlds_for(
        generator,
        assumptions,
        scenario=scenario,
        status=status,
        count=count,
        items=items,
        code=code,
        file_codes=False,
    )


REPLACE_HINT = (
    "; the tables already hold rows with these ids (seeded before?): add --replace to "
    "delete their rows first, in the same transaction"
)


@contextlib.contextmanager
def _replace_hint(url: DatabaseUrl, replace: bool) -> Iterator[None]:
    """A duplicate key while seeding without --replace says what to do, not only what broke."""
    try:
        yield
    except InputError as exc:
        if replace or not str(exc).startswith(f"cannot seed {url.masked}: duplicate key: "):
            raise
        raise InputError(str(exc) + REPLACE_HINT) from None


@db.command(
    "seed",
    short_help="Insert generated worlds in one transaction.",
    epilog=examples(
        "restore-contracts db seed --scenario coverage --seed 1",
        "restore-contracts db seed postgresql://postgres@127.0.0.1/restore --replace",
        "restore-contracts db seed mysql://root@127.0.0.1/app --into-existing --scenario random",
    ),
)
@URL_ARGUMENT
@world_options
@click.option(
    "--replace",
    is_flag=True,
    help="Delete the rows of the tables first (in the same transaction).",
)
@click.option(
    "--into-existing",
    is_flag=True,
    help="Write into the tables the application's own migrations made: the contract's "
    "columns that exist there, values fitted to each column's type, other columns left to "
    "their defaults; nothing is created, dropped or altered.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Rows per multi-row insert.",
)
@FOREIGN_KEYS_OPTION
@WAIT_OPTION
@timeout_option
@PROGRESS_OPTION
@click.pass_context
def seed(
    ctx: click.Context,
    /,
    url: str,
    replace: bool,
    into_existing: bool,
    batch_size: int,
    foreign_keys: bool,
    wait: float,
    timeout: float,
    progress: bool | None,
    **options: Any,
) -> None:
    """Insert generated worlds in one transaction (all or nothing), creating the tables first.

    Takes the world options of `generate` and inserts exactly the worlds it
    would write. Only tables `db init` created are written to, unless
    --into-existing: then the application's own tables, as they are.
    """
    from restore_contracts.db.database import ensure_database
    from restore_contracts.db.seed import seed_worlds

    parsed = parse_url(url)
    worlds = select_worlds(ctx, **options)
    # The application's timezone (configuration key ``timezone``, default UTC).
    assumptions = assumptions_from(ctx)
    timezone = assumptions.timezone
    total = _generate.world_total(
        worlds,
        assumptions,
        scenario=options["scenario"],
        status=options["status"],
        count=options["count"],
    )
    with (
        database_timeout(timeout),
        _replace_hint(parsed, replace),
        showing(progress, f"db seed {parsed}", total=total) as bar,
    ):
        # --into-existing writes into the application's tables: a missing database is an error
        if not into_existing:
            _say_created(parsed, ensure_database(parsed, "cannot seed"))
        report = seed_worlds(
            parsed,
            _generate.counted_worlds(worlds, bar),
            batch_size=batch_size,
            replace=replace,
            foreign_keys=foreign_keys,
            into_existing=into_existing,
            wait=wait,
            timezone=timezone,
        )
    for table, rows in report.rows.items():
        click.echo(f"{table:<22}{rows:>9}")
    for table, rows in report.not_persisted.items():
        click.echo(f"{table:<22}{rows:>9}  (derived view, not a table: not written)")
    click.echo(
        f"{parsed}: seeded {report.worlds} world(s), {report.total} row(s) in one transaction"
    )


@db.command(
    "ddl",
    short_help="Print the DDL of the contract tables.",
    epilog=examples(
        "restore-contracts db ddl postgresql",
        "restore-contracts db ddl mysql > schema.sql",
    ),
)
@click.argument("dialect", type=click.Choice(DIALECT_NAMES))
def ddl(dialect: str) -> None:
    """Print the DDL of the contract tables for one dialect (as in schemas/sql/)."""
    from restore_contracts.db.ddl import render_ddl

    click.echo(render_ddl(dialect), nl=False)


__all__ = ("WORLD_OPTIONS", "db", "select_worlds", "world_options")
