"""Generators: seeded, realistic restore-run worlds for every state the detail page shows.

``build_scenario("failed", seed=1)`` gives one named world; ``build_coverage``
the smallest set of scenarios covering every status and derived state;
``build_random`` a stream of worlds with realistic proportions;
``write_worlds`` writes any of them as JSON, NDJSON, CSV, SQL or PHP.
"""

from __future__ import annotations

from restore_contracts.generators.api import (
    COVERAGE_FACETS,
    COVERAGE_TRAITS,
    Generator,
    build_coverage,
    build_random,
    build_scenario,
    build_status,
    coverage_scenarios,
    manifest,
    merge_worlds,
)
from restore_contracts.generators.clock import DEFAULT_ANCHOR
from restore_contracts.generators.covers import derive_covers, proof_rows
from restore_contracts.generators.mutations import MUTATIONS, mutate
from restore_contracts.generators.scenarios import SCENARIOS, Scenario
from restore_contracts.generators.world import Row, World
from restore_contracts.generators.writers import DIALECTS, FORMATS, write_worlds

__all__ = (
    "COVERAGE_FACETS",
    "COVERAGE_TRAITS",
    "DEFAULT_ANCHOR",
    "DIALECTS",
    "FORMATS",
    "MUTATIONS",
    "SCENARIOS",
    "Generator",
    "Row",
    "Scenario",
    "World",
    "build_coverage",
    "build_random",
    "build_scenario",
    "build_status",
    "coverage_scenarios",
    "derive_covers",
    "manifest",
    "merge_worlds",
    "mutate",
    "proof_rows",
    "write_worlds",
)
