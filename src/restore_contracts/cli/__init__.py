"""The ``restore-contracts`` command line: thin click wiring over the library.

Each command module parses options, calls library functions and renders the
result; the group turns every error the library raises into a one-line
message with exit code 2, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from restore_contracts import __version__
from restore_contracts.cli import contracts as _contracts
from restore_contracts.cli import db as _db
from restore_contracts.cli import explain as _explain
from restore_contracts.cli import generate as _generate
from restore_contracts.cli import truth as _truth
from restore_contracts.cli import validate as _validate
from restore_contracts.errors import RestoreContractsError


class _CliError(click.ClickException):
    """A library error shown as one line; the toolkit's errors all exit 2."""

    exit_code = 2


class _Group(click.Group):
    """Turns the toolkit's own exceptions into one-line errors instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RestoreContractsError as exc:
            raise _CliError(exc.format_message()) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="restore-contracts")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: ./restore-contracts.toml, else ./pyproject.toml).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Contracts, fixtures and validators for the persisted truth of a restore run."""
    ctx.ensure_object(dict)["config_path"] = config_path


for _command in (
    _contracts.schemas,
    _contracts.statuses,
    _contracts.derivations,
    _contracts.fields,
    _generate.generate,
    _generate.scenarios,
    _validate.validate,
    _validate.rules,
    _truth.truth,
    _explain.explain,
    _db.db,
):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="restore-contracts")


__all__ = ("cli", "main")
