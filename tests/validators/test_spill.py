"""Findings past a few thousand spill to a temporary file: the log reads back the same
findings in the same order, and every report and baseline is the same as with all in memory."""

from __future__ import annotations

import pickle
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.validators import spill
from restore_contracts.validators.findings import Finding
from restore_contracts.validators.spill import FindingLog


def findings(count: int) -> list[Finding]:
    """Distinct findings, in order."""
    return [
        Finding("RR101", "error", "restore_runs", i, "runs.ndjson", i, "/created_at", f"m{i}")
        for i in range(1, count + 1)
    ]


def test_log_reads_back_in_order() -> None:
    """Past ``keep`` the findings go to a file; iteration (also two at once, and while more
    are added), length, indexing, truncation and pickling see them all, in order."""
    expected = findings(10_000)
    log = FindingLog(keep=100)
    log.extend(expected[:6000])
    first = iter(log)
    head = [next(first) for _ in range(3000)]
    log.extend(expected[6000:])
    assert head == expected[:3000]
    assert list(log) == expected
    assert (len(log), log[7], log[9000], log[-1]) == (
        10_000,
        expected[7],
        expected[9000],
        expected[-1],
    )
    assert log == expected
    assert list(zip(log, log, strict=True)) == list(zip(expected, expected, strict=True))
    assert list(pickle.loads(pickle.dumps(log))) == expected
    del log[250:]
    assert list(log) == expected[:250]
    assert (bool(FindingLog()), bool(log)) == (False, True)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """An export whose 300 restore runs each carry one finding, and a few two."""
    out = tmp_path / "export"
    result = CliRunner().invoke(
        cli,
        [
            *("generate", "--scenario", "random", "--count", "300", "--seed", "4"),
            *("--format", "ndjson", "--out", str(out), "--table", "restore_runs"),
        ],
    )
    assert result.exit_code == 0, result.output
    path = out / "restore_runs.ndjson"
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line]
    for i, row in enumerate(rows):
        row["created_at"] = "yesterday"
        if i % 50 == 0:
            row["extra"] = i
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return out


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_spilled_reports_identical(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """With all but 10 findings in the temporary file, each report, the baseline written and
    the report against that baseline are those of a run holding every finding in memory."""
    outputs = []
    for keep in (1_000_000, 10):
        monkeypatch.setattr(spill, "MEMORY_FINDINGS", keep)
        monkeypatch.setattr(spill, "CHUNK", 7)
        base = tmp_path / f"baseline-{keep}.json"
        first = CliRunner().invoke(
            cli, ["validate", str(broken), "--format", fmt, "--write-baseline", str(base)]
        )
        again = CliRunner().invoke(
            cli, ["validate", str(broken), "--format", fmt, "--baseline", str(base)]
        )
        outputs.append(
            (first.exit_code, first.output, base.read_bytes(), again.exit_code, again.output)
        )
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1
    assert outputs[0][3] == 0
