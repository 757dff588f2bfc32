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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from polyfactory.factories.pydantic_factory import ModelFactory

from restore_contracts.contracts import RestoreRun
from restore_contracts.generators.api import Generator
from restore_contracts.generators.writers import write_worlds

ITEMS = 10
ROUNDS = 6
WORLDS_PER_ROUND = 3_000
POLYFACTORY_PER_ROUND = 100
SAME_SHAPE_PER_ROUND = 12


class RestoreRunFactory(ModelFactory[RestoreRun]):
    """polyfactory's own way to build the same model: no configuration beyond the model."""

    __model__ = RestoreRun


class TenItemRestoreRunFactory(ModelFactory[RestoreRun]):
    """The same model with every collection at 10 entries, the size of our runs."""

    __model__ = RestoreRun
    __randomize_collection_length__ = True
    __min_collection_length__ = ITEMS
    __max_collection_length__ = ITEMS


def ours_seconds(generator: Generator, directory: Path, round_index: int) -> float:
    """CPU seconds to build and write one round of worlds as NDJSON files.

    Rounds continue one stream (one Generator), as ``--count N`` does: the covers of
    the first world with each row signature (about a hundred) are derived through the
    pydantic models once, then reused, so the warm-up rounds measure that and the
    timed rounds the steady state.
    """
    worlds = generator.random(WORLDS_PER_ROUND, items=ITEMS, start=round_index * WORLDS_PER_ROUND)
    start = time.process_time()
    write_worlds(worlds, "ndjson", directory)
    return time.process_time() - start


def polyfactory_seconds(factory: type[ModelFactory[RestoreRun]], builds: int) -> float:
    """CPU seconds for a polyfactory factory to build ``builds`` RestoreRun instances."""
    start = time.process_time()
    for _ in range(builds):
        factory.build()
    return time.process_time() - start


def _rates(count: int, seconds: list[float]) -> str:
    return ", ".join(f"{count / s:,.0f}" for s in seconds)


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


def _holds(held: bool) -> str:
    return "holds" if held else "DOES NOT HOLD"


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
        generator = Generator(1)
        ours_seconds(generator, Path(tmp), 98)
        ours_seconds(generator, Path(tmp), 99)
        for index in range(ROUNDS):
            ours.append(ours_seconds(generator, Path(tmp), index))
            theirs.append(polyfactory_seconds(RestoreRunFactory, POLYFACTORY_PER_ROUND))
            same_shape.append(polyfactory_seconds(TenItemRestoreRunFactory, SAME_SHAPE_PER_ROUND))
    # rates over all rounds (total count / total CPU time): polyfactory's cost varies with
    # what it happens to draw, so single rounds of it are not comparable with each other
    rate = ROUNDS * WORLDS_PER_ROUND / sum(ours)
    baseline = ROUNDS * POLYFACTORY_PER_ROUND / sum(theirs)
    shaped = ROUNDS * SAME_SHAPE_PER_ROUND / sum(same_shape)
    print(
        f"restore_runs rows/s written as NDJSON ({ITEMS} items each, all linked rows): "
        f"{rate:,.0f}  (target >= 5,000: {_holds(rate >= 5_000)}; "
        f"rounds: {_rates(WORLDS_PER_ROUND, ours)})"
    )
    print(
        f"polyfactory ModelFactory[RestoreRun].build()/s: {baseline:,.1f}"
        f"  (rounds: {_rates(POLYFACTORY_PER_ROUND, theirs)})"
    )
    print(f"ratio: {rate / baseline:,.1f}x  (target >= 50x: {_holds(rate / baseline >= 50)})")
    print(
        f"polyfactory with {ITEMS}-entry collections (the shape of our runs): "
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
