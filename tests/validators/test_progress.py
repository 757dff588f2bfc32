"""The engine's progress calls: rows of the tables read so far, drawn at most ten times a second."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from restore_contracts.validators.progress import (
    CountingSource,
    ProgressLine,
    bytes_read,
    total_bytes,
)
from restore_contracts.validators.readers import CombinedSource, FileSource, open_source
from restore_contracts.validators.readers.memory import RowsSource
from restore_contracts.validators.source import Record


class _Source:
    name = "export"
    bytes_read = 2_500_000

    def tables(self) -> list[str]:
        return []

    def records(self, table: str) -> Iterator[Record]:
        return iter(())

    def close(self) -> None:
        pass


class _Bar:
    """Records what the bar was told."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.closed = False

    def update(self, **figures: Any) -> None:
        self.calls.append(figures)

    def close(self) -> None:
        self.closed = True


def test_rows_add_up_over_tables_and_redraws_are_throttled() -> None:
    """Rows add over tables, a table read again does not count twice, and a call within
    0.1 s of the last redraw is counted but not drawn."""
    ticks = iter([0.0, 0.05, 0.2, 0.25, 0.5])
    bar = _Bar()
    line = ProgressLine(_Source(), bar, clock=lambda: next(ticks))  # type: ignore[arg-type]
    line("workspaces", 1000)
    line("workspaces", 1500)
    line("restore_runs", 3000)
    line("workspaces", 700)
    line("workspaces", 1500)
    line.done()
    assert bar.calls == [
        {"rows": 1000, "completed": None, "description": "validate workspaces"},
        {"rows": 4500, "completed": None, "description": "validate restore_runs"},
        {"rows": 4500, "completed": None, "description": "validate workspaces"},
        {"rows": 4500, "completed": None, "description": "validate workspaces"},
    ]
    assert bar.closed


def test_a_known_size_is_counted_in_bytes_up_to_the_total() -> None:
    """With a total the bar counts bytes read, never past the total."""
    bar = _Bar()
    line = ProgressLine(_Source(), bar, total=2_000_000, clock=lambda: 0.0)  # type: ignore[arg-type]
    line("restore_runs", 10)
    line.done()
    assert bar.calls == [
        {"rows": 10, "completed": 2_000_000, "description": "validate restore_runs"},
        {"rows": 10, "completed": 2_000_000, "description": "validate restore_runs"},
    ]


def test_a_run_stopped_before_any_table_keeps_its_description() -> None:
    """Closing before the engine read a table leaves the bar's description and share alone."""
    bar = _Bar()
    line = ProgressLine(_Source(), bar, total=5_000_000, clock=lambda: 0.0)  # type: ignore[arg-type]
    line.done()
    assert (bar.calls, bar.closed) == (
        [{"rows": 0, "completed": 2_500_000, "description": None}],
        True,
    )


def test_total_bytes_is_the_size_of_the_files(tmp_path: Path) -> None:
    """Files have their size as the total; a combination sums them; rows in memory have none."""
    first, second = tmp_path / "workspaces.ndjson", tmp_path / "restore_runs.ndjson"
    first.write_bytes(b'{"id": 1}\n')
    second.write_bytes(b'{"id": 1}\n{"id": 2}\n')
    combined = CombinedSource([FileSource(first), FileSource(second)], "both")
    memory = RowsSource({"workspaces": [{"id": 1}]})
    assert (total_bytes(FileSource(first)), total_bytes(combined), total_bytes(memory)) == (
        10,
        30,
        None,
    )


def test_counting_source_reports_every_record_it_hands_on() -> None:
    """Reading a table through the counting source hands on the same records and reports
    their number."""
    source = RowsSource({"workspaces": [{"id": n} for n in range(5000)]})
    bar = _Bar()
    ticks = itertools.count()
    line = ProgressLine(source, bar, label="truth", clock=lambda: float(next(ticks)))
    counting = CountingSource(source, line)
    records = list(counting.records("workspaces"))
    assert [r.data for r in records] == [r.data for r in source.records("workspaces")]
    assert (counting.name, counting.tables(), line.rows, bar.calls) == (
        source.name,
        source.tables(),
        5000,
        [
            {"rows": 4096, "completed": None, "description": "truth workspaces"},
            {"rows": 5000, "completed": None, "description": "truth workspaces"},
        ],
    )


def test_bytes_read_counts_a_shared_meter_once(tmp_path: Path) -> None:
    """A directory's files share one meter; the bytes read are the file's bytes, not one count
    per file."""
    for name in ("workspaces", "restore_runs"):
        (tmp_path / f"{name}.ndjson").write_bytes(b'{"id": 1}\n')
    source = open_source(str(tmp_path))
    assert isinstance(source, CombinedSource)
    records = list(source.records("workspaces"))
    assert (len(records), bytes_read(source), total_bytes(source)) == (1, 10, 20)
