"""--jobs: restore runs checked in several processes give the report of one process, byte for
byte, in every format; bad values exit 2 with one line."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from restore_contracts.cli import cli
from restore_contracts.config import Assumptions
from restore_contracts.validators import parallel, spill
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


@pytest.fixture(params=["spans", "lines"])
def small_partitions(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[int]]:
    """Cut restore_runs into many partitions, both ways the parent can: spans of the file that
    the workers read themselves, or the reader's batches of lines (the way for files that are
    not regular). Yields the kinds of partition merged (5: span, 3: lines), and checks that
    they were the ones asked for."""
    monkeypatch.setattr(_common, "CHUNK", SMALL_PARTITION)
    monkeypatch.setattr(parallel, "PARTITION_BYTES", SMALL_PARTITION)
    if request.param == "lines":
        monkeypatch.setattr(parallel, "regular_files", lambda source, table: None)
    merged: list[int] = []
    add = parallel.Merge.add

    def counted(self: parallel.Merge, partial: parallel.Partial, task: parallel.Task) -> None:
        merged.append(len(task))
        add(self, partial, task)

    monkeypatch.setattr(parallel.Merge, "add", counted)
    yield merged
    assert set(merged) <= {5 if request.param == "spans" else 3}


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_report_bytes_identical(export: Path, fmt: str, small_partitions: list[int]) -> None:
    """--jobs 2 and --jobs 3 print the --jobs 1 report byte for byte, with its exit code."""
    one = invoke("validate", str(export), "--format", fmt, "--jobs", "1")
    two = invoke("validate", str(export), "--format", fmt, "--jobs", "2")
    three = invoke("validate", str(export), "--format", fmt, "--jobs", "3")
    assert (one.exit_code, one.output) == (two.exit_code, two.output)
    assert (one.exit_code, one.output) == (three.exit_code, three.output)
    assert one.exit_code == 1
    assert len(small_partitions) > 2 * 20  # two runs, each of dozens of partitions


@pytest.mark.parametrize("fmt", ["text", "json", "junit"])
def test_pickled_findings_read_back_alike(
    export: Path, fmt: str, small_partitions: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers send their findings pickled and the parent writes them to its log's file as
    they are (past the findings kept in memory; read when a repeated key's finding goes among
    them): the report is still --jobs 1's, byte for byte."""
    monkeypatch.setattr(spill, "MEMORY_FINDINGS", 20)
    monkeypatch.setattr(parallel, "PICKLED_FROM", 1)
    written: list[bool] = []
    extend_pickled = spill.FindingLog.extend_pickled

    def counted(self: spill.FindingLog, data: bytes, count: int) -> bool:
        written.append(extend_pickled(self, data, count))
        return written[-1]

    monkeypatch.setattr(spill.FindingLog, "extend_pickled", counted)
    read: list[int] = []
    loads = parallel.Pickled.findings

    def loaded(self: parallel.Pickled) -> list[Any]:
        read.append(self.count)
        return loads(self)

    monkeypatch.setattr(parallel.Pickled, "findings", loaded)
    one = invoke("validate", str(export), "--format", fmt, "--jobs", "1")
    two = invoke("validate", str(export), "--format", fmt, "--jobs", "2")
    assert (one.exit_code, one.output) == (two.exit_code, two.output)
    assert written.count(True) > 10  # written as they are
    # read: the first findings (kept in memory), and those a repeated key's finding joins
    assert len(read) > written.count(False) > 0


def test_engine_results_identical(export: Path, small_partitions: list[int]) -> None:
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
    assert len(small_partitions) > 20
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


class _Part:
    """A file of restore runs as the parent sees a source's NDJSON file."""

    name = "runs"
    format = "ndjson"

    def __init__(self, path: Path) -> None:
        self.path = path


def test_spans_cut_at_line_ends(tmp_path: Path) -> None:
    """A file is cut into spans of whole lines (up to the last line end within the size asked)
    with the number of each span's first line; a line longer than that makes a longer span,
    and the last span runs to the end of the file."""
    path = tmp_path / "restore_runs.ndjson"
    path.write_bytes(b"aa\nbb\n" + b"c" * 10 + b"\nd\ne")
    found = list(parallel.spans([_Part(path)], 4))
    assert found == [
        ("runs", 1, str(path), 0, 3),
        ("runs", 2, str(path), 3, 3),
        ("runs", 3, str(path), 6, 14),
    ]
    assert [parallel.lines_of(span)[2] for span in found] == [
        [b"aa\n"],
        [b"bb\n"],
        [b"cccccccccc\n", b"d\n", b"e"],
    ]


