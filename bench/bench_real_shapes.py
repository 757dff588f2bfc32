"""Validation rate of rows shaped as real Laravel data, against canonical rows, in one run.

Prints (CPU time of ``validate`` on an NDJSON file, the median of interleaved
rounds, so that other load on the machine disturbs both sides alike): the rate
of canonical generated restore_runs rows (10 items each, as bench_validate.py
writes them), the rate of the same rows as a Laravel application and its
exports write them, and their ratio beside its target (>= 0.80). The real
shape of a row:

- an application column the contracts do not know (``tenant_note``);
- top-level timestamps in ISO form: Eloquent ``toArray()``
  (``2026-03-01T10:00:00.000000Z``) on even ids, psql ``row_to_json``
  (``2026-03-01T10:00:00``) on odd ids;
- timestamps inside the JSON columns as Carbon serialises them
  (``...000000Z``), and every empty map written as PHP's ``[]``.

    .venv/bin/python bench/bench_real_shapes.py            # 50k rows, 7 rounds
    .venv/bin/python bench/bench_real_shapes.py --rows 100000 --rounds 7
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

TEMPLATES = 1000
ITEMS = 10
SEED = 335
TARGET = 0.80
TOP_LEVEL = ("started_at", "completed_at", "created_at", "updated_at")


def _carbon(text: str) -> str:
    return f"{text[:10]}T{text[11:19]}.000000Z"


def _php(value: Any) -> Any:
    """A JSON value as PHP writes it: empty maps as [], timestamps as Carbon's JSON."""
    if isinstance(value, dict):
        if not value:
            return []
        return {
            k: _carbon(v) if k.endswith("_at") and isinstance(v, str) else _php(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_php(v) for v in value]
    return value


def real_shape(row: dict[str, Any]) -> dict[str, Any]:
    """A canonical restore_runs row as a Laravel application and its exports write it."""
    shaped = {k: _php(v) if isinstance(v, dict | list) else v for k, v in row.items()}
    for column in TOP_LEVEL:
        value = row[column]
        if value is not None:
            shaped[column] = _carbon(value) if row["id"] % 2 == 0 else value.replace(" ", "T")
    shaped["tenant_note"] = "migrated from the legacy console"
    return shaped


def write_rows(path: Path, count: int, *, shaped: bool) -> int:
    """Write ``count`` rows (canonical or real-shaped) to ``path``; return the file size."""
    from restore_contracts.generators import build_random

    templates = [w.restore_run() for w in build_random(SEED, TEMPLATES, items=ITEMS)]
    with path.open("wb") as handle:
        for index in range(count):
            row = dict(templates[index % TEMPLATES])
            row["id"] = index + 1
            handle.write(orjson.dumps(real_shape(row) if shaped else row) + b"\n")
    return path.stat().st_size


def validate_seconds(
    path: Path, codes: list[str] | None = None
) -> tuple[float, dict[str, int], int]:
    """CPU seconds of validating the file; the findings by code; rows the model had to read."""
    from restore_contracts.validators import open_source, validate
    from restore_contracts.validators.rowread import RowReader

    calls = 0
    read = RowReader.read

    def counting(self: RowReader, raw: dict[str, Any]) -> Any:
        nonlocal calls
        calls += 1
        return read(self, raw)

    RowReader.read = counting  # type: ignore[method-assign]
    try:
        started = time.process_time()
        result = validate(open_source(str(path)), codes=codes)
        seconds = time.process_time() - started
    finally:
        RowReader.read = read  # type: ignore[method-assign]
    return seconds, result.counts(), calls


def main() -> None:
    """Run the benchmark and print both rates, their ratio and whether the target holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=7, help="interleaved timing rounds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-real-shapes-") as tmp:
        canonical = Path(tmp) / "canonical" / "restore_runs.ndjson"
        shaped = Path(tmp) / "shaped" / "restore_runs.ndjson"
        canonical.parent.mkdir()
        shaped.parent.mkdir()
        size_c = write_rows(canonical, args.rows, shaped=False)
        size_s = write_rows(shaped, args.rows, shaped=True)
        print(
            f"input: {args.rows:,} restore_runs rows, {ITEMS} items each; "
            f"canonical {size_c / 1e6:,.0f} MB, real-shaped {size_s / 1e6:,.0f} MB"
        )
        from restore_contracts.validators.rules import selected_codes

        quiet = sorted(code for code in selected_codes() if code != "RR103")
        runs_c, runs_s, quiet_c, quiet_s = [], [], [], []
        for _ in range(args.rounds):
            seconds, counts_c, model_c = validate_seconds(canonical)
            runs_c.append(seconds)
            seconds, counts_s, model_s = validate_seconds(shaped)
            runs_s.append(seconds)
            quiet_c.append(validate_seconds(canonical, quiet)[0])
            quiet_s.append(validate_seconds(shaped, quiet)[0])
        rate_c = args.rows / statistics.median(runs_c)
        rate_s = args.rows / statistics.median(runs_s)
        print(f"rates: CPU time, median of {args.rounds} interleaved rounds (2 shared cores)")
        print(
            f"canonical rows:   {rate_c:>10,.0f} rows/s  "
            f"(findings {counts_c}; {model_c} rows read by the model)"
        )
        print(
            f"real-shaped rows: {rate_s:>10,.0f} rows/s  "
            f"(findings {counts_s}; {model_s} rows read by the model)"
        )
        ratio = rate_s / rate_c
        print(
            f"real-shape / canonical = {ratio:.2f} (target >= {TARGET:.2f}: "
            f"{'holds' if ratio >= TARGET else 'DOES NOT HOLD'})"
        )
        quiet_ratio = statistics.median(quiet_c) / statistics.median(quiet_s)
        print(f"the same without RR103: {quiet_ratio:.2f}, the fast path's own cost")


if __name__ == "__main__":
    main()
