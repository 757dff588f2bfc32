"""The ``restore-contracts`` command line: thin click wiring over the library.

Each command module parses options, calls library functions and renders the
result; the group turns every error the library raises, and every error the
operating system reports (a file that cannot be written, a full disk, a
closed stdin), into a one-line message with exit code 2, never a traceback:
exit 1 means "findings" and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import click

from restore_contracts import __version__
from restore_contracts.cli import contracts as _contracts
from restore_contracts.cli import db as _db
from restore_contracts.cli import explain as _explain
from restore_contracts.cli import generate as _generate
from restore_contracts.cli import truth as _truth
from restore_contracts.cli import validate as _validate
from restore_contracts.cli._context import CONFIG_OPTION, config_option, examples
from restore_contracts.errors import RestoreContractsError, mask_urls, os_error_message


class _CliError(click.ClickException):
    """A library error shown as one line; the toolkit's errors all exit 2."""

    exit_code = 2


class _Group(click.Group):
    """Turns the toolkit's own exceptions and OS errors into one-line errors, never tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RestoreContractsError as exc:
            raise _CliError(mask_urls(exc.format_message())) from None
        except OSError as exc:
            raise _CliError(mask_urls(os_error_message(exc))) from None


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=examples(
        "restore-contracts generate --format ndjson --out fixtures",
        "restore-contracts validate fixtures/",
        "restore-contracts truth sqlite:///restore-contracts.db",
    ),
)
@click.version_option(__version__, prog_name="restore-contracts")
@config_option
def cli() -> None:
    """Contracts, fixtures and validators for the persisted truth of a restore run."""


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


def _accept_config_everywhere(group: click.Group) -> None:
    """``--config`` after any subcommand too (``validate --config x.toml``), same meaning."""
    for command in group.commands.values():
        if not any(param.name == CONFIG_OPTION for param in command.params):
            config_option(command)
        if isinstance(command, click.Group):
            _accept_config_everywhere(command)


_accept_config_everywhere(cli)


class Terminated(BaseException):
    """SIGTERM, raised where the process is, so that cleanup runs as it does on Ctrl-C.

    A BaseException like KeyboardInterrupt: no ``except Exception`` swallows it,
    and every ``finally`` and atomic writer on the way out removes what it left.
    """


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """SIGTERM unwinds the stack (temporary files removed) and exits 143, as a shell expects."""
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    except Terminated:
        click.echo("restore-contracts: terminated", err=True)
        raise SystemExit(128 + signal.SIGTERM) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def _flush_stdout() -> int:
    """Flush stdout before exiting: a full disk or a closed pipe there is an error (exit 2),
    not an exit 0 with the report lost."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        with contextlib.suppress(OSError):
            # the interpreter flushes again at exit: point stdout somewhere that cannot fail
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        click.echo(f"Error: cannot write to stdout: {exc.strerror or exc}", err=True)
        return 2
    return 0


def main() -> None:
    """Console-script entry point."""
    code: int | str | None = 0
    with _terminate_cleanly():
        try:
            cli(prog_name="restore-contracts")
        except SystemExit as exc:
            code = exc.code
    flushed = _flush_stdout()
    raise SystemExit(flushed or code)


__all__ = ("Terminated", "cli", "main")
