"""Progress bars on stderr for the commands that can run long (rich's ``Progress``).

A bar is drawn only when stderr is a terminal, unless ``--progress`` forces it
(or ``--no-progress`` turns it off). It never touches stdout: reports and
``generate --out -`` are the same bytes with and without it. rich redraws from
its own thread at most ten times a second, so a caller's update is only a few
attribute writes; rich is imported only when a bar is shown.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TextIO, TypeVar

import click

REFRESH_PER_SECOND = 10
"""Redraws a second at most: callers update the bar no more often than this."""

PROGRESS_OPTION = click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: when stderr is a terminal).",
)
"""The same option on every long command."""

T = TypeVar("T")


def wanted(flag: bool | None, stream: TextIO | None = None) -> bool:
    """``--progress``/``--no-progress`` when given, else whether the stream is a terminal."""
    if flag is not None:
        return flag
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def _rate(rows: int, elapsed: float | None, unit: str) -> str:
    if not elapsed or elapsed <= 0:
        return f"- {unit}/s"
    return f"{rows / elapsed:,.0f} {unit}/s"


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds + 0.5)
    return f"ETA {whole // 3600}:{whole % 3600 // 60:02}:{whole % 60:02}"


class Bar:
    """One bar: what is being done, rows so far, their rate and, with a total, an estimate.

    ``total`` counts what ``completed`` counts (worlds, bytes); None when it is
    not known, and then the bar pulses and no estimate is shown. ``unit`` names what
    the row count counts (``rows read`` where a command reads tables more than once).
    """

    def __init__(
        self,
        description: str,
        *,
        total: float | None = None,
        unit: str = "rows",
        stream: TextIO | None = None,
        force: bool = False,
    ) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, ProgressColumn, TaskProgressColumn
        from rich.text import Text

        class _Info(ProgressColumn):
            """Rows, rate and estimate in one column, so unknown parts leave no placeholder."""

            def render(self, task: Any) -> Text:
                rows = int(task.fields.get("rows", 0))
                parts = [f"{rows:,} {unit}", _rate(rows, task.elapsed, unit)]
                if task.total is not None and not task.finished:
                    eta = _eta(task.time_remaining)
                    if eta:
                        parts.append(eta)
                return Text("  ".join(parts))

        console = Console(
            file=stream if stream is not None else sys.stderr,
            force_terminal=True if force else None,
            highlight=False,
        )
        columns: list[Any] = ["{task.description}", BarColumn(bar_width=24)]
        if total is not None:
            columns.append(TaskProgressColumn())
        columns.append(_Info())
        self._progress = Progress(
            *columns,
            console=console,
            auto_refresh=False,
            redirect_stdout=False,
            redirect_stderr=False,
            transient=False,
        )
        self._task = self._progress.add_task(description, total=total, rows=0)
        self.rows = 0

    def start(self) -> Bar:
        """Start drawing (from rich's refresh thread)."""
        self._progress.start()
        return self

    def __enter__(self) -> Bar:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def update(
        self,
        *,
        rows: int | None = None,
        completed: float | None = None,
        description: str | None = None,
        total: float | None = None,
    ) -> None:
        """Set the rows so far (and what ``total`` counts, the description and the total,
        if given)."""
        if rows is not None:
            self.rows = rows
        self._progress.update(
            self._task, completed=completed, description=description, total=total, rows=self.rows
        )
        self._progress.refresh()

    def close(self) -> None:
        """Draw the final state (rich's stop redraws) and leave it on its own line."""
        self._progress.stop()


@contextlib.contextmanager
def showing(
    flag: bool | None, description: str, *, total: float | None = None, unit: str = "rows"
) -> Iterator[Bar | None]:
    """A started bar on stderr when :func:`wanted` says so (closed on the way out), else None."""
    if not wanted(flag):
        yield None
        return
    with Bar(description, total=total, unit=unit, force=bool(flag)) as bar:
        yield bar


def counted(items: Iterable[T], bar: Bar | None, rows_of: Callable[[T], int]) -> Iterator[T]:
    """Pass items through, advancing the bar by one and by their rows, at most every 0.1 s."""
    if bar is None:
        yield from items
        return
    done = rows = 0
    last = 0.0
    clock = time.monotonic
    for item in items:
        done += 1
        rows += rows_of(item)
        now = clock()
        if now - last >= 1 / REFRESH_PER_SECOND:
            last = now
            bar.update(rows=rows, completed=done)
        yield item
    bar.update(rows=rows, completed=done)


__all__ = ("PROGRESS_OPTION", "REFRESH_PER_SECOND", "Bar", "counted", "showing", "wanted")
