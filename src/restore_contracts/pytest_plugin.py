"""pytest plugin: fixtures that build restore-run worlds in your own tests.

Installed with the package and registered through the ``pytest11`` entry
point, so any project that depends on restore-contracts gets the fixtures
without configuration::

    def test_failed_run_page(restore_world):
        world = restore_world("failed", seed=1)
        assert world.restore_run()["status"] == "failed"

``--restore-seed N`` changes the default seed of every fixture for a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from restore_contracts.generators import World


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--restore-seed``: the default seed of the restore-contracts fixtures."""
    group = parser.getgroup("restore-contracts")
    group.addoption(
        "--restore-seed",
        type=int,
        default=1,
        help="default seed of restore_world / restore_worlds (default 1)",
    )


@pytest.fixture
def restore_seed(request: pytest.FixtureRequest) -> int:
    """The default seed for this run (``--restore-seed``, else 1)."""
    value: int = request.config.getoption("--restore-seed")
    return value


WorldFactory = Callable[..., "World"]


@pytest.fixture
def restore_world(restore_seed: int) -> WorldFactory:
    """A factory: ``restore_world(scenario="completed", seed=None, *, locale, anchor, status,
    mutate)`` returns one World (a catalogue scenario, a random world with ``status``, or
    the world of a rule's mutation)."""

    def build(
        scenario: str = "completed",
        seed: int | None = None,
        *,
        locale: str = "en_US",
        anchor: str | datetime | None = None,
        status: str | None = None,
        mutate: str | None = None,
    ) -> World:
        from restore_contracts.generators import MUTATIONS, build_scenario, build_status
        from restore_contracts.generators import mutate as apply_mutation

        chosen = restore_seed if seed is None else seed
        if mutate is not None:
            if mutate not in MUTATIONS:
                raise LookupError(f"no mutation for {mutate!r}; known: {sorted(MUTATIONS)}")
            base = build_scenario(
                MUTATIONS[mutate].base_scenario, chosen, locale=locale, anchor=anchor
            )
            return apply_mutation(base, mutate)
        if status is not None:
            return build_status(status, chosen, locale=locale, anchor=anchor)
        return build_scenario(scenario, chosen, locale=locale, anchor=anchor)

    return build


@pytest.fixture
def restore_worlds(restore_seed: int) -> Callable[..., list[World]]:
    """A factory: ``restore_worlds(count, seed=None, **options)`` returns random worlds
    (``status=``, ``items=``, ``locale=``, ``anchor=`` as for ``build_random``)."""

    def build(count: int, seed: int | None = None, **options: object) -> list[World]:
        from restore_contracts.generators import build_random

        chosen = restore_seed if seed is None else seed
        return list(build_random(chosen, count, **options))  # type: ignore[arg-type]

    return build


@pytest.fixture
def restore_fixture_files(tmp_path: Path) -> Callable[..., list[Path]]:
    """A factory: ``restore_fixture_files(worlds, fmt="json", **options)`` writes worlds
    under a temporary directory (as ``generate`` would) and returns the files."""

    def write(worlds: Iterable[World], fmt: str = "json", **options: object) -> list[Path]:
        from restore_contracts.generators.writers import write_worlds

        return write_worlds(worlds, fmt, tmp_path / "fixtures", **options)  # type: ignore[arg-type]

    return write


__all__ = (
    "pytest_addoption",
    "restore_fixture_files",
    "restore_seed",
    "restore_world",
    "restore_worlds",
)
