"""Validation throughput and memory, as ratios against baselines measured in the same run.

Prints (CPU time, the median of interleaved rounds, so that other load on the
machine disturbs both sides alike): rows/s of plain orjson parsing of an NDJSON file of generated
restore_runs rows (10 items each), rows/s of full validation of the same file
(``validate`` on the file: model fast path, every rule that needs no other
table), the jsonschema library's rate validating the same rows against
schemas/restore_run.schema.json (measured on a sample, extrapolated), and the
peak memory (max RSS, each in its own subprocess) of validating 100,000 and
1,000,000 rows. Rows are real generated worlds' runs (1,000 random worlds),
repeated with fresh ids up to the row count.

    .venv/bin/python bench/bench_validate.py            # 100k rows, then 1M for memory
    .venv/bin/python bench/bench_validate.py --skip-million
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = 1000
ITEMS = 10
SEED = 335


def write_rows(path: Path, count: int) -> int:
    """Write ``count`` restore_runs rows to ``path`` as NDJSON; return the file size."""
    from restore_contracts.generators import build_random

    templates = [w.restore_run() for w in build_random(SEED, TEMPLATES, items=ITEMS)]
    with path.open("wb") as handle:
        for index in range(count):
            row = dict(templates[index % TEMPLATES])
            row["id"] = index + 1
            handle.write(orjson.dumps(row) + b"\n")
    return path.stat().st_size


def orjson_seconds(path: Path) -> float:
    """CPU seconds of parsing every line with orjson (and nothing else)."""
    loads = orjson.loads
    started = time.process_time()
    with path.open("rb") as handle:
        for line in handle:
            loads(line)
    return time.process_time() - started


def validate_seconds(path: Path) -> tuple[float, int, dict[str, int]]:
    """CPU seconds of validating the file (findings collected as the CLI does)."""
    from restore_contracts.validators import open_source, validate

    started = time.process_time()
    result = validate(open_source(str(path)))
    return time.process_time() - started, len(result.findings), result.counts()


def jsonschema_rate(path: Path, sample: int) -> float:
    """Rows per second of jsonschema validating rows against the committed schema (the
    decoded document's, the files it references loaded from a local registry)."""
    from restore_contracts.schemas import DECODED, schema_registry, validator_for

    validator = validator_for("restore_run", DECODED, schema_registry(ROOT / "schemas"))
    with path.open("rb") as handle:
        rows = [orjson.loads(next(handle)) for _ in range(sample)]
    started = time.process_time()
    for row in rows:
        for _ in validator.iter_errors(row):
            pass
    return sample / (time.process_time() - started)


_CHILD = """
import resource, sys
from restore_contracts.validators import open_source, validate
result = validate(open_source(sys.argv[1]))
print(result.rows["restore_runs"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory(path: Path) -> tuple[int, float]:
    """(rows, max RSS in MB) of validating the file in a fresh subprocess."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], check=True, capture_output=True, text=True
    )
    rows, kilobytes = done.stdout.split()
    return int(rows), int(kilobytes) / 1024


def main() -> None:
    """Run the benchmark and print the figures and whether each target holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-million", action="store_true", help="skip the 1M memory run")
    parser.add_argument("--schema-sample", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        small = Path(tmp) / "restore_runs.ndjson"
        size = write_rows(small, args.rows)
        print(f"input: {args.rows:,} restore_runs rows, {ITEMS} items each, {size / 1e6:,.0f} MB")
        parse_runs, full_runs = [], []
        for _ in range(args.rounds):
            parse_runs.append(orjson_seconds(small))
            seconds, found, counts = validate_seconds(small)
            full_runs.append(seconds)
        # medians: one slow round on a shared machine moves neither figure
        parse = args.rows / statistics.median(parse_runs)
        full = args.rows / statistics.median(full_runs)
        schema = jsonschema_rate(small, args.schema_sample)
        print(f"rates: CPU time, median of {args.rounds} interleaved rounds (2 shared cores)")
        print(f"orjson parse only:        {parse:>10,.0f} rows/s")
        print(f"full validation:          {full:>10,.0f} rows/s  ({found} findings: {counts})")
        print(f"jsonschema (sampled {args.schema_sample}): {schema:>10,.0f} rows/s")
        ratio_parse = full / parse
        ratio_schema = full / schema
        print(
            f"validation / orjson parse = {ratio_parse:.2f} (target >= 0.40: "
            f"{'holds' if ratio_parse >= 0.40 else 'DOES NOT HOLD'})"
        )
        print(
            f"validation / jsonschema   = {ratio_schema:.1f}x (target >= 30x: "
            f"{'holds' if ratio_schema >= 30 else 'DOES NOT HOLD'})"
        )
        rows, small_peak = peak_memory(small)
        print(f"peak memory, {rows:,} rows:   {small_peak:8.1f} MB")
        if args.skip_million:
            print("peak memory, 1,000,000 rows: skipped (--skip-million)")
            return
        small.unlink()
        big = Path(tmp) / "restore_runs.ndjson"
        write_rows(big, 1_000_000)
        rows, big_peak = peak_memory(big)
        growth = big_peak - small_peak
        print(f"peak memory, {rows:,} rows: {big_peak:8.1f} MB")
        print(
            f"growth 100k -> 1M = {growth:.1f} MB (target <= 100 MB: "
            f"{'holds' if growth <= 100 else 'DOES NOT HOLD'})"
        )


if __name__ == "__main__":
    main()
