"""Generation speed and memory: restore_runs rows per second as NDJSON, vs polyfactory.

Prints the figures the generators issue names; it asserts nothing, so that a slow
machine gives a number instead of a failure. Run with ``make bench`` or
``python bench/bench_generate.py [--memory-count N]``.

- rate: worlds (one restore_runs row with 10 items and every linked row) written as
  NDJSON per CPU second, on one core;
- polyfactory: ``ModelFactory[RestoreRun].build()`` per CPU second, same process;
  both measured in alternating rounds so that machine load hits both alike;
- memory: peak RSS of a child process streaming N worlds, for two counts.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from polyfactory.factories.pydantic_factory import ModelFactory

from restore_contracts.contracts import RestoreRun
from restore_contracts.generators import build_random
from restore_contracts.generators.writers import write_worlds

ITEMS = 10
ROUNDS = 5
WORLDS_PER_ROUND = 4_000
POLYFACTORY_PER_ROUND = 60


class RestoreRunFactory(ModelFactory[RestoreRun]):
    """polyfactory's own way to build the same model: no configuration beyond the model."""

    __model__ = RestoreRun


class TenItemRestoreRunFactory(ModelFactory[RestoreRun]):
    """The same model with every collection at 10 entries, the size of our runs."""

    __model__ = RestoreRun
    __randomize_collection_length__ = True
    __min_collection_length__ = ITEMS
    __max_collection_length__ = ITEMS


def ours_per_second(directory: Path, round_index: int) -> float:
    """Worlds written as NDJSON per CPU second, for one round."""
    worlds = build_random(1, WORLDS_PER_ROUND, items=ITEMS, start=round_index * WORLDS_PER_ROUND)
    start = time.process_time()
    write_worlds(worlds, "ndjson", directory)
    return WORLDS_PER_ROUND / (time.process_time() - start)


def polyfactory_per_second(factory: type[ModelFactory[RestoreRun]], builds: int) -> float:
    """RestoreRun instances built by a polyfactory factory per CPU second, for one round."""
    start = time.process_time()
    for _ in range(builds):
        factory.build()
    return builds / (time.process_time() - start)


def peak_rss_kib(count: int) -> int:
    """Peak RSS (KiB) of a fresh process streaming ``count`` worlds to NDJSON files."""
    code = (
        "import resource, sys, tempfile\n"
        "from restore_contracts.generators import build_random\n"
        "from restore_contracts.generators.writers import write_worlds\n"
        "with tempfile.TemporaryDirectory() as d:\n"
        f"    write_worlds(build_random(1, {count}, items={ITEMS}), 'ndjson', d)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(done.stdout.strip())


def main() -> None:
    """Measure and print rate, ratio and memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-count", type=int, nargs=2, default=(10_000, 200_000))
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()

    for factory in (RestoreRunFactory, TenItemRestoreRunFactory):
        factory.seed_random(1)
        for _ in range(3):
            factory.build()
    ours: list[float] = []
    theirs: list[float] = []
    same_shape: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        # warm up caches, pools and the page cache the output files land in
        ours_per_second(Path(tmp), 98)
        ours_per_second(Path(tmp), 99)
        for index in range(ROUNDS):
            ours.append(ours_per_second(Path(tmp), index))
            theirs.append(polyfactory_per_second(RestoreRunFactory, POLYFACTORY_PER_ROUND))
            same_shape.append(polyfactory_per_second(TenItemRestoreRunFactory, 20))
    rate = statistics.median(ours)
    baseline = statistics.median(theirs)
    shaped = statistics.median(same_shape)
    print(
        f"restore_runs rows/s as NDJSON ({ITEMS} items, all linked rows), median of "
        f"{ROUNDS}: {rate:,.0f}  (rounds: {', '.join(f'{r:,.0f}' for r in ours)})"
    )
    print(
        f"polyfactory ModelFactory[RestoreRun].build()/s, median of {ROUNDS}: {baseline:,.1f}"
        f"  (rounds: {', '.join(f'{r:,.1f}' for r in theirs)})"
    )
    print(f"ratio: {rate / baseline:,.1f}x  (target >= 50x); rate target >= 5,000 rows/s")
    print(
        f"polyfactory with {ITEMS}-entry collections (same shape as ours), median: "
        f"{shaped:,.1f}/s; ratio {rate / shaped:,.1f}x"
    )
    if not args.skip_memory:
        small, large = args.memory_count
        print(f"peak RSS streaming {small:,} worlds: {peak_rss_kib(small) / 1024:,.1f} MiB")
        print(f"peak RSS streaming {large:,} worlds: {peak_rss_kib(large) / 1024:,.1f} MiB")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process peak RSS: {own:,.1f} MiB)")


if __name__ == "__main__":
    main()
