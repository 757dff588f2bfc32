"""Benchmark: every input format and database against NDJSON of the same rows, in one run.

Generates random worlds, writes them as NDJSON, as CSV (``psql \\copy ... csv
header``: NULL empty, booleans ``t``/``f``, JSON columns as JSON text) and as
TSV (``mariadb --batch``: ``NULL``, ``1``/``0``, backslash escapes), seeds them
into MariaDB/MySQL, SQLite and PostgreSQL, then validates every input in
``--rounds`` interleaved rounds (each round times every input once, so load
from other processes on the machine falls on all of them alike). A format's
ratio is its rate over the NDJSON rate of the same round (rows are the same,
so the inverse ratio of the wall times); the median over the rounds is printed
beside the target (issue 12: CSV and TSV at least 0.8, each database at least
0.5), with the same ratio of this process's CPU time (less disturbed by other
work on a shared machine) and the load average. Findings must be the NDJSON's
(file and line apart); the script exits 1 when they are not or when a target is
missed.

    .venv/bin/python bench/bench_formats.py                    # 2,000 worlds, everything
    .venv/bin/python bench/bench_formats.py --backends sqlite  # files and SQLite only
    .venv/bin/python bench/bench_formats.py --backends ''      # files only
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_db import create_database
from restore_contracts.config import Assumptions
from restore_contracts.db.reader import DatabaseSource
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.urls import parse_url
from restore_contracts.generators import build_random, write_worlds
from restore_contracts.generators.world import World
from restore_contracts.generators.writers import table_columns
from restore_contracts.validators import ValidationResult, open_source, validate
from restore_contracts.validators.source import Source

TARGETS = {"csv": 0.8, "tsv": 0.8, "mysql": 0.5, "sqlite": 0.5, "postgresql": 0.5}
"""Issue 12: the least rate of each input, as a fraction of the NDJSON rate."""
LABELS = {"csv": "CSV", "tsv": "TSV", "mysql": "MariaDB", "sqlite": "SQLite"}
LABELS["postgresql"] = "PostgreSQL"


def tsv_field(value: Any) -> str:
    """One value as ``mariadb --batch`` writes it: NULL, 1/0, JSON text, backslash escapes."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text.replace("\x00", "\\0")


def write_tsv(worlds: list[World], directory: Path, tables: list[str]) -> None:
    """``<table>.tsv`` per table, as ``mariadb --batch -e 'SELECT * FROM <table>'`` writes."""
    directory.mkdir()
    for table in tables:
        columns = table_columns(table)
        with (directory / f"{table}.tsv").open("w", encoding="utf-8") as handle:
            handle.write("\t".join(columns) + "\n")
            for world in worlds:
                for row in world.tables.get(table, ()):
                    handle.write("\t".join(tsv_field(row.get(c)) for c in columns) + "\n")


def timed(open_input: Callable[[], Source]) -> tuple[float, float, ValidationResult]:
    """One full validation, opening the input included: wall seconds, this process's CPU
    seconds (less disturbed by other work on the machine; a database server's CPU is not
    in it), and the result."""
    start = time.perf_counter()
    cpu = time.process_time()
    source = open_input()
    try:
        result = validate(source, Assumptions())
    finally:
        source.close()
    return time.perf_counter() - start, time.process_time() - cpu, result


def unlocated(result: ValidationResult) -> list[tuple[Any, ...]]:
    """The findings without file and line (which differ by format)."""
    return [(f.code, f.table, f.id, f.pointer, f.message) for f in result.findings]


def _load() -> str:
    """The 1-minute load average (other work on the machine), or "?" where unknown."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 1 when findings differ or a target is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--worlds", type=int, default=2000, help="random worlds to generate")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median)")
    parser.add_argument("--backends", default="mysql,sqlite,postgresql")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    worlds = list(build_random(args.seed, args.worlds))
    with tempfile.TemporaryDirectory(prefix="rc-bench-formats-") as tmp:
        root = Path(tmp)
        written = write_worlds(worlds, "ndjson", root / "ndjson")
        write_worlds(worlds, "csv", root / "csv")
        write_tsv(worlds, root / "tsv", [path.stem for path in written])
        rows = sum(len(rows) for world in worlds for rows in world.tables.values())
        print(f"{args.worlds:,} worlds, {rows:,} rows (seed {args.seed})")
        inputs: dict[str, Callable[[], Source]] = {
            fmt: (lambda fmt=fmt: open_source(str(root / fmt))) for fmt in ("ndjson", "csv", "tsv")
        }
        drops = []
        try:
            for backend in backends:
                if backend == "sqlite":
                    url = f"sqlite:///{root / 'bench.db'}"
                else:
                    url, drop = create_database(backend)
                    drops.append(drop)
                seed_worlds(parse_url(url), worlds)
                inputs[backend] = lambda url=url: DatabaseSource(url)
            seconds: dict[str, list[float]] = {name: [] for name in inputs}
            cpu: dict[str, list[float]] = {name: [] for name in inputs}
            results: dict[str, ValidationResult] = {}
            for _ in range(args.rounds):
                for name, open_input in inputs.items():
                    wall, used, results[name] = timed(open_input)
                    seconds[name].append(wall)
                    cpu[name].append(used)
        finally:
            for drop in drops:
                drop()
    expected = unlocated(results["ndjson"])
    base = statistics.median(seconds["ndjson"])
    print(f"validation, wall time, median of {args.rounds} interleaved rounds")
    print(
        f"  {'NDJSON':<11} {base:6.2f} s {rows / base:>9,.0f} rows/s  "
        f"(CPU {statistics.median(cpu['ndjson']):.2f} s; load average {_load()})"
    )
    failed = False
    for name in inputs:
        if name == "ndjson":
            continue
        ratio = statistics.median(
            nd / other for nd, other in zip(seconds["ndjson"], seconds[name], strict=True)
        )
        cpu_ratio = statistics.median(
            nd / other for nd, other in zip(cpu["ndjson"], cpu[name], strict=True)
        )
        wall = statistics.median(seconds[name])
        same = unlocated(results[name]) == expected
        holds = ratio >= TARGETS[name]
        failed |= not same or not holds
        label = LABELS[name]
        print(
            f"  {label:<11} {wall:6.2f} s {rows / wall:>9,.0f} rows/s  {label}/NDJSON "
            f"{ratio:4.2f} (target >= {TARGETS[name]:.1f}: "
            f"{'holds' if holds else 'DOES NOT HOLD'}; CPU time {cpu_ratio:4.2f}; findings "
            f"{'identical' if same else 'DIFFER'}: {len(results[name].findings)})"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
