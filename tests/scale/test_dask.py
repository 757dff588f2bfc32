"""restore_contracts.dask: validation and the truth report of a partitioned export on a
distributed cluster give the findings and figures of one process reading the same files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from restore_contracts.cli import cli
from restore_contracts.config import Assumptions
from restore_contracts.dask import (
    DaskPartitions,
    partitioned_source,
    truth_partitioned,
    validate_partitioned,
)
from restore_contracts.truth import truth_report
from restore_contracts.validators.engine import Engine

PARTITION_BYTES = 16384
"""Small spans, so that each part file is several partitions too."""

DAY = date(2026, 3, 1)


def split(path: Path, parts: int) -> None:
    """Move a table file into a directory of ``parts`` part files (rows in order)."""
    lines = path.read_bytes().splitlines(keepends=True)
    folder = path.with_suffix("")
    folder.mkdir()
    size = -(-len(lines) // parts)
    for index in range(parts):
        chunk = b"".join(lines[index * size : (index + 1) * size])
        (folder / f"part-{index:04d}.ndjson").write_bytes(chunk)
    path.unlink()


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A partitioned export (a directory of part files per table) of generated worlds whose
    restore runs repeat keys across parts, carry unknown columns and lines that are not JSON."""
    out = tmp_path_factory.mktemp("dask") / "export"
    args = ["generate", "--scenario", "random", "--count", "60", "--seed", "5"]
    args += ["--format", "ndjson", "--with-derived", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    runs = out / "restore_runs.ndjson"
    rows = [orjson.loads(line) for line in runs.read_bytes().splitlines() if line]
    lines = []
    for i, row in enumerate(rows):
        if i % 7 == 0:
            row[f"extra_{i % 3}"] = i
        lines.append(orjson.dumps(row))
        if i % 19 == 0:
            lines.append(b"{not json")
    lines.extend(orjson.dumps(rows[i]) for i in range(0, len(rows), 15))
    runs.write_bytes(b"\n".join(lines) + b"\n")
    for table in ("restore_runs", "backup_items", "operation_runs"):
        split(out / f"{table}.ndjson", 4)
    return out


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A local cluster of two worker processes."""
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


def one_process(export: Path) -> Any:
    """The single-process validation of the same files."""
    source = partitioned_source(export)
    try:
        return Engine(Assumptions()).run(source)
    finally:
        source.close()


def test_findings_identical(export: Path, client: Client) -> None:
    """Findings (in order), rows, applied and skipped rules are those of one process, over
    more than four partitions checked on two worker processes."""
    runner = DaskPartitions(client, PARTITION_BYTES)
    source = partitioned_source(export)
    distributed = Engine(Assumptions(), partitions=runner).run(source)
    source.close()
    single = one_process(export)
    assert runner.partitions >= 4
    assert distributed.findings == single.findings
    assert (distributed.rows, distributed.applied, distributed.skipped) == (
        single.rows,
        single.applied,
        single.skipped,
    )
    assert {"RR001", "RR006", "RR103"} <= set(single.counts())
    again = validate_partitioned(export, client=client, partition_bytes=PARTITION_BYTES)
    assert again.findings == single.findings


def test_truth_identical(export: Path, client: Client) -> None:
    """The truth report (every figure, hold rates included) is that of one process."""
    source = partitioned_source(export)
    single = truth_report(source, Assumptions(), report_date=DAY, measure_holds=True)
    source.close()
    distributed = truth_partitioned(
        export, report_date=DAY, client=client, partition_bytes=PARTITION_BYTES
    )
    assert distributed == single
    assert distributed["questions"]["assumption_hold_rates"]["rules"]


def test_not_a_directory() -> None:
    """A path that is not a directory of partitioned tables is a one-line input error."""
    from restore_contracts.errors import InputError

    with pytest.raises(InputError) as raised:
        partitioned_source(Path("nowhere"))
    assert str(raised.value) == "nowhere: not a directory of partitioned tables"
