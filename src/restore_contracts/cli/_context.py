"""What every command shares: the configuration loaded once per invocation."""

from __future__ import annotations

from pathlib import Path

import click

from restore_contracts.config import Assumptions, load_assumptions


def assumptions_from(ctx: click.Context) -> Assumptions:
    """The configuration for this invocation (``--config`` or discovered), loaded on first use."""
    obj = ctx.ensure_object(dict)
    if "assumptions" not in obj:
        config_path: Path | None = obj.get("config_path")
        obj["assumptions"] = load_assumptions(config_path)
    value: Assumptions = obj["assumptions"]
    return value


__all__ = ("assumptions_from",)
