"""Benchmark: what the progress bar costs ``validate``.

Writes random worlds holding at least ``--rows`` rows as NDJSON, then validates
them in ``--repeat`` interleaved rounds without a bar and with one (rich drawing
into a pseudo-terminal, as on a user's terminal), and prints the median of each
the time spent inside the bar (start, redraws, close), which is the overhead: on
a shared machine the two run times differ by more than that from noise alone. The
bar is redrawn at most ten times a second; the script exits 1 when the time inside
it is more than ``--max-overhead`` percent of the run without it.

    .venv/bin/python bench/bench_progress.py              # 5,000 rows, 9 rounds
    .venv/bin/python bench/bench_progress.py --rows 100000
"""

from __future__ import annotations

import argparse
import os
import pty
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from restore_contracts.config import Assumptions
from restore_contracts.generators import build_random
from restore_contracts.generators.ids import MAX_RANDOM_WORLDS
from restore_contracts.progress import Bar
from restore_contracts.validators import open_source
from restore_contracts.validators.engine import Engine
from restore_contracts.validators.progress import ProgressLine, total_bytes


def write_export(directory: Path, rows: int) -> int:
    """Random worlds until ``rows`` rows, one NDJSON file per table; the rows written."""
    written = 0
    files: dict[str, BinaryIO] = {}
    try:
        for world in build_random(1, MAX_RANDOM_WORLDS):
            for table, table_rows in world.tables.items():
                if table == "restore_run_proofs":
                    continue
                if table not in files:
                    files[table] = (directory / f"{table}.ndjson").open("wb")
                for row in table_rows:
                    files[table].write(orjson.dumps(row) + b"\n")
                    written += 1
            if written >= rows:
                break
    finally:
        for handle in files.values():
            handle.close()
    return written


def _drain(fd: int) -> None:
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


class Timed:
    """Time spent inside the bar (updates, redraws, start and close), added up."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.draws = 0

    def wrap(self, bar: Bar) -> Bar:
        """Time every call of the bar's update and close."""
        for name in ("update", "close"):
            method = getattr(bar, name)

            def timed(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return _method(*args, **kwargs)
                finally:
                    self.seconds += time.perf_counter() - started
                    self.draws += 1

            setattr(bar, name, timed)
        return bar


def once(directory: Path, *, tty: int, timed: Timed | None = None) -> float:
    """Seconds to validate the export, with a bar drawn on the pty when ``timed`` is given."""
    source = open_source(str(directory))
    started = time.perf_counter()
    try:
        if timed is not None:
            total = total_bytes(source)
            stream = os.fdopen(os.dup(tty), "w", encoding="utf-8")
            begun = time.perf_counter()
            drawn = timed.wrap(Bar("validate", total=total, stream=stream, force=True).start())
            timed.seconds += time.perf_counter() - begun
            line = ProgressLine(source, drawn, total=total)
            Engine(Assumptions(), progress=line).run(source)
            line.done()
            stream.close()
        else:
            Engine(Assumptions()).run(source)
    finally:
        source.close()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--max-overhead", type=float, default=10.0, help="percent")
    args = parser.parse_args()
    master, slave = pty.openpty()
    reader = threading.Thread(target=_drain, args=(master,), daemon=True)
    reader.start()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        rows = write_export(directory, args.rows)
        once(directory, tty=slave)  # warm caches and imports
        once(directory, tty=slave, timed=Timed())
        plain: list[float] = []
        drawn: list[float] = []
        inside: list[Timed] = []
        for _ in range(args.repeat):
            plain.append(once(directory, tty=slave))
            inside.append(Timed())
            drawn.append(once(directory, tty=slave, timed=inside[-1]))
    os.close(slave)
    without, with_bar = statistics.median(plain), statistics.median(drawn)
    bar_seconds = statistics.median(t.seconds for t in inside)
    draws = statistics.median(t.draws for t in inside)
    overhead = bar_seconds / without * 100
    print(f"validate {rows:,} rows, median of {args.repeat} interleaved rounds")
    print(f"  without a bar  {without * 1000:8.1f} ms  ({rows / without:,.0f} rows/s)")
    print(f"  with a bar     {with_bar * 1000:8.1f} ms  ({rows / with_bar:,.0f} rows/s)")
    print(
        f"  inside the bar {bar_seconds * 1000:8.1f} ms  ({draws:.0f} calls: start, redraws, close)"
    )
    print(f"  overhead       {overhead:8.1f} %     (time inside the bar over the run without it;")
    print(f"                             target: at most {args.max_overhead:.0f} %)")
    return 1 if overhead > args.max_overhead else 0


if __name__ == "__main__":
    sys.exit(main())
