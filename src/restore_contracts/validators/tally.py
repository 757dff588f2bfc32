"""What the truth report counts of a table the engine reads anyway: rows, rows that could not be
read or stand for no row, values not read, and non-null values of the nullable columns.

Counted in the engine's pass from the rows it already decoded, so the truth report does not
read (and validate with the models) a second time the tables whose figures are only counts.
A row counts as the truth report defines it: unreadable when it is not a record at all,
invalid when it is not an object or a required column could not be read, counted otherwise,
with the columns that could not be read as null (``partial`` when the model rejected it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class TableTally:
    """One table's counts (see the module docstring)."""

    nullable: tuple[str, ...]
    """The columns whose non-null values are counted."""
    required: frozenset[str]
    rows: int = 0
    unreadable: int = 0
    invalid: int = 0
    partial: int = 0
    non_null: Counter[str] = field(default_factory=Counter)
    values_not_read: dict[str, list[Any]] = field(default_factory=dict)
    """Column -> [values not read, where the first one is]."""

    def fresh(self) -> TableTally:
        """An empty tally of the same table (a partition's)."""
        return TableTally(self.nullable, self.required)

    def merge(self, other: TableTally) -> None:
        """Add a later partition's counts (the first value not read stays the earlier one)."""
        self.unreadable += other.unreadable
        self.invalid += other.invalid
        self.partial += other.partial
        self.non_null.update(other.non_null)
        seen = self.values_not_read
        for column, (count, where) in other.values_not_read.items():
            entry = seen.setdefault(column, [0, None])
            entry[0] += count
            if entry[1] is None:
                entry[1] = where

    def whole(self, row: dict[str, Any]) -> None:
        """A row read whole."""
        non_null = self.non_null
        for column in self.nullable:
            if row.get(column) is not None:
                non_null[column] += 1

    def by_column(
        self,
        row: dict[str, Any],
        unread: frozenset[str],
        pointers: dict[str, str],
        where: str,
    ) -> None:
        """A row the model rejected, read column by column: the values not read are counted
        (with where the first one is); the row counts unless a required column is among them."""
        seen = self.values_not_read
        for column in sorted(unread):
            entry = seen.setdefault(column, [0, None])
            entry[0] += 1
            if entry[1] is None:
                entry[1] = f"{where} {pointers.get(column, '/' + column)}"
        if unread & self.required:
            self.invalid += 1
            return
        self.partial += 1
        non_null = self.non_null
        for column in self.nullable:
            if column not in unread and row.get(column) is not None:
                non_null[column] += 1


__all__ = ("TableTally",)
