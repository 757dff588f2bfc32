"""Mutations: each turns a valid world into one that breaks exactly one validator rule.

Every rule of the catalogue has its mutation here, registered under the rule's
code, next to the others, so that a negative test for any rule is
``mutate(build_scenario(m.base_scenario, seed), code)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from restore_contracts.generators.world import World


@dataclass(frozen=True, slots=True)
class Mutation:
    """How to break one rule: which scenario to start from and what to change."""

    code: str
    base_scenario: str
    description: str
    apply: Callable[[World], None]
    """Changes a clone of the base world in place."""


MUTATIONS: dict[str, Mutation] = {}
"""Rule code -> its mutation."""


def mutation(
    code: str, base_scenario: str, description: str
) -> Callable[[Callable[[World], None]], Callable[[World], None]]:
    """Register the decorated function as the mutation for ``code``."""

    def register(apply: Callable[[World], None]) -> Callable[[World], None]:
        if code in MUTATIONS:
            raise ValueError(f"mutation for {code} registered twice")
        MUTATIONS[code] = Mutation(code, base_scenario, description, apply)
        return apply

    return register


def mutate(world: World, code: str) -> World:
    """A clone of ``world`` with the mutation for ``code`` applied."""
    found = MUTATIONS[code]
    mutated = world.clone(f"{world.name}+{code}")
    found.apply(mutated)
    return mutated


__all__ = ("MUTATIONS", "Mutation", "mutate", "mutation")
