"""Building worlds: named scenarios, the coverage set, random and per-status streams.

Every function takes the seed and options explicitly and owns its Random and
Faker pools; the same arguments give the same worlds in any process, on any
day. Random streams are generators: ``build_random(seed, 1_000_000)`` never
holds more than one world.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from restore_contracts.config import Assumptions
from restore_contracts.errors import InputError
from restore_contracts.generators.builder import ALL_STATUSES, WorldBuilder
from restore_contracts.generators.clock import format_epoch, parse_anchor
from restore_contracts.generators.covers import CoverCache, derive_covers
from restore_contracts.generators.draw import RandomSpecs
from restore_contracts.generators.ids import (
    MAX_ITEMS,
    RANDOM_BLOCK_BASE,
    WorldSeeds,
    check_count,
    check_seed,
    world_block,
    world_random,
)
from restore_contracts.generators.pools import check_locale, pools_for
from restore_contracts.generators.scenarios import SCENARIOS, Scenario
from restore_contracts.generators.world import World

COVERAGE_FACETS = (
    "status",
    "decision",
    "attention",
    "proof",
    "evidence_latest_active",
    "evidence_latest_any",
)
"""Facets whose every value the coverage set must show."""

COVERAGE_TRAITS = (
    "evidence_policies_differ",
    "several_snapshots_policies_differ",
    "executed_without_operation_run",
    "soft_deleted_backup_set",
)
"""Traits the coverage set must also show: things the detail page renders differently."""

Anchor = str | datetime | None


class Generator:
    """Builds worlds for one (seed, locale, anchor, assumptions)."""

    def __init__(
        self,
        seed: int,
        *,
        locale: str = "en_US",
        anchor: Anchor = None,
        assumptions: Assumptions | None = None,
    ) -> None:
        self.seed = check_seed(seed)
        self.locale = check_locale(locale)
        self.anchor = parse_anchor(anchor)
        self.assumptions = assumptions or Assumptions()
        self.builder = WorldBuilder(pools_for(seed, locale), self.anchor)
        self._covers = CoverCache(self.assumptions)

    def scenario(self, name: str) -> World:
        """The world of a named scenario, its covers derived afresh."""
        scenario = scenario_named(name)
        scenario.spec.check()
        rng = world_random(self.seed, name, 0)
        world = self.builder.build(name, world_block(self.seed, scenario.block), rng, scenario.spec)
        world.seed = self.seed
        world.covers = derive_covers(world, self.assumptions)
        return world

    def random(
        self,
        count: int,
        *,
        start: int = 0,
        items: int | None = None,
        status: str | None = None,
    ) -> Iterator[World]:
        """``count`` random worlds (indexes ``start``...), streamed one at a time.

        The arguments are checked here, when the stream is made, not when its
        first world is drawn: a refusal comes before anything is written.
        """
        check_count(count, start)
        if items is not None and not 1 <= items <= MAX_ITEMS:
            raise InputError(f"items per run must be between 1 and {MAX_ITEMS}, got {items}")
        if status is not None:
            check_status(status)
        return self._random(count, start, items, status)

    def _random(
        self, count: int, start: int, items: int | None, status: str | None
    ) -> Iterator[World]:
        specs = RandomSpecs(self.anchor, items=items, status=status)
        label = "random" if status is None else f"status:{status}"
        prefix = "random" if status is None else status
        build = self.builder.build_keyed
        covers = self._covers.covers_by_key
        seeds = WorldSeeds(self.seed, label).random
        first = world_block(self.seed, RANDOM_BLOCK_BASE)
        for index in range(start, start + count):
            rng = seeds(index)
            world, key = build(f"{prefix}-{index}", first + index, rng, specs.draw(rng))
            world.seed = self.seed
            world.covers = covers(world, key)
            yield world


def check_status(status: str) -> str:
    """The status if it is one of the 13, else a one-line error listing them."""
    if status not in ALL_STATUSES:
        raise InputError(f"unknown status {status!r}; valid statuses: {', '.join(ALL_STATUSES)}")
    return status


def scenario_named(name: str) -> Scenario:
    """The catalogue scenario called ``name``, else a one-line error listing them all."""
    scenario = SCENARIOS.get(name)
    if scenario is None:
        raise InputError(f"unknown scenario {name!r}; valid scenarios: {', '.join(SCENARIOS)}")
    return scenario


def build_scenario(
    name: str,
    seed: int,
    *,
    locale: str = "en_US",
    anchor: Anchor = None,
    assumptions: Assumptions | None = None,
) -> World:
    """The world of one named scenario."""
    return Generator(seed, locale=locale, anchor=anchor, assumptions=assumptions).scenario(name)


_COVERS: dict[str, dict[str, list[str]]] = {}


def scenario_covers(name: str) -> dict[str, list[str]]:
    """What a scenario covers under the default configuration (computed once, then cached)."""
    if name not in _COVERS:
        _COVERS[name] = build_scenario(name, 0).covers
    return _COVERS[name]


def coverage_scenarios(assumptions: Assumptions | None = None) -> list[str]:
    """The smallest set of scenarios (greedy set cover, catalogue order on ties) covering
    every status, decision, attention, proof and evidence value the catalogue produces,
    plus :data:`COVERAGE_TRAITS`."""
    if assumptions is None or assumptions == Assumptions():
        covers = {name: scenario_covers(name) for name in SCENARIOS}
    else:
        generator = Generator(0, assumptions=assumptions)
        covers = {name: generator.scenario(name).covers for name in SCENARIOS}
    wanted = {name: _targets(value) for name, value in covers.items()}
    missing = set().union(*wanted.values())
    chosen: list[str] = []
    while missing:
        best = max(SCENARIOS, key=lambda name: len(wanted[name] & missing))
        chosen.append(best)
        missing -= wanted[best]
    return chosen


def _targets(covers: dict[str, list[str]]) -> set[tuple[str, str]]:
    targets = {(facet, value) for facet in COVERAGE_FACETS for value in covers.get(facet, [])}
    targets |= {("traits", t) for t in covers.get("traits", []) if t in COVERAGE_TRAITS}
    return targets


def build_coverage(
    seed: int,
    *,
    locale: str = "en_US",
    anchor: Anchor = None,
    assumptions: Assumptions | None = None,
) -> Iterator[World]:
    """The worlds of :func:`coverage_scenarios`, in that order."""
    generator = Generator(seed, locale=locale, anchor=anchor, assumptions=assumptions)
    for name in coverage_scenarios(assumptions):
        yield generator.scenario(name)


def build_random(
    seed: int,
    count: int,
    *,
    locale: str = "en_US",
    anchor: Anchor = None,
    items: int | None = None,
    status: str | None = None,
    start: int = 0,
    assumptions: Assumptions | None = None,
) -> Iterator[World]:
    """``count`` random worlds with realistic proportions, streamed (``status`` filters)."""
    generator = Generator(seed, locale=locale, anchor=anchor, assumptions=assumptions)
    return generator.random(count, start=start, items=items, status=status)


def build_status(
    status: str,
    seed: int,
    *,
    index: int = 0,
    locale: str = "en_US",
    anchor: Anchor = None,
    items: int | None = None,
    assumptions: Assumptions | None = None,
) -> World:
    """One random world whose run has ``status`` (the ``index``-th of that status's stream)."""
    stream = build_random(
        seed,
        1,
        start=index,
        locale=locale,
        anchor=anchor,
        items=items,
        status=check_status(status),
        assumptions=assumptions,
    )
    return next(stream)


def merge_worlds(worlds: Iterable[World], name: str = "merged") -> World:
    """One world holding every row of ``worlds`` (tables in order); refuses duplicate ids."""
    merged = World(name=name)
    seen: dict[str, set[Any]] = {}
    union: dict[str, set[str]] = {}
    for world in worlds:
        for table, rows in world.tables.items():
            ids = seen.setdefault(table, set())
            target = merged.rows(table)
            for row in rows:
                key = row.get("id", row.get("restore_run_id"))
                if key in ids:
                    raise InputError(
                        f"cannot merge world {world.name!r}: {table} id {key} already present"
                    )
                ids.add(key)
                target.append(row)
        for facet, values in world.covers.items():
            union.setdefault(facet, set()).update(values)
    merged.covers = {facet: sorted(values) for facet, values in union.items()}
    return merged


def manifest(
    worlds: Iterable[World], *, seed: int, locale: str, anchor: Anchor = None
) -> dict[str, Any]:
    """scenario -> description and covers, plus the union of everything covered."""
    scenarios: dict[str, Any] = {}
    union: dict[str, set[str]] = {}
    for world in worlds:
        scenario = SCENARIOS.get(world.name)
        scenarios[world.name] = {
            "description": scenario.description if scenario else None,
            "covers": world.covers,
        }
        for facet, values in world.covers.items():
            union.setdefault(facet, set()).update(values)
    return {
        "seed": seed,
        "locale": locale,
        "anchor": format_epoch(parse_anchor(anchor)),
        "scenarios": scenarios,
        "union": {facet: sorted(union[facet]) for facet in union},
    }


__all__ = (
    "COVERAGE_FACETS",
    "COVERAGE_TRAITS",
    "Generator",
    "build_coverage",
    "build_random",
    "build_scenario",
    "build_status",
    "check_status",
    "coverage_scenarios",
    "manifest",
    "merge_worlds",
    "scenario_covers",
    "scenario_named",
)
