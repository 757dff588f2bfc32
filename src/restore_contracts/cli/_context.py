"""What every command shares: the configuration loaded once per invocation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from restore_contracts.config import Assumptions, load_assumptions
from restore_contracts.errors import InputError

CONFIG_OPTION = "config_path"
"""The parameter name of ``--config`` on the group and on every subcommand."""

_F = TypeVar("_F", bound=Callable[..., Any])


def _remember_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    """Store ``--config`` for the whole invocation, wherever on the command line it was given."""
    if value is None:
        return
    obj = ctx.find_root().ensure_object(dict)
    earlier: Path | None = obj.get(CONFIG_OPTION)
    if earlier is not None and earlier != value:
        raise InputError(f"--config given twice with different files: {earlier} and {value}")
    obj[CONFIG_OPTION] = value


def config_option(command: _F) -> _F:
    """Give a command (or group) ``--config FILE``; before or after a subcommand, one meaning."""
    return click.option(
        "--config",
        CONFIG_OPTION,
        type=click.Path(dir_okay=False, path_type=Path),
        expose_value=False,
        callback=_remember_config,
        help="Configuration file (default: ./restore-contracts.toml, else ./pyproject.toml).",
    )(command)


DEFAULT_TIMEOUT = 30.0
"""Seconds of ``--timeout`` (restore_contracts.db.engine.DEFAULT_TIMEOUT, named here so the
command line does not import SQLAlchemy to show its help)."""


MAX_TIMEOUT = 86400.0
"""The longest --timeout (a day): anything longer is a mistake, not a wait."""


def _check_timeout(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if not 0 < value <= MAX_TIMEOUT:  # also refuses nan
        raise InputError(
            f"--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, "
            f"got {value:g}"
        )
    return value


def timeout_option(command: _F) -> _F:
    """Give a command that reads databases ``--timeout SECONDS``."""
    return click.option(
        "--timeout",
        type=float,
        callback=_check_timeout,
        default=DEFAULT_TIMEOUT,
        show_default=True,
        help="Seconds any one database wait may last (reading: connecting, a lock, a "
        "statement, an answer from the server; writing: connecting).",
    )(command)


def examples(*lines: str) -> str:
    """A help epilog listing example command lines, kept as written (click's ``\\b``)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def assumptions_from(ctx: click.Context) -> Assumptions:
    """The configuration for this invocation (``--config`` or discovered), loaded on first use."""
    obj = ctx.find_root().ensure_object(dict)
    if "assumptions" not in obj:
        config_path: Path | None = obj.get(CONFIG_OPTION)
        obj["assumptions"] = load_assumptions(config_path)
    value: Assumptions = obj["assumptions"]
    return value


__all__ = (
    "CONFIG_OPTION",
    "DEFAULT_TIMEOUT",
    "assumptions_from",
    "config_option",
    "examples",
    "timeout_option",
)
