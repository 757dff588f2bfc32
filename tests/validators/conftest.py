"""Shared helpers of the validator tests: run the engine on rows held in memory."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from restore_contracts.config import Assumptions
from restore_contracts.generators import build_scenario
from restore_contracts.generators.world import World
from restore_contracts.validators import Finding, ValidationResult, validate
from restore_contracts.validators.readers.memory import RowsSource

SEED = 1
"""The seed every validator test builds its scenarios with."""


@lru_cache(maxsize=64)
def _scenario(name: str, seed: int) -> World:
    return build_scenario(name, seed)


def scenario(name: str, seed: int = SEED) -> World:
    """A fresh copy of a named scenario's world (built once per name and seed)."""
    return _scenario(name, seed).clone()


def run(
    tables: Mapping[str, Sequence[Any]],
    *,
    assumptions: Assumptions | None = None,
    codes: Iterable[str] | None = None,
) -> ValidationResult:
    """Validate tables of rows held in memory (source name ``world``)."""
    return validate(RowsSource(tables, "world"), assumptions, codes=codes)


def findings(tables: Mapping[str, Sequence[Any]], **kwargs: Any) -> list[Finding]:
    """The findings of :func:`run`."""
    return run(tables, **kwargs).findings


@pytest.fixture
def completed() -> World:
    """A valid completed run with its neighbours (operation run, evidence snapshot)."""
    return scenario("completed")


def write_ndjson(tables: Mapping[str, Sequence[Any]], directory: Path) -> Path:
    """Write one NDJSON file per table (``<table>.ndjson``) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        (directory / f"{table}.ndjson").write_bytes(
            b"".join(orjson.dumps(row) + b"\n" for row in rows)
        )
    return directory
