"""Benchmark: validating rows from a database against validating the same rows from NDJSON.

Generates random worlds until they hold at least ``--rows`` rows, writes them
as one NDJSON file per table, seeds them into a fresh database on each of
``--backends`` (default: PostgreSQL, MariaDB/MySQL and SQLite, each server
that answers), then validates each input in ``--repeat`` interleaved rounds
(so a busy machine slows each input alike) and prints the median time, the
rate and the ratio of each database's rate to the NDJSON rate beside its
target. The issue asks every database for at least half the NDJSON rate; the
script exits 1 when a median ratio is below ``--min-ratio`` or when any
database's findings differ from the files'. ``--row-by-row`` adds the
MariaDB/MySQL read without the JSON lines the server renders (the reference
the lines are checked against), for comparison; SQLite is read row by row.

    .venv/bin/python bench/bench_db.py                 # 100,000 rows, every server
    .venv/bin/python bench/bench_db.py --backends mysql --row-by-row
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from restore_contracts.config import Assumptions
from restore_contracts.db.reader import DatabaseSource
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.urls import parse_url
from restore_contracts.generators import build_random
from restore_contracts.generators.ids import MAX_RANDOM_WORLDS
from restore_contracts.generators.world import World
from restore_contracts.validators import ValidationResult, open_source, validate
from restore_contracts.validators.source import Source

ADMIN = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    "mysql": "mysql+pymysql://root@127.0.0.1:3306/mysql",
}


def worlds_with(rows: int, seed: int) -> Iterator[World]:
    """Random worlds, streamed, until they hold at least ``rows`` rows."""
    total = 0
    for world in build_random(seed, MAX_RANDOM_WORLDS):
        yield world
        total += sum(len(r) for r in world.tables.values())
        if total >= rows:
            return


def write_ndjson(worlds: Iterator[World], directory: Path) -> int:
    """One NDJSON file per table; returns the rows written."""
    handles = {}
    count = 0
    try:
        for world in worlds:
            for table, rows in world.tables.items():
                if table not in handles:
                    handles[table] = (directory / f"{table}.ndjson").open("wb")
                handle = handles[table]
                for row in rows:
                    handle.write(orjson.dumps(row) + b"\n")
                    count += 1
    finally:
        for handle in handles.values():
            handle.close()
    return count


def create_database(backend: str) -> tuple[str, Callable[[], None]]:
    """A fresh database on a local server: its URL and a function that drops it."""
    name = f"rc_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(ADMIN[backend], poolclass=NullPool, isolation_level="AUTOCOMMIT")
    quoted = f'"{name}"' if backend == "postgresql" else f"`{name}`"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {quoted}"))
    scheme = "postgresql" if backend == "postgresql" else "mysql"
    url = make_url(ADMIN[backend]).set(drivername=scheme, database=name)

    def drop() -> None:
        force = " WITH (FORCE)" if backend == "postgresql" else ""
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quoted}{force}"))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


def available(backend: str) -> str | None:
    """Why a backend cannot be benchmarked here (its server does not answer), or None."""
    if backend not in ADMIN:
        return None
    engine = create_engine(ADMIN[backend], poolclass=NullPool)
    try:
        with engine.connect():
            return None
    except Exception as exc:  # any refusal: the server is not there
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()


def timed(open_input: Callable[[], Source]) -> tuple[float, float, ValidationResult]:
    """One full validation (opening the input included): wall seconds, CPU seconds, result."""
    wall, cpu = time.perf_counter(), time.process_time()
    source = open_input()
    try:
        result = validate(source, Assumptions())
    finally:
        source.close()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _target(name: str, ratio: float, minimum: float) -> str:
    """The target beside a database's ratio (the issue asks each for ``minimum``)."""
    if name == "ndjson" or name.endswith(ROW_BY_ROW):
        return ""
    return f" (target >= {minimum:.2f}: {'holds' if ratio >= minimum else 'DOES NOT HOLD'})"


def _load() -> str:
    """The machine's 1, 5 and 15 minute load averages (others' work slows every input)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


ROW_BY_ROW = " rows"
"""Suffix of the inputs read row by row (``--row-by-row``)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows to generate (at least)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (median kept)")
    parser.add_argument(
        "--backends",
        default="postgresql,mysql,sqlite",
        help="postgresql,mysql,sqlite (default: each whose server answers)",
    )
    parser.add_argument(
        "--row-by-row",
        action="store_true",
        help="also read MariaDB/MySQL row by row (without the rendered JSON lines)",
    )
    parser.add_argument("--min-ratio", type=float, default=0.5)
    args = parser.parse_args(argv)
    backends = []
    for backend in (b.strip() for b in args.backends.split(",") if b.strip()):
        reason = available(backend)
        if reason is None:
            backends.append(backend)
        else:
            print(f"skipping {backend}: {reason}")

    with tempfile.TemporaryDirectory(prefix="rc-bench-") as tmp:
        export = Path(tmp) / "export"
        export.mkdir()
        start = time.perf_counter()
        rows = write_ndjson(worlds_with(args.rows, args.seed), export)
        print(f"generated {rows:,} rows (seed {args.seed}) in {time.perf_counter() - start:.1f} s")
        inputs: dict[str, Callable[[], Source]] = {"ndjson": lambda: open_source(str(export))}
        drops = []
        try:
            for backend in backends:
                if backend == "sqlite":
                    url = f"sqlite:///{Path(tmp) / 'bench.db'}"
                else:
                    url, drop = create_database(backend)
                    drops.append(drop)
                start = time.perf_counter()
                report = seed_worlds(parse_url(url), worlds_with(args.rows, args.seed))
                print(
                    f"seeded {report.total:,} rows into {backend} in "
                    f"{time.perf_counter() - start:.1f} s (one transaction)"
                )
                inputs[backend] = lambda url=url: DatabaseSource(url)
                if args.row_by_row and backend == "mysql":
                    inputs[backend + ROW_BY_ROW] = lambda url=url: DatabaseSource(url, lines=False)
            print(f"load average before the rounds: {_load()}")
            runs: dict[str, list[tuple[float, float, ValidationResult]]] = {n: [] for n in inputs}
            for _ in range(args.repeat):
                for name, open_input in inputs.items():
                    runs[name].append(timed(open_input))
            # the median round of each input: one slow round on a shared machine moves nothing
            best = {
                name: sorted(r, key=lambda run: run[0])[len(r) // 2] for name, r in runs.items()
            }
        finally:
            for drop in drops:
                drop()
        print(f"load average after the rounds: {_load()}")
        base_wall, _, baseline = best["ndjson"]
        base_rate = sum(baseline.rows.values()) / base_wall
        failed = False
        print(f"validation, median of {args.repeat} interleaved rounds:")
        for name, (wall, cpu, result) in best.items():
            count = sum(result.rows.values())
            rate = count / wall
            ratio = rate / base_rate
            same = [(f.code, f.table, f.id, f.pointer) for f in result.findings] == [
                (f.code, f.table, f.id, f.pointer) for f in baseline.findings
            ]
            print(
                f"  {name:<12} {count:>8,} rows {wall:6.2f} s {rate:>9,.0f} rows/s "
                f"ratio {ratio:4.2f}{_target(name, ratio, args.min_ratio)}  "
                f"(client CPU {cpu:.2f} s; findings "
                f"{'identical' if same else 'DIFFER'}: {len(result.findings)})"
            )
            failed |= not same or (bool(_target(name, 1.0, 0.0)) and ratio < args.min_ratio)
        print(f"required: each database at least {args.min_ratio:.2f} of the NDJSON rate")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
