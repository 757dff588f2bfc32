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


@pytest.mark.parametrize(
    "sizes", [[1] * 300, [5000], [4196], [99, 1, 4096, 4097, 3, 8200], [100, 0, 7]]
)
def test_extend_keeps_what_append_keeps(sizes: list[int]) -> None:
    """Adding a list at a time keeps the same findings in memory and in the file, in chunks
    of the same size, as adding them one by one (also from an iterator, not a list)."""
    expected = findings(sum(sizes))
    by_one, by_list, by_iter = FindingLog(keep=100), FindingLog(keep=100), FindingLog(keep=100)
    for finding in expected:
        by_one.append(finding)
    start = 0
    for size in sizes:
        by_list.extend(expected[start : start + size])
        by_iter.extend(iter(expected[start : start + size]))
        start += size

    def state(log: FindingLog) -> tuple[object, ...]:
        return (log._head, log._spilled, log._tail, list(log))

    assert state(by_list) == state(by_one)
    assert state(by_iter) == state(by_one)


def test_pickled_findings_join_in_order() -> None:
    """Findings given pickled are written as they are once the log spills (and refused while
    findings stay in memory); read back, they stand between those added before and after."""
    expected = findings(300)
    log = FindingLog(keep=100)
    log.extend(expected[:90])
    assert log.extend_pickled(pickle.dumps(expected[90:120]), 30) is False
    log.extend(expected[90:105])
    assert log.extend_pickled(pickle.dumps(expected[105:200]), 95) is True
    log.append(expected[200])
    assert log.extend_pickled(pickle.dumps(expected[201:300]), 99) is True
    assert (list(log), len(log)) == (expected, 300)


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
