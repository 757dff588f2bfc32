"""Ids and seeds that depend only on where a record sits, never on what came before.

Each world owns an id *block*: catalogue scenarios have a fixed block number,
random world ``k`` has block ``RANDOM_BLOCK_BASE + k``, and each seed has a
range of blocks of its own (:func:`world_block`). Within a block every table
has its own slot, so an id is a pure function of (seed, block, table,
position): adding a scenario, a world or a column shifts nothing else, and
worlds merged into one export never collide, not even two worlds of one
scenario built with different seeds. Seeds come from a stable hash
(``hashlib``), never from ``hash()``, which differs between processes.
"""

from __future__ import annotations

import hashlib
import random

from restore_contracts.errors import InputError

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

DEFAULT_SEED = 1
"""The seed ``generate`` and the pytest fixtures use unless told otherwise."""

SEEDS = 100_000
"""Seeds are 0 .. SEEDS - 1: each has a range of id blocks of its own."""

BLOCKS_PER_SEED = 10_000_000
"""Blocks of one seed. SEEDS x BLOCKS_PER_SEED x BLOCK_SIZE = 10^18: every id has at most
18 digits (what the contracts accept as an item key, well inside every database's BIGINT),
and no two (seed, world) pairs ever share an id."""

MAX_RANDOM_WORLDS = BLOCKS_PER_SEED - RANDOM_BLOCK_BASE
"""Random worlds one seed can give (indexes 0 .. MAX_RANDOM_WORLDS - 1)."""


def check_seed(seed: object) -> int:
    """The seed if it is an integer in 0 .. SEEDS - 1, else a one-line error."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEEDS:
        raise InputError(f"--seed must be an integer from 0 to {SEEDS - 1}, got {seed!r}")
    return seed


def check_count(count: int, start: int = 0) -> int:
    """The number of random worlds if ``start .. start + count`` fits a seed's id range."""
    if count < 0 or start < 0:
        raise InputError("--count and the start index must not be negative")
    if start + count > MAX_RANDOM_WORLDS:
        raise InputError(
            f"--count (plus the start index) must be at most {MAX_RANDOM_WORLDS}, "
            f"got {start + count}"
        )
    return count


def world_block(seed: int, block: int) -> int:
    """The id block of the world that has ``block`` in its catalogue or stream, for ``seed``.

    Each seed owns BLOCKS_PER_SEED consecutive blocks, so ids differ whenever
    the seed does. The default seed owns the first range: its ids are the ones
    this toolkit has always given.
    """
    return ((check_seed(seed) - DEFAULT_SEED) % SEEDS) * BLOCKS_PER_SEED + block


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
    "BLOCKS_PER_SEED",
    "BLOCK_SIZE",
    "DEFAULT_SEED",
    "MAX_ITEMS",
    "MAX_RANDOM_WORLDS",
    "RANDOM_BLOCK_BASE",
    "SEEDS",
    "TABLE_SLOTS",
    "WorldSeeds",
    "check_count",
    "check_seed",
    "row_id",
    "stable_seed",
    "world_block",
    "world_random",
)
