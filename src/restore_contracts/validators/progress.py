"""A progress line on stderr (rows, bytes, rate), drawn only when stderr is a terminal."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from restore_contracts.validators.source import Source


class ProgressLine:
    """Redraws one status line; ``done`` clears it so reports start on a clean line."""

    def __init__(
        self, source: Source, stream: TextIO, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self.source = source
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.rows = 0
        self._last_table = ""
        self._last_count = 0

    def __call__(self, table: str, count: int) -> None:
        if table != self._last_table:
            self._last_table = table
            self._last_count = 0
        self.rows += count - self._last_count
        self._last_count = count
        elapsed = max(self.clock() - self.started, 1e-9)
        read = int(getattr(self.source, "bytes_read", 0))
        self.stream.write(
            f"\r{table}: {self.rows:,} rows, {read / 1e6:,.1f} MB, "
            f"{self.rows / elapsed:,.0f} rows/s\x1b[K"
        )
        self.stream.flush()

    def done(self) -> None:
        """Erase the line."""
        self.stream.write("\r\x1b[K")
        self.stream.flush()


__all__ = ("ProgressLine",)
