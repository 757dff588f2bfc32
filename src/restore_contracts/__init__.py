"""restore-contracts: the persisted truth of a restore run, made executable."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ("__version__",)
