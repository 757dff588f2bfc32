"""`make demo` fits on a screen: each step's whole output goes to a file the demo names."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RC = Path(sys.executable).parent / "restore-contracts"


def _verdicts(report: str) -> list[str]:
    """Each answered question of the truth report as 'N. key: verdict' (what the demo shows)."""
    lines: list[str] = []
    number = key = ""
    for line in report.splitlines():
        heading = re.match(r"^### (\d+\.) .*\(`([a-z_]+)`\)$", line)
        if heading:
            number, key = heading.groups()
        elif line.startswith("Verdict: "):
            lines.append(f"    {number} {key}: {line.split('**')[1]}")
    return lines


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_prints_a_screenful_and_writes_the_whole_truth_report(tmp_path: Path) -> None:
    """The demo prints each command with the file of its output and the truth verdicts, < 25 lines."""
    demo, db = tmp_path / "demo-out", tmp_path / "demo.db"
    done = subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(ROOT),
            "-o",
            ".venv/.installed-stamp",
            "demo",
            f"RC={RC}",
            f"DEMO={demo}",
            f"DEMO_DB={db}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    url = f"sqlite:///{db}"
    truth = (demo / "truth.md").read_text(encoding="utf-8")
    assert truth.startswith("## Truth report\n")
    first = {
        name: (demo / name).read_text(encoding="utf-8").splitlines()
        for name in ("generate.txt", "seed.txt", "validate.txt")
    }
    expected = [
        f"restore-contracts schemas --out {demo}/schemas > {demo}/schemas.txt",
        f"restore-contracts statuses > {demo}/statuses.txt",
        f"restore-contracts derivations > {demo}/derivations.txt",
        f"restore-contracts scenarios > {demo}/scenarios.txt",
        f"restore-contracts generate --scenario coverage --seed 1 --format ndjson --out "
        f"{demo}/fixtures > {demo}/generate.txt",
        f"    wrote 17 world(s), 200 row(s) as ndjson to {demo}/fixtures",
        f"restore-contracts db seed {url} --scenario coverage --seed 1 > {demo}/seed.txt",
        f"    {url}: seeded 17 world(s), 200 row(s) in one transaction",
        f"restore-contracts validate {url} > {demo}/validate.txt",
        f"    {first['validate.txt'][-1]}",
        f"restore-contracts truth {url} > {demo}/truth.md",
        *_verdicts(truth),
    ]
    assert done.stdout.splitlines() == expected
    assert first["validate.txt"][-1].startswith(f"{url}: passed (fail on error): ")
    assert len(_verdicts(truth)) >= 5
    assert len(expected) <= 25
    assert len(truth.splitlines()) > 200  # the report itself is whole, in the file
