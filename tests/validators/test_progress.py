"""The progress line: rows across tables, megabytes read and the rate, redrawn in place."""

from __future__ import annotations

import io
from collections.abc import Iterator

from restore_contracts.validators.progress import ProgressLine
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


def test_progress_line_counts_rows_over_tables() -> None:
    """Rows add up over tables; the line is redrawn with \\r and cleared at the end."""
    ticks = iter([0.0, 1.0, 2.0])
    stream = io.StringIO()
    line = ProgressLine(_Source(), stream, clock=lambda: next(ticks))
    line("workspaces", 1000)
    line("restore_runs", 3000)
    line.done()
    expected = (
        "\rworkspaces: 1,000 rows, 2.5 MB, 1,000 rows/s\x1b[K"
        "\rrestore_runs: 4,000 rows, 2.5 MB, 2,000 rows/s\x1b[K"
        "\r\x1b[K"
    )
    assert expected == stream.getvalue()
