"""A derivation rule table row: the documented form of one branch of a derivation."""

from __future__ import annotations

from dataclasses import dataclass

from restore_contracts.provenance import Provenance


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of a derivation's rule table: when this holds, the result is that."""

    rule: str
    when: str
    then: str
    provenance: Provenance


__all__ = ("TableRow",)
