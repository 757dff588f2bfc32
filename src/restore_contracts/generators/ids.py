"""Ids and seeds that depend only on where a record sits, never on what came before.

Each world owns an id *block*: catalogue scenarios have a fixed block number,
random world ``k`` has block ``RANDOM_BLOCK_BASE + k``. Within a block every
table has its own slot, so an id is a pure function of (block, table,
position): adding a scenario, a world or a column shifts nothing else, and
worlds merged into one export never collide. Seeds come from a stable hash
(``hashlib``), never from ``hash()``, which differs between processes.
"""

from __future__ import annotations

import hashlib
import random

BLOCK_SIZE = 1_000_000
"""Ids one world may use in each table."""

MAX_ITEMS = 99_999
"""Backup items one world may hold (the ``backup_items`` slot)."""

TABLE_SLOTS: dict[str, int] = {
    "backup_items": 0,
    "workspaces": 100_000,
    "managed_environments": 200_000,
    "backup_sets": 300_000,
    "operation_runs": 400_000,
    "restore_runs": 500_000,
    "evidence_snapshots": 600_000,
}
"""Offset of each table inside a block; different tables never share an id value, so a
reference that points into the wrong table cannot resolve by coincidence."""

RANDOM_BLOCK_BASE = 10_000
"""Block of random world 0; catalogue scenarios use blocks below it."""


def row_id(block: int, table: str, position: int = 0) -> int:
    """The id of the ``position``-th row of ``table`` in world block ``block``."""
    return block * BLOCK_SIZE + TABLE_SLOTS[table] + position + 1


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from the parts' text, identical in every process and on every machine."""
    text = "\x1f".join(str(part) for part in parts).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def world_random(seed: int, scenario: str, index: int) -> random.Random:
    """The Random of one world, from (seed, scenario, index) alone."""
    return random.Random(stable_seed(seed, scenario, index))


class WorldSeeds:
    """``world_random`` for one (seed, scenario) stream, hashing the shared prefix once.

    Gives exactly the Randoms ``world_random(seed, scenario, index)`` gives.
    """

    __slots__ = ("_prefix",)

    def __init__(self, seed: int, scenario: str) -> None:
        self._prefix = hashlib.blake2b(f"{seed}\x1f{scenario}\x1f".encode(), digest_size=8)

    def random(self, index: int) -> random.Random:
        """The Random of world ``index`` of this stream."""
        digest = self._prefix.copy()
        digest.update(str(index).encode("ascii"))
        return random.Random(int.from_bytes(digest.digest(), "big"))


__all__ = (
    "BLOCK_SIZE",
    "MAX_ITEMS",
    "RANDOM_BLOCK_BASE",
    "TABLE_SLOTS",
    "WorldSeeds",
    "row_id",
    "stable_seed",
    "world_random",
)
