"""Compact indexes of the referenced tables, kept while the restore runs stream by.

Only ids and the few columns cross-table rules need are kept: tenancy of
environments, sets and operation runs, the backup set of each item, status and
outcome of operation runs. Ids below 2**27 are remembered in a bitmap (one bit
each), so a million-row table costs kilobytes, not the rows.
"""

from __future__ import annotations

from typing import Any

_BITMAP_LIMIT = 1 << 27
"""Ids below this live in the bitmap (16 MiB at most); larger ids in a set."""


class IdSet:
    """A set of positive integer ids: a growing bitmap for small ids, a set for the rest."""

    __slots__ = ("_big", "_bits", "_count")

    def __init__(self) -> None:
        self._bits = bytearray()
        self._big: set[int] = set()
        self._count = 0

    def add(self, key: int) -> bool:
        """Add ``key``; False when it was already there (a duplicate)."""
        if 0 < key < _BITMAP_LIMIT:
            byte = key >> 3
            bit = 1 << (key & 7)
            bits = self._bits
            if byte >= len(bits):
                bits.extend(bytes(max(byte + 1 - len(bits), len(bits), 1024)))
            if bits[byte] & bit:
                return False
            bits[byte] |= bit
        else:
            if key in self._big:
                return False
            self._big.add(key)
        self._count += 1
        return True

    def __contains__(self, key: object) -> bool:
        if type(key) is not int:
            return False
        if 0 < key < _BITMAP_LIMIT:
            byte = key >> 3
            return byte < len(self._bits) and bool(self._bits[byte] & (1 << (key & 7)))
        return key in self._big

    def __len__(self) -> int:
        return self._count


def as_id(value: Any) -> int | None:
    """An id from a raw cell (int or digit text), or None when it is not one."""
    if type(value) is int:
        return value if value > 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and value[0] != "0":
        return int(value) if len(value) <= 18 else None
    return None


class Indexes:
    """What the cross-table rules look up, filled table by table in reference order."""

    def __init__(self) -> None:
        self.present: set[str] = set()
        """Tables the source offers (a rule needing another one is skipped)."""
        self.ids: dict[str, IdSet] = {}
        """Primary keys seen per table (duplicates and existence)."""
        self.environments: dict[int, int | None] = {}
        """managed_environments.id -> workspace_id (valid rows; existence is ``ids``)."""
        self.backup_sets: dict[int, tuple[int | None, int | None]] = {}
        """backup_sets.id -> (workspace_id, managed_environment_id)."""
        self.backup_items: dict[int, int | None] = {}
        """backup_items.id -> backup_set_id."""
        self.operation_runs: dict[int, tuple[int, int | None, str, str]] = {}
        """operation_runs.id -> (workspace_id, managed_environment_id, status, outcome)."""
        self.active_snapshot: dict[int, int | None] = {}
        """operation_run_id -> the first active evidence snapshot seen for it."""
        self.snapshots: dict[int, list[dict[str, Any]]] = {}
        """operation_run_id -> its snapshots (kept only when derived proofs are checked)."""
        self.proofs: dict[int, tuple[dict[str, Any], str, int | None]] = {}
        """restore_run_id -> (proof row, source, line) of exported derived views (a column
        that could not be read is absent from the row)."""
        self.unread_snapshots: set[int] = set()
        """operation_run_id of snapshots with a column that could not be read (the evidence
        derived for such an operation run would be a guess)."""

    def ids_of(self, table: str) -> IdSet:
        """The id set of one table (created on first use)."""
        found = self.ids.get(table)
        if found is None:
            found = self.ids[table] = IdSet()
        return found


def lower_id(key: Any, than: Any) -> bool:
    """Whether ``key`` is an id below ``than`` (a row without an id never displaces one)."""
    if type(key) is not int:
        return False
    return type(than) is not int or key < than


__all__ = (
    "IdSet",
    "Indexes",
    "as_id",
    "lower_id",
)
