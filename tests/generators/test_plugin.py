"""The pytest plugin's fixtures, used directly and from a fresh pytest session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from restore_contracts.generators import World, build_scenario


class TestFixtures:
    """The fixtures are registered by the package's pytest11 entry point."""

    def test_restore_world_builds_scenarios(self, restore_world: Callable[..., World]) -> None:
        """restore_world(name, seed) equals build_scenario(name, seed)."""
        assert build_scenario("failed", 3).tables == restore_world("failed", seed=3).tables

    def test_restore_world_by_status(self, restore_world: Callable[..., World]) -> None:
        """restore_world(status=...) gives a world with that status."""
        assert restore_world(status="queued").restore_run()["status"] == "queued"

    def test_restore_worlds_and_files(
        self,
        restore_worlds: Callable[..., list[World]],
        restore_fixture_files: Callable[..., list[Path]],
    ) -> None:
        """restore_worlds(n) streams n worlds; restore_fixture_files writes them."""
        worlds = restore_worlds(3, items=2)
        paths = restore_fixture_files(worlds, "ndjson")
        lines = paths[3].read_text().splitlines()
        assert (len(worlds), paths[3].name, len(lines)) == (3, "backup_items.ndjson", 6)


def test_plugin_in_a_fresh_session(pytester: pytest.Pytester) -> None:
    """A project's test using restore_world with --restore-seed passes in its own session."""
    pytester.makepyfile(
        """
        def test_page(restore_world, restore_seed):
            world = restore_world("dry_run_completed")
            assert restore_seed == 5
            assert world.restore_run()["is_dry_run"] is True
        """
    )
    result = pytester.runpytest_inprocess("--restore-seed", "5", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
