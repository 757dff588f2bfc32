"""Where validation's memory goes, and how its time grows: the cross-table indexes in bytes per
id of each referenced table, and CPU time against rows and items per run.

    .venv/bin/python bench/bench_indexes.py            # 2,000 worlds; 20,000 runs for time
    .venv/bin/python bench/bench_indexes.py --worlds 10000

Indexes are measured with tracemalloc while each referenced table of a generated export
(random worlds, every table, restore_run_proofs included so that snapshots are kept) is read
into them by the engine's own table runs; bytes per row is the traced growth over the rows.
Times are CPU seconds of ``validate`` (best of three) on restore_runs files.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import orjson

RC = str(Path(sys.executable).with_name("restore-contracts"))


def index_bytes(export: Path) -> None:
    """Traced bytes per row of each referenced table's index."""
    from restore_contracts.config import Assumptions
    from restore_contracts.validators.context import RuleContext
    from restore_contracts.validators.engine import Engine, _TableRun
    from restore_contracts.validators.index import Indexes
    from restore_contracts.validators.readers import open_source
    from restore_contracts.validators.tables import READ_ORDER, RESTORE_RUNS

    source = open_source(str(export))
    engine = Engine(Assumptions(), codes=())
    indexes = Indexes()
    indexes.present = set(source.tables())
    ctx = RuleContext(engine.assumptions, indexes)
    tracemalloc.start()
    total = 0
    print(f"{'table':<22} {'rows':>9} {'index bytes':>12} {'bytes/row':>10}")
    for table in READ_ORDER:
        if table == RESTORE_RUNS or table not in indexes.present:
            continue
        before = tracemalloc.get_traced_memory()[0]
        run = _TableRun(engine, table, ctx, frozenset(), [])
        if run.decode is not None:
            run.read_lines(source.json_lines(table), None)  # type: ignore[attr-defined]
        else:
            for record in source.records(table):
                run.record(record)
        del run
        grown = tracemalloc.get_traced_memory()[0] - before
        total += grown
        count = len(indexes.ids_of(table))
        print(f"{table:<22} {count:>9,} {grown:>12,} {grown / max(count, 1):>10.1f}")
    tracemalloc.stop()
    print(f"{'all indexes':<22} {'':>9} {total:>12,}")


def cpu(args: list[str]) -> float:
    """Best of three CPU seconds of a command."""
    import resource

    best = float("inf")
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(args, check=False, stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best


def growth(tmp: Path, runs: int) -> None:
    """CPU time of validate against rows and against items per run."""
    from restore_contracts.generators import build_random

    print(f"{'runs':>9} {'items/run':>9} {'MB':>8} {'CPU s':>7} {'us/run':>8}")
    for count, items in ((runs // 2, 10), (runs, 10), (runs, 1), (runs, 50)):
        rows = [w.restore_run() for w in build_random(335, 200, items=items)]
        folder = tmp / f"runs-{count}-{items}"
        folder.mkdir()
        path = folder / "restore_runs.ndjson"
        with path.open("wb") as handle:
            for index in range(count):
                handle.write(orjson.dumps({**rows[index % len(rows)], "id": index + 1}) + b"\n")
        seconds = cpu([RC, "validate", str(folder)])
        size = path.stat().st_size / 1e6
        print(f"{count:>9,} {items:>9} {size:>8.0f} {seconds:>7.2f} {seconds / count * 1e6:>8.0f}")
        path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-indexes-") as name:
        tmp = Path(name)
        export = tmp / "export"
        subprocess.run(
            [
                *(RC, "generate", "--scenario", "random", "--count", str(args.worlds)),
                *("--seed", "3", "--format", "ndjson", "--with-derived", "--out", str(export)),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = time.perf_counter()
        index_bytes(export)
        print(f"(indexes read in {time.perf_counter() - started:.1f} s with tracing)")
        growth(tmp, args.runs)


if __name__ == "__main__":
    main()
