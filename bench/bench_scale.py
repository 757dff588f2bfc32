"""Scale figures, each beside its target: the ``--jobs 2`` speed-up, the truth/validate time
ratio, and the peak memory of validating broken data.

Every figure is measured here, in one run, with the command line a user runs (each in its own
subprocess):

* ``--jobs 2`` against ``--jobs 1`` on generated NDJSON restore_runs (``ITEMS`` items each):
  wall-clock medians of interleaved rounds, the rate ratio beside the 1.7x target;
* ``truth`` against ``validate`` on two inputs, a generated export of every table (random
  worlds) and an export of restore_runs alone (``--truth-runs`` runs): medians of CPU time of
  interleaved rounds (the processes' own, so that other load on the machine disturbs both
  alike), each ratio beside the 1.5 target;
* peak RSS of ``validate`` (text, json and junit reports) on restore_runs where every row has
  exactly one finding, at 100,000 and at 1,000,000 rows, beside the 150 MB target for the
  difference.

The issue's full run is 1,000,000 restore runs for the speed-up (about 5 GB of NDJSON):

    .venv/bin/python bench/bench_scale.py --runs 1000000
    .venv/bin/python bench/bench_scale.py              # 100,000 runs (make bench)
    .venv/bin/python bench/bench_scale.py --skip-memory
    .venv/bin/python bench/bench_scale.py --skip-speed-up --skip-memory   # truth/validate only
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
RC = str(Path(sys.executable).with_name("restore-contracts"))
TEMPLATES = 1000
ITEMS = 10
SEED = 335


def templates(broken: bool) -> list[dict[str, object]]:
    """Generated restore_runs rows (``ITEMS`` items each); ``broken``: only rows without a
    finding of their own, each given one unreadable created_at (exactly one RR101)."""
    from restore_contracts.generators import build_random
    from restore_contracts.validators import validate
    from restore_contracts.validators.readers.memory import RowsSource

    rows = [w.restore_run() for w in build_random(SEED, TEMPLATES, items=ITEMS)]
    if not broken:
        return rows
    kept = []
    for row in rows:
        if not validate(RowsSource({"restore_runs": [row]}, "one")).findings:
            kept.append({**row, "created_at": "yesterday"})
    return kept


def write_runs(path: Path, count: int, *, broken: bool = False) -> int:
    """Write ``count`` restore_runs rows with fresh ids as NDJSON; the file size."""
    rows = templates(broken)
    with path.open("wb") as handle:
        for index in range(count):
            row = dict(rows[index % len(rows)])
            row["id"] = index + 1
            handle.write(orjson.dumps(row) + b"\n")
    return path.stat().st_size


def timed(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child and its workers) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def verdict(holds: bool) -> str:
    return "holds" if holds else "DOES NOT HOLD"


def speed_up(tmp: Path, runs: int, rounds: int) -> None:
    """Median wall time of validate --jobs 1 and --jobs 2 on the same file, interleaved."""
    data = tmp / "speed"
    data.mkdir()
    size = write_runs(data / "restore_runs.ndjson", runs)
    print(f"input: {runs:,} restore_runs, {ITEMS} items each, {size / 1e6:,.0f} MB NDJSON")
    walls: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(rounds):
        for jobs in (1, 2):
            wall, _cpu = timed([RC, "validate", str(data), "--jobs", str(jobs)])
            walls[jobs].append(wall)
    one, two = statistics.median(walls[1]), statistics.median(walls[2])
    print(f"validate --jobs 1: median {one:7.2f} s  ({runs / one:,.0f} runs/s), rounds {walls[1]}")
    print(f"validate --jobs 2: median {two:7.2f} s  ({runs / two:,.0f} runs/s), rounds {walls[2]}")
    print(f"--jobs 2 speed-up = {one / two:.2f}x (target >= 1.7x: {verdict(one / two >= 1.7)})")
    (data / "restore_runs.ndjson").unlink()


def cpu_ratio(data: Path, what: str, rounds: int) -> None:
    """Median CPU time of truth and of validate on ``data``, in interleaved rounds."""
    cpus: dict[str, list[float]] = {"validate": [], "truth": []}
    for _ in range(rounds):
        cpus["validate"].append(timed([RC, "validate", str(data)])[1])
        cpus["truth"].append(timed([RC, "truth", str(data), "--date", "2026-01-01"])[1])
    validate, truth = statistics.median(cpus["validate"]), statistics.median(cpus["truth"])
    print(f"input: {what} (load average {os.getloadavg()[0]:.1f})")
    print(
        f"validate: median {validate:6.2f} s CPU, rounds {[round(c, 2) for c in cpus['validate']]}"
    )
    print(f"truth:    median {truth:6.2f} s CPU, rounds {[round(c, 2) for c in cpus['truth']]}")
    ratio = truth / validate
    print(f"truth / validate = {ratio:.2f} (target <= 1.5: {verdict(ratio <= 1.5)})")


def truth_ratio(tmp: Path, worlds: int, runs: int, rounds: int) -> None:
    """The truth/validate ratio on a generated export of every table, then on restore_runs
    alone."""
    data = tmp / "worlds"
    subprocess.run(
        [
            *(RC, "generate", "--scenario", "random", "--count", str(worlds), "--seed", "12"),
            *("--format", "ndjson", "--with-derived", "--out", str(data)),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    cpu_ratio(data, f"{worlds:,} random worlds, every table, NDJSON", rounds)
    alone = tmp / "runs-only"
    alone.mkdir()
    size = write_runs(alone / "restore_runs.ndjson", runs)
    what = f"{runs:,} restore_runs alone, {ITEMS} items each, {size / 1e6:,.0f} MB NDJSON"
    cpu_ratio(alone, what, rounds)
    (alone / "restore_runs.ndjson").unlink()


_PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak(args: list[str]) -> float:
    """Peak RSS in MB of a command (its largest process), measured from a fresh parent."""
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *args], check=True, capture_output=True, text=True
    )
    _code, kilobytes = done.stdout.split()
    return int(kilobytes) / 1024


FORMATS = ("text", "json", "junit")


def broken_memory(tmp: Path, small: int, big: int) -> None:
    """Peak RSS of validate (text, json and junit reports) on rows that each carry exactly one
    finding."""
    peaks: dict[tuple[str, int], float] = {}
    for count in (small, big):
        data = tmp / f"broken-{count}"
        data.mkdir()
        write_runs(data / "restore_runs.ndjson", count, broken=True)
        for fmt in FORMATS:
            out = tmp / f"report-{count}.{fmt}"
            args = [RC, "validate", str(data), "--format", fmt, "-o", str(out)]
            peaks[fmt, count] = peak(args)
            print(f"broken data, {count:,} runs, {fmt}: peak {peaks[fmt, count]:7.1f} MB")
            out.unlink()
        (data / "restore_runs.ndjson").unlink()
    for fmt in FORMATS:
        growth = peaks[fmt, big] - peaks[fmt, small]
        print(
            f"growth {small:,} -> {big:,}, {fmt} report = {growth:.1f} MB "
            f"(target <= 150 MB: {verdict(growth <= 150)})"
        )


def main() -> None:
    """Run the benchmark and print the figures beside their targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000, help="runs for the speed-up")
    parser.add_argument("--worlds", type=int, default=2_000, help="worlds for truth/validate")
    parser.add_argument(
        "--truth-runs", type=int, default=100_000, help="restore_runs alone for truth/validate"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (medians)")
    parser.add_argument("--broken-small", type=int, default=100_000)
    parser.add_argument("--broken-big", type=int, default=1_000_000)
    parser.add_argument("--skip-memory", action="store_true", help="skip the broken-data run")
    parser.add_argument("--skip-speed-up", action="store_true", help="skip the --jobs 2 run")
    parser.add_argument("--skip-truth", action="store_true", help="skip truth/validate")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as name:
        tmp = Path(name)
        if not args.skip_speed_up:
            speed_up(tmp, args.runs, args.rounds)
        if not args.skip_truth:
            truth_ratio(tmp, args.worlds, args.truth_runs, args.rounds)
        if not args.skip_memory:
            broken_memory(tmp, args.broken_small, args.broken_big)


if __name__ == "__main__":
    main()
