"""Rows already in memory (generated worlds, test cases) as a :class:`Source`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from restore_contracts.validators.source import Record


class RowsSource:
    """Tables of rows held in memory; a row's location is ``name/table`` and its line
    is its 1-based position in the table. A table given with no rows is present
    (its rules run and find nothing), like an empty export file."""

    def __init__(self, tables: Mapping[str, Sequence[Any]], name: str = "memory") -> None:
        self._tables = dict(tables)
        self._name = name

    @property
    def name(self) -> str:
        """What the reports call the source."""
        return self._name

    def tables(self) -> list[str]:
        """Every table given, empty or not."""
        return list(self._tables)

    def records(self, table: str) -> Iterator[Record]:
        """The rows of one table, as they are."""
        location = f"{self._name}/{table}"
        for number, row in enumerate(self._tables.get(table, ()), start=1):
            yield Record(table, row, location, number)

    def close(self) -> None:
        """Nothing to release."""


__all__ = ("RowsSource",)
