"""Every generated world satisfies every invariant of a VALID world."""

from __future__ import annotations

import pytest

from restore_contracts.generators import (
    SCENARIOS,
    World,
    build_coverage,
    build_random,
    build_scenario,
)
from tests.generators.invariants import violations

RANDOM_WORLDS = 300


class TestInvariants:
    """The coverage set, the catalogue and a few hundred random worlds are valid."""

    def test_coverage_set_is_valid(self) -> None:
        """No world of the coverage set breaks an invariant."""
        problems = {w.name: violations(w) for w in build_coverage(1)}
        assert {name: [] for name in problems} == problems

    @pytest.mark.parametrize("name", [n for n in SCENARIOS if n != "large_10000_items"])
    def test_catalogue_scenario_is_valid(self, name: str) -> None:
        """Each catalogue scenario is valid for two seeds."""
        expected: list[list[str]] = [[], []]
        assert expected == [violations(build_scenario(name, seed)) for seed in (1, 2)]

    def test_large_scenario_is_valid(self) -> None:
        """The 10,000-item scenario is valid and really has 10,000 items."""
        world = build_scenario("large_10000_items", 1)
        expected: tuple[list[str], int] = ([], 10_000)
        assert expected == (violations(world), len(world.restore_run()["results"]["items"]))

    def test_random_worlds_are_valid(self) -> None:
        """A few hundred random worlds (all profiles, all dates) break nothing."""
        problems = {w.name: violations(w) for w in build_random(7, RANDOM_WORLDS)}
        expected: dict[str, list[str]] = {}
        assert expected == {name: found for name, found in problems.items() if found}

    @pytest.mark.parametrize("locale", ["de_DE", "ja_JP", "fr_FR"])
    def test_other_locales_are_valid(self, locale: str) -> None:
        """Worlds built with other Faker locales are valid too."""
        worlds = list(build_random(3, 40, locale=locale))
        assert {w.name: [] for w in worlds} == {w.name: violations(w) for w in worlds}


class TestInvariantChecker:
    """The checker used above does catch broken worlds (so the tests above can fail)."""

    @staticmethod
    def _broken(change: str) -> World:
        world = build_scenario("completed", 1)
        run = world.restore_run()
        if change == "T1":
            world.rows("managed_environments")[0]["workspace_id"] += 1
        elif change == "L5":
            run["failure_reason"] = "boom"
        elif change == "M1":
            run["metadata"]["succeeded"] += 1
        elif change == "O2":
            world.rows("operation_runs")[0]["workspace_id"] += 1
        elif change == "V3":
            world.rows("evidence_snapshots").append(
                dict(world.rows("evidence_snapshots")[0], id=99)
            )
        return world

    @pytest.mark.parametrize("code", ["T1", "L5", "M1", "O2", "V3"])
    def test_checker_reports_the_broken_invariant(self, code: str) -> None:
        """Breaking one invariant by hand is reported under that invariant's code."""
        found = {message.split(":")[0] for message in violations(self._broken(code))}
        expected = (
            {code} | ({"M2"} if code == "M1" else set()) | ({"V1"} if code == "O2" else set())
        )
        assert expected == found
