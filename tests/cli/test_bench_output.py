"""The benchmarks report medians and print each figure beside its target (tiny inputs here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = re.compile(r"\(target >= [0-9.,]+x?: (holds|DOES NOT HOLD)\)")


def test_bench_validate_prints_medians_and_each_figure_beside_its_target() -> None:
    """bench_validate says 'median of N rounds' and puts a target verdict on each ratio line."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_validate.py"),
            "--rows",
            "300",
            "--skip-million",
            "--rounds",
            "3",
            "--schema-sample",
            "10",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert "rates: CPU time, median of 3 interleaved rounds (2 shared cores)" in lines
    ratios = [line for line in lines if line.startswith("validation / ")]
    assert [line.split(" = ")[0] for line in ratios] == [
        "validation / orjson parse",
        "validation / jsonschema  ",
    ]
    assert all(TARGET.search(line) for line in ratios), ratios
