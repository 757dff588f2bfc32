"""Benchmark: validating rows from a database against validating the same rows from NDJSON.

Generates random worlds until they hold at least ``--rows`` rows, writes them
as one NDJSON file per table, seeds them into a fresh PostgreSQL database
(and, with ``--backends``, MariaDB/MySQL and SQLite), then validates each
input ``--repeat`` times and prints the best time, the rate and the ratio of
each database's rate to the NDJSON rate. The issue asks PostgreSQL for at
least half the NDJSON rate; the script exits 1 when its ratio is below
``--min-ratio`` or when any database's findings differ from the files'.

    .venv/bin/python bench/bench_db.py                 # 100,000 rows, PostgreSQL
    .venv/bin/python bench/bench_db.py --backends postgresql,mysql,sqlite
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
    for world in build_random(seed, 10**9):
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


def best_of(repeat: int, open_input: Callable[[], Source]) -> tuple[float, ValidationResult]:
    """The fastest of ``repeat`` full validations (opening the input included)."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        source = open_input()
        try:
            result = validate(source, Assumptions())
        finally:
            source.close()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows to generate (at least)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="validations per input (best kept)")
    parser.add_argument("--backends", default="postgresql", help="postgresql,mysql,sqlite")
    parser.add_argument("--min-ratio", type=float, default=0.5)
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    with tempfile.TemporaryDirectory(prefix="rc-bench-") as tmp:
        export = Path(tmp) / "export"
        export.mkdir()
        start = time.perf_counter()
        rows = write_ndjson(worlds_with(args.rows, args.seed), export)
        print(f"generated {rows:,} rows (seed {args.seed}) in {time.perf_counter() - start:.1f} s")
        seconds, baseline = best_of(args.repeat, lambda: open_source(str(export)))
        rate = sum(baseline.rows.values()) / seconds
        print(
            f"{'ndjson':<11} validate {sum(baseline.rows.values()):>8,} rows "
            f"{seconds:7.2f} s {rate:>10,.0f} rows/s  ratio 1.00"
        )
        failed = False
        for backend in backends:
            if backend == "sqlite":
                url, drop = f"sqlite:///{Path(tmp) / 'bench.db'}", (lambda: None)
            else:
                url, drop = create_database(backend)
            try:
                start = time.perf_counter()
                report = seed_worlds(parse_url(url), worlds_with(args.rows, args.seed))
                seeded = time.perf_counter() - start
                db_seconds, result = best_of(args.repeat, lambda url=url: DatabaseSource(url))
                db_rate = sum(result.rows.values()) / db_seconds
                ratio = db_rate / rate
                same = [f.code for f in result.findings] == [f.code for f in baseline.findings]
                print(
                    f"{backend:<11} validate {sum(result.rows.values()):>8,} rows "
                    f"{db_seconds:7.2f} s {db_rate:>10,.0f} rows/s  ratio {ratio:.2f}"
                    f"  (seeded {report.total:,} rows in {seeded:.1f} s; "
                    f"findings {'identical' if same else 'DIFFER'})"
                )
                failed |= not same or (backend == "postgresql" and ratio < args.min_ratio)
            finally:
                drop()
        print(f"required: PostgreSQL at least {args.min_ratio:.2f} of the NDJSON rate")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
