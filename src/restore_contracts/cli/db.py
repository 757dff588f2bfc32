"""``restore-contracts db``: create the mirrored tables in a database, seed worlds, show DDL."""

from __future__ import annotations

import click

from restore_contracts.db.create import init_database
from restore_contracts.db.ddl import DIALECTS, render_ddl
from restore_contracts.db.urls import DEFAULT_URL, parse_url

URL_ARGUMENT = click.argument("url", required=False, default=DEFAULT_URL, metavar="[URL]")
FOREIGN_KEYS_OPTION = click.option(
    "--foreign-keys/--no-foreign-keys",
    default=True,
    show_default=True,
    help="Create the tables with the application's foreign keys, or without them (like a "
    "copy restored without constraints, which can hold dangling references).",
)


@click.group()
def db() -> None:
    """Databases: the application's tables in PostgreSQL, MySQL/MariaDB or SQLite.

    URL is postgresql://user:password@host/db, mysql://..., mariadb://... or
    sqlite:///path/to/file.db (default: sqlite:///restore-contracts.db).
    """


@db.command("init")
@URL_ARGUMENT
@click.option(
    "--force",
    is_flag=True,
    help="Drop and recreate contract tables that restore-contracts did not create "
    "(their rows are lost).",
)
@FOREIGN_KEYS_OPTION
def init(url: str, force: bool, foreign_keys: bool) -> None:
    """Create the contract tables (idempotent); never touches tables it did not create."""
    parsed = parse_url(url)
    report = init_database(parsed, force=force, foreign_keys=foreign_keys)
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


@db.command("ddl")
@click.argument("dialect", type=click.Choice(sorted(DIALECTS)))
def ddl(dialect: str) -> None:
    """Print the DDL of the contract tables for one dialect (as in schemas/sql/)."""
    click.echo(render_ddl(dialect), nl=False)


__all__ = ("db",)
