"""World: one consistent set of rows around a restore run, as a database would export it.

A world holds the workspace, managed environment, backup set and items, the
restore run, its operation run (or none) and its evidence snapshots, with ids
and tenants consistent. Rows are JSON-native in the export encoding: timestamps
as ``'Y-m-d H:i:s'`` text in UTC, JSON columns as objects or lists, booleans as
``true``/``false``; writers re-encode them for CSV and SQL.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from restore_contracts.contracts import TABLE_MODELS

Row = dict[str, Any]


@dataclass(slots=True)
class World:
    """Rows by table (parents before children), and what the world was built to cover."""

    name: str
    tables: dict[str, list[Row]] = field(
        default_factory=lambda: {table: [] for table in TABLE_MODELS}
    )
    covers: dict[str, list[str]] = field(default_factory=dict)
    """Facet -> values covered, e.g. ``{"status": ["failed"], "attention": ["failed"]}``."""
    seed: int | None = None
    """The seed the world was built with (None: assembled by hand or merged); with the
    name it tells worlds apart, e.g. in file names."""

    def rows(self, table: str) -> list[Row]:
        """The rows of one table (an empty list for a table the world has none of)."""
        return self.tables.setdefault(table, [])

    def restore_run(self) -> Row:
        """The world's (first) restore run row."""
        runs = self.rows("restore_runs")
        if not runs:
            raise LookupError(f"world {self.name!r} has no restore run")
        return runs[0]

    def clone(self, name: str | None = None) -> World:
        """A deep copy, optionally renamed; mutations work on clones."""
        return World(
            name=name or self.name,
            tables=copy.deepcopy(self.tables),
            covers=copy.deepcopy(self.covers),
            seed=self.seed,
        )


__all__ = ("Row", "World")