@pytest.mark.parametrize("length", [1, 7, 300])
def test_spans_number_lines_as_the_reader_does(tmp_path: Path, length: int) -> None:
    """Each span's first line number is the number the reader gives that line, whatever the
    line ends (LF, CRLF, lone CR) and however many lines a span holds (a span's line ends are
    found one by one up to a point, then counted)."""
    ends = [b"\n", b"\r\n", b"\n", b"\r", b"\n\n", b"\n"]
    lines = [b"x" * (length + i % 5) + ends[(i // 7001) % len(ends)] for i in range(40_000)]
    path = tmp_path / "restore_runs.ndjson"
    data = b"".join(lines)
    path.write_bytes(data)
    found = list(parallel.spans([_Part(path)], 32_768))
    assert len(found) > 3
    assert b"".join(data[s[3] : s[3] + s[4]] for s in found) == data
    numbers = [s[1] for s in found]
    expected = [1]
    for span in found[:-1]:
        expected.append(expected[-1] + len(data[span[3] : span[3] + span[4]].splitlines()))
    assert numbers == expected


@pytest.mark.usefixtures("small_partitions")
def test_hostile_lines_read_as_one_process_reads_them(export: Path, tmp_path: Path) -> None:
    """CR-only line ends and a line past max_line_bytes: --jobs 2 reads every line exactly as
    --jobs 1 does (a file with no LF at all is one line too long to cut into spans, so the
    workers get the reader's lines)."""
    hostile = copy_export(export, tmp_path / "export")
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


def copy_export(export: Path, target: Path) -> Path:
    """A copy of the generated export to change."""
    target.mkdir()
    for path in export.iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    return target


def test_mixed_line_ends_number_as_one_process(
    export: Path, tmp_path: Path, small_partitions: list[int]
) -> None:
    """LF, CRLF and lone-CR line ends mixed in one file: the spans the parent cuts number their
    lines as the reader does, so every finding keeps its line."""
    mixed = copy_export(export, tmp_path / "export")
    runs = mixed / "restore_runs.ndjson"
    ends = [b"\n", b"\r\n", b"\r", b"\n", b"\n\r\n"]
    lines = runs.read_bytes().split(b"\n")
    runs.write_bytes(b"".join(line + ends[i % len(ends)] for i, line in enumerate(lines)))
    one, two = (
        invoke("validate", str(mixed), "--format", "json", "--jobs", jobs) for jobs in ("1", "2")
    )
    assert (one.exit_code, one.output) == (two.exit_code, two.output)
    numbered = [f["line"] for f in orjson.loads(one.output)["findings"] if f["line"]]
    assert max(numbered) > len(lines)  # lone CRs and the blank CRLF lines counted
    assert len(small_partitions) > 20


@pytest.mark.usefixtures("small_partitions")
def test_line_one_process_gives_up_on(export: Path, tmp_path: Path) -> None:
    """A line so long that one process stops reading the file there: the parent cannot cut
    spans that read like that, and the table is read as one process reads it."""
    endless = copy_export(export, tmp_path / "export")
    runs = endless / "restore_runs.ndjson"
    lines = runs.read_bytes().split(b"\n")
    lines[40] = b'{"id": 1, "note": "' + b"x" * 300_000 + b'"}'
    runs.write_bytes(b"\n".join(lines))
    config = tmp_path / "restore-contracts.toml"
    config.write_text("max_line_bytes = 16384\n")  # gives up past 256 KiB
    outputs = [
        invoke("--config", str(config), "validate", str(endless), "--format", "json", "--jobs", j)
        for j in ("1", "2")
    ]
    assert (outputs[0].exit_code, outputs[0].output) == (outputs[1].exit_code, outputs[1].output)
    found = orjson.loads(outputs[0].output)
    too_long = [(f["line"], f["message"]) for f in found["findings"] if f["code"] == "RR022"]
    assert too_long[-1] == (
        41,
        "the line runs for more than 262144 bytes without an end; the rest of the input is not "
        "read",
    )
    lines_found = [f["line"] for f in found["findings"] if f["table"] == "restore_runs"]
    assert max(lines_found) == 41  # nothing after the line one process gives up on


def test_psql_copy_text_refused_before_workers_start(export: Path, tmp_path: Path) -> None:
    """psql COPY text in the first lines of the file is refused with the one process's line."""
    copied = copy_export(export, tmp_path / "export")
    runs = copied / "restore_runs.ndjson"
    lines = runs.read_bytes().split(b"\n")
    lines[2] = b'{"id": 3, "note": "a\\\\/b \\\\u00c4"}'
    runs.write_bytes(b"\n".join(lines))
    one, two = (invoke("validate", str(copied), "--jobs", jobs) for jobs in ("1", "2"))
    assert one.exit_code == 2
    assert "line 3 is psql COPY text" in one.output
    assert (one.exit_code, one.output) == (two.exit_code, two.output)


def test_only_regular_files_are_cut_into_spans(tmp_path: Path) -> None:
    """A file that can be read only once, in order (a FIFO), is never cut into spans that
    workers would read again; a regular file is."""

    class Part(_Part):
        def tables(self) -> list[str]:
            return ["restore_runs"]

        def json_lines(self, table: str) -> Iterator[Any]:
            return iter(())

    fifo = tmp_path / "fifo.ndjson"
    os.mkfifo(fifo)
    plain = tmp_path / "plain.ndjson"
    plain.write_bytes(b"{}\n")
    assert parallel.regular_files(Part(fifo), "restore_runs") is None  # type: ignore[arg-type]
    found = parallel.regular_files(Part(plain), "restore_runs")  # type: ignore[arg-type]
    assert [part.path for part in found or []] == [plain]


def test_workers_end_quietly(export: Path) -> None:
    """The command line with --jobs 2 prints nothing on stderr: workers end without a trace
    when the pool closes (they do not inherit the parent's SIGTERM handler)."""
    command = [str(Path(sys.executable).with_name("restore-contracts")), "validate"]
    done = subprocess.run(
        [*command, str(export), "--jobs", "2", "--no-progress", "--format", "json"],
        capture_output=True,
        check=False,
    )
    alone = subprocess.run(
        [*command, str(export), "--jobs", "1", "--no-progress", "--format", "json"],
        capture_output=True,
        check=False,
    )
    assert (done.returncode, done.stderr, done.stdout) == (1, b"", alone.stdout)


def _worker_signals(_: int) -> tuple[Any, Any]:
    return signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)


def test_workers_do_not_inherit_the_sigterm_handler(export: Path) -> None:
    """A worker ends on the SIGTERM the pool sends when it closes, without running the parent's
    handler (which unwinds to clean up and, in a worker, printed a traceback), and leaves
    Ctrl-C to the parent."""

    def parent_handler(signum: int, frame: Any) -> None:
        raise AssertionError("not the worker's")

    previous = signal.signal(signal.SIGTERM, parent_handler)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(1, initializer=parallel._start_worker, initargs=(None, None)) as pool:
            found = pool.map(_worker_signals, [0])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert found == [(signal.SIG_DFL, signal.SIG_IGN)]


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_truth_figures_that_depend_on_order(
    export: Path, tmp_path: Path, small_partitions: list[int], jobs: str
) -> None:
    """The truth report's figures that depend on the order of the runs (examples kept up to a
    limit, the first 100 values outside a vocabulary kept one by one and the rest together,
    first and latest times) are those of one process when the runs are observed in workers."""
    odd = copy_export(export, tmp_path / "export")
    runs = odd / "restore_runs.ndjson"
    rows = []
    for number, line in enumerate(runs.read_bytes().splitlines()):
        try:
            row = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(row, dict) or not isinstance(row.get("results"), dict):
            continue
        items = row["results"].get("items")
        if isinstance(items, dict):
            for key, outcome in list(items.items())[:2]:
                if isinstance(outcome, dict):
                    items[key] = {**outcome, "status": f"odd_{number}_{key}"}
        rows.append(orjson.dumps(row))
    runs.write_bytes(b"\n".join(rows) + b"\n")
    args = ["truth", str(odd), "--format", "json", "--date", "2026-03-01", "--examples", "3"]
    one = invoke(*args, "--jobs", "1")
    many = invoke(*args, "--jobs", jobs)
    assert one.exit_code == 0, one.output
    assert (one.exit_code, one.output) == (many.exit_code, many.output)
    assert "(other values)" in one.output
    assert len(small_partitions) > 20
