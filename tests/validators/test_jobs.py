"""--jobs: restore runs checked in several processes give the report of one process, byte for
byte, in every format; bad values exit 2 with one line."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from restore_contracts.cli import cli
from restore_contracts.config import Assumptions
from restore_contracts.validators import parallel
from restore_contracts.validators.engine import Engine
from restore_contracts.validators.readers import _common, open_sources

SMALL_PARTITION = 4096
"""Bytes of lines per partition in these tests (the reader's batch), so that a small export is
cut into dozens of partitions and keys repeat across them."""


def invoke(*args: str) -> Result:
    """Run the CLI with ARGS."""
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated export whose restore_runs carry every kind of trouble a partition can split:
    keys repeated near and far (across partitions), unknown columns, lines that are not JSON,
    a row that is not an object, blank lines and values outside the vocabularies."""
    out = tmp_path_factory.mktemp("jobs") / "export"
    result = invoke(
        "generate",
        "--scenario",
        "random",
        "--count",
        "120",
        "--seed",
        "12",
        "--format",
        "ndjson",
        "--with-derived",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    path = out / "restore_runs.ndjson"
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line]
    lines: list[bytes] = []
    for i, row in enumerate(rows):
        if i % 9 == 0:
            row[f"extra_{i % 4}"] = i
        if i % 17 == 0:
            row["status"] = "not_a_status"
        lines.append(orjson.dumps(row))
        if i % 23 == 0:
            lines.append(b"{not json")
        if i % 31 == 0:
            lines.append(b"")
        if i % 40 == 5:
            lines.append(orjson.dumps(row))
        if i == 50:
            lines.append(b"[1, 2]")
    lines.extend(orjson.dumps(rows[i]) for i in range(0, len(rows), 25))
    path.write_bytes(b"\n".join(lines) + b"\n")
    return out


@pytest.fixture
def small_partitions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut restore_runs into many partitions: small batches of lines from the reader."""
    monkeypatch.setattr(_common, "CHUNK", SMALL_PARTITION)


@pytest.mark.usefixtures("small_partitions")
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_report_bytes_identical(export: Path, fmt: str) -> None:
    """--jobs 2 and --jobs 3 print the --jobs 1 report byte for byte, with its exit code."""
    one = invoke("validate", str(export), "--format", fmt, "--jobs", "1")
    two = invoke("validate", str(export), "--format", fmt, "--jobs", "2")
    three = invoke("validate", str(export), "--format", fmt, "--jobs", "3")
    assert (one.exit_code, one.output) == (two.exit_code, two.output)
    assert (one.exit_code, one.output) == (three.exit_code, three.output)
    assert one.exit_code == 1


@pytest.mark.usefixtures("small_partitions")
def test_engine_results_identical(export: Path) -> None:
    """The whole result (findings in order, rows, applied and skipped rules, applicable rows)
    is the same with two processes, and it holds findings the merge decides: keys repeated
    in other partitions, unknown columns counted over all of them."""
    results = []
    for jobs in (1, 2):
        source = open_sources([str(export)])
        engine = Engine(Assumptions(), jobs=jobs, count_applicable=["RR208", "RR301"])
        results.append(engine.run(source))
        source.close()
    one, two = results
    assert one.findings == two.findings
    assert (one.rows, one.applied, one.skipped, one.applicable) == (
        two.rows,
        two.applied,
        two.skipped,
        two.applicable,
    )
    duplicates = [f for f in one.findings if f.code == "RR006" and f.table == "restore_runs"]
    unknown = [f.message for f in one.findings if f.code == "RR103"]
    assert len(duplicates) == 8
    assert unknown == [
        'column "extra_0" is not in the restore_runs contract (5 rows; this is the one with the lowest id)',
        'column "extra_1" is not in the restore_runs contract (5 rows; this is the one with the lowest id)',
        'column "extra_2" is not in the restore_runs contract (3 rows; this is the one with the lowest id)',
        'column "extra_3" is not in the restore_runs contract (3 rows; this is the one with the lowest id)',
    ]


@pytest.mark.usefixtures("small_partitions")
def test_unknown_column_overflow_reads_again(export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A partition with more unknown column names than it counts makes the table read again in
    one process: the result is still that of one process."""
    monkeypatch.setattr(parallel, "PARTITION_UNKNOWN_COLUMNS", 0)
    outcomes: list[bool] = []
    read = parallel.read_in_parallel

    def spy(*args: Any) -> bool:
        outcomes.append(read(*args))
        return outcomes[-1]

    monkeypatch.setattr(parallel, "read_in_parallel", spy)
    results = []
    for jobs in (1, 2):
        source = open_sources([str(export)])
        results.append(Engine(Assumptions(), jobs=jobs).run(source))
        source.close()
    assert outcomes == [False]
    assert results[0].findings == results[1].findings
    assert results[0].rows == results[1].rows


@pytest.mark.usefixtures("small_partitions")
@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_truth_identical(export: Path, fmt: str) -> None:
    """truth --jobs 2 prints the --jobs 1 report byte for byte."""
    args = ["truth", str(export), "--format", fmt, "--date", "2026-03-01"]
    one = invoke(*args, "--jobs", "1")
    two = invoke(*args, "--jobs", "2")
    assert one.exit_code == 0, one.output
    assert (one.exit_code, one.output) == (two.exit_code, two.output)


@pytest.mark.parametrize("command", ["validate", "truth"])
@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", ""])
def test_bad_jobs_exit_2(export: Path, command: str, value: str) -> None:
    """A --jobs that is not a positive number or auto exits 2 with one line."""
    result = invoke(command, str(export), "--jobs", value)
    expected = f"Error: --jobs must be a positive whole number or auto, not {value!r}\n"
    assert (result.exit_code, result.output) == (2, expected)


def test_auto_is_every_available_core() -> None:
    """--jobs auto means the cores this process may run on."""
    assert parallel.parse_jobs("auto") == len(os.sched_getaffinity(0))
    assert parallel.parse_jobs(" 3 ") == 3


def test_spans_cut_at_line_ends(tmp_path: Path) -> None:
    """A file is cut into spans of whole lines (up to the last line end of each block read)
    with the number of each span's first line; a line longer than a block makes a longer span,
    and a last line without a newline is a span of its own."""
    path = tmp_path / "restore_runs.ndjson"
    path.write_bytes(b"aa\nbb\n" + b"c" * 10 + b"\nd\ne")

    class Part:
        name = "runs"
        format = "ndjson"

        def __init__(self) -> None:
            self.path = path

    found = list(parallel.spans([Part()], 4))
    assert found == [
        ("runs", 1, str(path), 0, 3),
        ("runs", 2, str(path), 3, 3),
        ("runs", 3, str(path), 6, 13),
        ("runs", 5, str(path), 19, 1),
    ]
    assert [parallel.lines_of(span)[2] for span in found] == [
        [b"aa\n"],
        [b"bb\n"],
        [b"cccccccccc\n", b"d\n"],
        [b"e"],
    ]


@pytest.mark.usefixtures("small_partitions")
def test_hostile_lines_read_as_one_process_reads_them(export: Path, tmp_path: Path) -> None:
    """CR-only line ends and a line past max_line_bytes: --jobs 2 reads every line exactly as
    --jobs 1 does (the workers get the reader's lines, never a file span of their own)."""
    hostile = tmp_path / "export"
    hostile.mkdir()
    for path in export.iterdir():
        (hostile / path.name).write_bytes(path.read_bytes())
    runs = hostile / "restore_runs.ndjson"
    lines = runs.read_bytes().split(b"\n")
    lines[3] = b'{"id": 1, "status": "' + b"x" * 5000 + b'"}'
    runs.write_bytes(b"\r".join(lines))
    config = tmp_path / "restore-contracts.toml"
    config.write_text("max_line_bytes = 4096\n")
    outputs = [
        invoke(
            "--config", str(config), "validate", str(hostile), "--format", "json", "--jobs", jobs
        )
        for jobs in ("1", "2")
    ]
    found = orjson.loads(outputs[0].output)["findings"]
    assert (outputs[0].exit_code, outputs[0].output) == (outputs[1].exit_code, outputs[1].output)
    assert [f["code"] for f in found if f["line"] == 4 and f["table"] == "restore_runs"] == [
        "RR022"
    ]


def _raise_on_sigterm(signum: int, _frame: Any) -> None:
    raise RuntimeError(signum)


def test_workers_end_quietly_when_the_pool_terminates_them() -> None:
    """A worker does not keep the parent's SIGTERM handler (the CLI's raises), so the pool's
    SIGTERM at the end of a read ends it without a traceback on stderr."""
    previous = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(1, initializer=parallel._start_worker, initargs=(None,)) as pool:
            handler = pool.apply(signal.getsignal, (signal.SIGTERM,))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert handler == signal.SIG_DFL
