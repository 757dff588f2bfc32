"""Covers are derived from the rows, stable across seeds, and the coverage set covers all."""

from __future__ import annotations

import pytest

from restore_contracts.config import Assumptions
from restore_contracts.generators import (
    COVERAGE_FACETS,
    SCENARIOS,
    build_coverage,
    build_random,
    build_scenario,
    coverage_scenarios,
    derive_covers,
)
from restore_contracts.generators.api import Generator
from restore_contracts.generators.covers import signature, traits_of
from restore_contracts.generators.draw import RandomSpecs
from restore_contracts.generators.ids import world_random

ALL_STATUSES = [
    "draft",
    "scoped",
    "checked",
    "previewed",
    "pending",
    "queued",
    "running",
    "completed",
    "partial",
    "failed",
    "cancelled",
    "aborted",
    "completed_with_errors",
]


class TestRandomCovers:
    """Cached covers of random worlds are what a fresh derivation gives."""

    @pytest.mark.parametrize(("seed", "locale"), [(11, "en_US"), (12, "ja_JP"), (13, "de_DE")])
    def test_cached_covers_equal_fresh_derivation(self, seed: int, locale: str) -> None:
        """For every random world, the builder-keyed covers equal derive_covers(world)."""
        worlds = list(build_random(seed, 150, locale=locale))
        assert {w.name: derive_covers(w) for w in worlds} == {w.name: w.covers for w in worlds}

    def test_builder_key_is_what_the_rows_say(self) -> None:
        """The builder's cover key equals the signature and traits read back from the rows."""
        generator = Generator(5, locale="ja_JP")
        specs = RandomSpecs(generator.anchor)
        keys, from_rows = [], []
        for index in range(200):
            rng = world_random(5, "random", index)
            world, key = generator.builder.build_keyed("w", 20_000 + index, rng, specs.draw(rng))
            keys.append(key)
            from_rows.append((*signature(world), tuple(traits_of(world))))
        assert from_rows == keys


class TestScenarioCovers:
    """A scenario covers the same facets whatever the seed or locale."""

    @pytest.mark.parametrize("name", [n for n in SCENARIOS if n != "large_10000_items"])
    def test_covers_do_not_depend_on_seed(self, name: str) -> None:
        """Seeds 1, 2 and 3 derive the scenario's declared covers; locale fr_FR too, except
        that accented Faker names may add the unicode trait."""
        expected = [SCENARIOS[name].covers] * 4
        actual = [build_scenario(name, seed).covers for seed in (1, 2, 3)]
        french = build_scenario(name, 4, locale="fr_FR").covers
        if "unicode_display_names" not in expected[0]["traits"]:
            french["traits"] = [t for t in french["traits"] if t != "unicode_display_names"]
        actual.append(french)
        assert expected == actual


class TestCoverageSet:
    """The coverage set shows every status and every derived state the page can show."""

    def test_union_covers_every_state(self) -> None:
        """All 13 statuses, 7 decisions, 5 attention states, 7 proof and 7 evidence states."""
        union: dict[str, set[str]] = {facet: set() for facet in COVERAGE_FACETS}
        traits: set[str] = set()
        for world in build_coverage(1):
            for facet in COVERAGE_FACETS:
                union[facet].update(world.covers[facet])
            traits.update(world.covers["traits"])
        expected = {
            "status": set(ALL_STATUSES),
            "decision": {
                "not_started",
                "in_progress",
                "completed",
                "partial",
                "failed",
                "cancelled",
                "preview_only",
            },
            "attention": {
                "not_executed",
                "completed",
                "partial",
                "failed",
                "completed_with_follow_up",
            },
            "proof": {
                "not_linked",
                "in_progress",
                "succeeded",
                "partially_succeeded",
                "failed",
                "blocked",
                "cancelled",
            },
            "evidence_latest_active": {
                "no_operation_run",
                "none",
                "complete",
                "partial",
                "incomplete",
            },
            "evidence_latest_any": {
                "no_operation_run",
                "none",
                "pending",
                "complete",
                "partial",
                "incomplete",
                "unavailable",
            },
        }
        assert (expected, True) == (
            union,
            {
                "evidence_policies_differ",
                "executed_without_operation_run",
                "soft_deleted_backup_set",
            }
            <= traits,
        )

    def test_coverage_set_is_the_greedy_cover(self) -> None:
        """The greedy choice is deterministic and small (pinned here)."""
        expected = [
            "failed",
            "executed_without_operation_run",
            "partial",
            "queued",
            "completed_with_follow_up",
            "cancelled",
            "soft_deleted_backup_set",
            "draft",
            "dry_run_previewed",
            "scoped",
            "checked",
            "pending",
            "running",
            "failed_blocked",
            "failed_throttled",
            "aborted",
            "completed_with_errors",
        ]
        assert expected == coverage_scenarios()

    def test_every_chosen_scenario_adds_something(self) -> None:
        """Dropping any chosen scenario loses a covered value (no passenger in the set)."""
        from restore_contracts.generators.api import _targets

        chosen = coverage_scenarios()
        targets = {name: _targets(SCENARIOS[name].covers) for name in chosen}
        everything = set().union(*targets.values())
        redundant = [
            name
            for name in chosen
            if set().union(*(t for other, t in targets.items() if other != name)) == everything
        ]
        assert redundant == []

    def test_custom_assumptions_are_honoured(self) -> None:
        """With a different evidence vocabulary mapping the derivation, covers follow it."""
        assumptions = Assumptions(active_evidence_statuses=("active", "generating"))
        world = build_scenario("evidence_latest_any_pending", 1, assumptions=assumptions)
        expected = (["pending"], ["pending"])
        assert expected == (
            world.covers["evidence_latest_active"],
            world.covers["evidence_latest_any"],
        )
