"""Progress of reading a source: the engine's ``(table, count)`` calls drawn on a :class:`Bar`.

Rows add up across tables; the bar names the table being read. For files the
total is their size, so the bar shows a share and an estimate from the bytes
read; a database or stdin has no known total, and the bar shows rows and rate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from restore_contracts.progress import REFRESH_PER_SECOND, Bar
from restore_contracts.validators.readers import FileSource, SpooledSource
from restore_contracts.validators.source import Record, Source


def total_bytes(source: Source) -> int | None:
    """The size of every file a source reads, or None when one of them has no known size."""
    parts = getattr(source, "parts", None)
    if parts is not None:
        sizes = [total_bytes(part) for part in parts]
        return None if any(size is None for size in sizes) else sum(s or 0 for s in sizes)
    if not isinstance(source, FileSource) or isinstance(source, SpooledSource):
        return None
    try:
        return source.path.stat().st_size or None
    except OSError:
        return None


def bytes_read(source: Source) -> int:
    """Bytes a source has read so far, each meter counted once.

    The files of a directory share one meter, and ``CombinedSource.bytes_read`` adds up
    its parts, which would count the shared meter once per file.
    """
    meters: dict[int, Any] = {}
    pending: list[Any] = [source]
    while pending:
        current = pending.pop()
        parts = getattr(current, "parts", None)
        if parts is not None:
            pending.extend(parts)
            continue
        meter = getattr(current, "meter", None)
        if meter is not None:
            meters[id(meter)] = meter
    if meters:
        return sum(int(meter.value) for meter in meters.values())
    return int(getattr(source, "bytes_read", 0))


class ProgressLine:
    """Called by the engine with a table and its rows so far; redraws at most 10 times a second.

    The rows shown are the rows of the tables read so far: a table read again (``truth``
    reads some tables in more than one pass) does not count twice.

    ``label`` names the command on the bar (``validate``, ``truth``); ``total`` is the
    bytes the bar counts towards (:func:`total_bytes`), None to count rows only.
    """

    def __init__(
        self,
        source: Source,
        bar: Bar,
        *,
        label: str = "validate",
        total: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.bar = bar
        self.label = label
        self.clock = clock
        self.total = total
        self.rows = 0
        self._last_table = ""
        self._counts: dict[str, int] = {}
        self._drawn = float("-inf")

    def __call__(self, table: str, count: int) -> None:
        self._last_table = table
        seen = self._counts.get(table, 0)
        if count > seen:
            self._counts[table] = count
            self.rows += count - seen
        now = self.clock()
        if now - self._drawn >= 1 / REFRESH_PER_SECOND:
            self._drawn = now
            self.draw()

    def draw(self) -> None:
        """Hand the current figures to the bar."""
        completed = None
        if self.total is not None:
            read = bytes_read(self.source)
            completed = min(read, self.total)
        table = self._last_table
        self.bar.update(
            rows=self.rows,
            completed=completed,
            description=f"{self.label} {table}" if table else None,
        )

    def done(self) -> None:
        """Draw the last figures and close the bar (a run stopped by an error stays short
        of 100%)."""
        self.draw()
        self.bar.close()


class CountingSource:
    """A source that reports the records read from it to a :class:`ProgressLine`.

    For readers that take records themselves (``truth``); every other attribute is
    the wrapped source's, so fast paths the source offers stay in use.
    """

    def __init__(self, source: Source, line: ProgressLine) -> None:
        self._source = source
        self._line = line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)

    @property
    def name(self) -> str:
        """The wrapped source's name."""
        return self._source.name

    def tables(self) -> list[str]:
        """The wrapped source's tables."""
        return self._source.tables()

    def records(self, table: str) -> Iterator[Record]:
        """The wrapped source's records, counted every 4096."""
        line = self._line
        count = 0
        for record in self._source.records(table):
            count += 1
            if not count & 4095:
                line(table, count)
            yield record
        line(table, count)

    def json_lines(self, table: str) -> Iterator[tuple[str, int | None, list[bytes]]] | None:
        """The wrapped source's NDJSON batches (when it offers them), counted per batch."""
        lines = getattr(self._source, "json_lines", None)
        texts = lines(table) if lines is not None else None
        if texts is None:
            return None
        return self._counted(table, texts)

    def _counted(
        self, table: str, texts: Iterator[tuple[str, int | None, list[bytes]]]
    ) -> Iterator[tuple[str, int | None, list[bytes]]]:
        count = 0
        for location, number, batch in texts:
            count += len(batch)
            self._line(table, count)
            yield location, number, batch

    def close(self) -> None:
        """Close the wrapped source."""
        self._source.close()


__all__ = ("CountingSource", "ProgressLine", "bytes_read", "total_bytes")
