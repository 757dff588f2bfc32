"""Readers on hostile input: peak memory and time stay bounded whatever one row's size.

Prints, for each format, the peak memory (max RSS, each run in its own
subprocess) and the wall time of validating a file whose second row is one
value of SIZE MB (default 256) between two small rows, next to the same for a
file of the two small rows alone; and the time of validating ``/dev/zero``
named ``.ndjson`` (an endless line, given up after 16 x max_line_bytes).

    .venv/bin/python bench/bench_readers.py            # 256 MB rows
    .venv/bin/python bench/bench_readers.py --size 64
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROW = b'{"id": %d, "name": "n", "slug": "s", "created_at": "2026-01-01 00:00:00"}'
CHILD = """
import resource, sys
from restore_contracts.validators import validate
from restore_contracts.validators.readers import open_source
source = open_source(sys.argv[1], "workspaces")
result = validate(source)
source.close()
codes = sorted({f.code for f in result.findings if f.code.startswith("RR0")})
print(",".join(codes) or "-", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def write(path: Path, fmt: str, size: int) -> None:
    """Two small rows with, when ``size``, a row holding one value of ``size`` bytes between."""
    with path.open("wb") as out:
        if fmt == "csv":
            out.write(b"id,name,slug,created_at\n1,n,s,2026-01-01 00:00:00\n")
            if size:
                out.write(b"2,")
                _fill(out, size)
                out.write(b",s,2026-01-01 00:00:00\n")
            out.write(b"3,n,s,2026-01-01 00:00:00\n")
            return
        opening, separator, closing = (
            (b"[\n", b",\n", b"\n]\n") if fmt == "json" else (b"", b"\n", b"\n")
        )
        out.write(opening + ROW % 1 + separator)
        if size:
            out.write(b'{"id": 2, "name": "')
            _fill(out, size)
            out.write(b'"}' + separator)
        out.write(ROW % 3 + closing)


def _fill(out: object, size: int) -> None:
    block = b"x" * (1 << 20)
    for _ in range(size >> 20):
        out.write(block)  # type: ignore[attr-defined]


def measure(path: Path) -> tuple[str, float, float]:
    """(parse codes found, max RSS in MB, seconds) of validating a file in a fresh process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], check=True, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    codes, rss = done.stdout.split()
    return codes, int(rss) / 1024, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256, help="MB of the large row")
    args = parser.parse_args()
    size = args.size << 20
    with tempfile.TemporaryDirectory() as directory:
        base = Path(directory)
        print(f"one row of {args.size} MB between two small rows (default max_line_bytes, 8 MiB)")
        for fmt in ("ndjson", "csv", "json"):
            small, large = base / f"small.{fmt}", base / f"large.{fmt}"
            write(small, fmt, 0)
            write(large, fmt, size)
            _, small_rss, small_time = measure(small)
            codes, rss, elapsed = measure(large)
            print(
                f"{fmt:7s} findings {codes:6s} peak {rss:6.1f} MB (small file {small_rss:5.1f} MB)"
                f"   {elapsed:5.2f} s (small file {small_time:4.2f} s)"
            )
        zero = base / "workspaces.ndjson"
        zero.symlink_to("/dev/zero")
        codes, rss, elapsed = measure(zero)
        print(f"/dev/zero as .ndjson: findings {codes}, peak {rss:.1f} MB, {elapsed:.2f} s")


if __name__ == "__main__":
    main()
