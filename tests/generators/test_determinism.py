"""Same seed and options, same bytes: on any day, in any timezone, in any process."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from restore_contracts.generators import build_random, build_scenario
from restore_contracts.generators.ids import BLOCK_SIZE, BLOCKS_PER_SEED, WorldSeeds, world_random
from restore_contracts.generators.writers import write_worlds

# Runs `generate` in a fresh interpreter whose clock says another year and whose
# timezone is another continent; a clock or timezone read would change the bytes.
_CHILD = textwrap.dedent(
    """
    import datetime, sys, time

    FAKE = float(sys.argv[1])

    class FakeDateTime(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls.fromtimestamp(FAKE, tz)

        @classmethod
        def utcnow(cls):
            return cls.utcfromtimestamp(FAKE)

        @classmethod
        def today(cls):
            return cls.fromtimestamp(FAKE)

    class FakeDate(datetime.date):
        @classmethod
        def today(cls):
            return cls.fromtimestamp(FAKE)

    datetime.datetime = FakeDateTime
    datetime.date = FakeDate
    time.time = lambda: FAKE
    time.time_ns = lambda: int(FAKE * 1e9)

    from restore_contracts.cli import cli

    cli.main(args=sys.argv[2:], prog_name="restore-contracts", standalone_mode=True)
    """
)


def _digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def _run(tmp_path: Path, label: str, tz: str, fake_epoch: float) -> dict[str, str]:
    out = tmp_path / label
    args = ["generate", "--scenario", "coverage", "--seed", "1", "--format", "ndjson"]
    args += ["--with-derived", "--out", str(out)]
    env = {**os.environ, "TZ": tz}
    subprocess.run(
        [sys.executable, "-c", _CHILD, str(fake_epoch), *args],
        check=True,
        capture_output=True,
        env=env,
        cwd=tmp_path,
    )
    return _digest(out)


class TestDeterminism:
    """Output depends on the seed and options only."""

    def test_other_day_and_timezone_same_bytes(self, tmp_path: Path) -> None:
        """Coverage NDJSON made 'in 2024 in Tokyo' equals the one made 'in 2031 in LA'."""
        tokyo = _run(tmp_path, "tokyo", "Asia/Tokyo", 1_718_000_000.0)
        los_angeles = _run(tmp_path, "la", "America/Los_Angeles", 1_950_000_000.0)
        assert (tokyo, 9) == (los_angeles, len(los_angeles))

    def test_same_process_twice_same_bytes(self, tmp_path: Path) -> None:
        """Building and writing twice in one process gives identical files."""
        write_worlds(build_random(4, 30), "ndjson", tmp_path / "a")
        write_worlds(build_random(4, 30), "ndjson", tmp_path / "b")
        assert _digest(tmp_path / "a") == _digest(tmp_path / "b")

    def test_seed_changes_values_and_moves_ids_to_its_own_range(self) -> None:
        """Another seed changes names and times, and moves every id by one seed's id range."""
        one, two = build_scenario("failed", 1), build_scenario("failed", 2)
        shift = BLOCKS_PER_SEED * BLOCK_SIZE
        ids = {t: [r["id"] + shift for r in rows] for t, rows in one.tables.items()}
        other_ids = {t: [r["id"] for r in rows] for t, rows in two.tables.items()}
        changed = (
            one.rows("backup_sets")[0]["created_at"] != two.rows("backup_sets")[0]["created_at"]
        )
        assert (ids, True) == (other_ids, changed)

    def test_random_world_does_not_depend_on_its_neighbours(self) -> None:
        """World 7 is the same in a stream of 10, of 20 and when streamed alone."""
        alone = next(build_random(9, 1, start=7))
        in_ten = list(build_random(9, 10))[7]
        in_twenty = list(build_random(9, 20))[7]
        assert (alone.tables, alone.tables) == (in_ten.tables, in_twenty.tables)

    def test_stream_seeds_equal_per_world_seeds(self) -> None:
        """The stream's prefix-hashed seeds are exactly world_random(seed, scenario, index)."""
        seeds = WorldSeeds(7, "random")
        expected = [world_random(7, "random", i).getrandbits(64) for i in range(200)]
        assert expected == [seeds.random(i).getrandbits(64) for i in range(200)]

    def test_anchor_moves_relative_times_only(self) -> None:
        """A later anchor shifts a relative scenario and leaves a pinned (DST) one alone."""
        relative = [build_scenario("completed", 1, anchor=a) for a in (None, "2026-07-01")]
        pinned = [build_scenario("dst_spring_forward", 1, anchor=a) for a in (None, "2026-07-01")]
        shifted = [w.restore_run()["created_at"][:10] for w in relative]
        assert (["2026-05-29", "2026-06-28"], pinned[0].tables) == (shifted, pinned[1].tables)
