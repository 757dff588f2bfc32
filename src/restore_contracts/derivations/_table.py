"""A derivation rule table row, and a derived value with the row that decided it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from restore_contracts.provenance import Provenance

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of a derivation's rule table: when this holds, the result is that.

    ``rule`` is stable under configuration changes: fixed rows are numbered,
    rows built from a configured mapping are named after their key
    (``D.completed``, ``P.blocked``), so a row keeps its id when others are
    added or overridden.
    """

    rule: str
    when: str
    then: str
    provenance: Provenance
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Decided(Generic[T]):
    """A derived value and the id of the table row that decided it.

    ``via`` names the rows that fed it (a cause family chosen from item causes
    lists the HTTP or message rows that classified those items).
    """

    value: T
    rule: str
    via: tuple[str, ...] = ()


__all__ = ("Decided", "TableRow")
