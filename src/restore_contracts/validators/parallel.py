"""Restore runs checked in several processes: a map over partitions and an ordered merge.

The referenced tables are read once, in the parent, into the indexes; worker
processes are then forked, so each inherits those indexes (and the rules'
context) without copying or pickling them. ``restore_runs`` is cut into the
batches of lines its reader yields; each batch is checked in a worker
(:func:`check_partition`) into a :class:`Partial` (its findings, rows, the keys
it saw with where each row's findings start, and its unknown columns), and the
parent merges the partials in reading order (:class:`Merge`). What only the
whole table can tell, a key repeated in two partitions, is decided in the
merge, and its finding is put where one process would have put it: the
findings, their order and every count are those of one process.

The same two functions serve any engine that can map over partitions (see
:mod:`restore_contracts.dask`).
"""

from __future__ import annotations

import gc
import io
import mmap
import multiprocessing
import os
import pickle
import signal
import stat
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from restore_contracts.errors import InputError
from restore_contracts.validators.engine import PartitionObserver
from restore_contracts.validators.findings import Finding
from restore_contracts.validators.index import IdSet, as_id, lower_id
from restore_contracts.validators.readers._common import Limits, Meter, line_batches
from restore_contracts.validators.readers.ndjson import BLANK, copy_text_check, parse_line
from restore_contracts.validators.source import Source
from restore_contracts.validators.spill import FindingLog
from restore_contracts.validators.tables import RESTORE_RUNS
from restore_contracts.validators.tally import TableTally

if TYPE_CHECKING:
    from restore_contracts.validators.engine import _TableRun

Batch = tuple[str, int | None, list[bytes]]
"""(location, number of the first line, undecoded lines): one partition of a table."""

PARTITION_UNKNOWN_COLUMNS = 1000
"""Unknown column names a partition counts one by one. Past this many in one partition the
merge could not tell every name's count, and the table is read again in one process."""


def available_cores() -> int:
    """Cores this process may run on (``--jobs auto``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def parse_jobs(value: str) -> int:
    """``--jobs``: a positive number of processes, or ``auto`` for every available core."""
    text = value.strip().lower()
    if text == "auto":
        return available_cores()
    if text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    raise InputError(f"--jobs must be a positive whole number or auto, not {value!r}")


def can_fork() -> bool:
    """Whether workers can inherit the indexes (the fork start method exists)."""
    return "fork" in multiprocessing.get_all_start_methods()


class KeyLog:
    """Stands in for a partition's id set: every key a row carries, with the number of
    findings before that row (so a duplicate found in the merge goes before the row's
    others). Every key is "new" here; the merge decides."""

    __slots__ = ("findings", "keys", "starts")

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.keys: list[int] = []
        self.starts = array("q")

    def add(self, key: int) -> bool:
        self.keys.append(key)
        self.starts.append(len(self.findings))
        return True


@dataclass(slots=True)
class Partial:
    """What checking one partition found: mergeable in reading order."""

    findings: list[Finding] | Pickled
    """The partition's findings (pickled when a worker sends many, see :class:`Pickled`)."""
    rows: int
    keys: list[int]
    starts: array[int]
    unknown: dict[str, list[Any]]
    """Unknown column -> [rows, first id, first location, first line], first seen first."""
    overflow: bool
    """More unknown column names than a partition counts (the merge cannot be exact)."""
    applicable: dict[str, int]
    """Rows each counted rule applied to (see ``Engine.count_applicable``)."""
    tally: TableTally | None = None
    """The partition's truth-report counts (``Engine.tally``), when the table is counted."""
    observed: Any = None
    """The partition's state of a :class:`PartitionObserver` (``Engine.observe``)."""


def check_partition(run: _TableRun, batch: Batch) -> Partial:
    """Check one partition with a fresh copy of ``run`` (the engine, the context and the
    rules are shared; findings, counts and unknown columns start empty)."""
    findings: list[Finding] = []
    part = run.fresh(findings)
    log = KeyLog(findings)
    part.ids = log  # type: ignore[assignment]
    part.max_unknown = PARTITION_UNKNOWN_COLUMNS
    if run.counted is not None:
        part.counted = run.counted.fresh()
    observer = run.observer
    if isinstance(observer, PartitionObserver):
        observer = part.observer = observer.begin_partition()
    part.read_lines((batch,), None)
    part.count_cases()
    return Partial(
        findings,
        part.count,
        log.keys,
        log.starts,
        part.unknown,
        bool(part.unknown_more[0]),
        part.applicable,
        part.counted,
        observer.end_partition() if isinstance(observer, PartitionObserver) else None,
    )


class Overflow(Exception):
    """A partition counted more unknown column names than the merge can combine exactly."""


@dataclass(slots=True)
class Merge:
    """Partials folded in reading order into the parent's table run."""

    run: _TableRun
    limits: Limits | None = None
    """The limits the partitions' lines were read with (to find a repeated key's line)."""
    folded: list[Partial] = field(default_factory=list)
    """Partials whose truth-report counts and observed state wait for :meth:`finish`."""

    def add(self, partial: Partial, task: Task) -> None:
        """Fold one partition in: keys against every earlier partition's, findings in order,
        rows, unknown columns."""
        run = self.run
        if partial.overflow:
            raise Overflow
        ids = run.ids
        repeated = [i for i, key in enumerate(partial.keys) if not ids.add(key)]
        findings = partial.findings
        duplicates = bool(repeated and run.check_duplicates)
        if isinstance(findings, Pickled):
            log = run.findings
            written = (
                not duplicates
                and isinstance(log, FindingLog)
                and log.extend_pickled(findings.data, findings.count)
            )
            findings = [] if written else findings.findings()
        if duplicates:
            batch = lines_of(task, self.limits)
            where = _keyed_lines(run, batch)
            location = batch[0]
            for i in reversed(repeated):
                duplicate = run.duplicate_finding(partial.keys[i], location, where[i])
                findings.insert(partial.starts[i], duplicate)
        run.findings.extend(findings)
        run.count += partial.rows
        if partial.tally is not None or partial.observed is not None:
            self.folded.append(partial)
        applicable = run.applicable
        for code, rows in partial.applicable.items():
            applicable[code] = applicable.get(code, 0) + rows
        merged = run.unknown
        for name, (rows, key, location, line) in partial.unknown.items():
            seen = merged.get(name)
            if seen is None and len(merged) < run.max_unknown:
                merged[name] = [rows, key, location, line]
                continue
            if seen is None:
                seen = run.unknown_more
            first = not seen[0]
            seen[0] += rows
            if first or lower_id(key, seen[1]):
                seen[1:] = [key, location, line]

    def finish(self) -> None:
        """Fold in the partitions' truth-report counts and observed state, in reading order:
        only once every partition is merged, so that a merge given up (and the table read
        again in one process) has counted nothing twice."""
        run = self.run
        observer = run.observer
        for partial in self.folded:
            if partial.tally is not None and run.counted is not None:
                run.counted.merge(partial.tally)
            if partial.observed is not None and isinstance(observer, PartitionObserver):
                observer.merge_partition(partial.observed)
        self.folded.clear()


Mark = tuple[int, int, int, dict[str, int]]


def mark(run: _TableRun) -> Mark:
    """What a table run holds before its partitions are merged (to undo an overflow)."""
    return len(run.findings), run.count, len(run.ids), dict(run.applicable)


def reset(run: _TableRun, started: Mark) -> None:
    """Undo a merge that could not be exact: the table is then read in one process."""
    del run.findings[started[0] :]
    run.count = started[1]
    run.unknown.clear()
    run.unknown_more[:] = [0, None, "", None]
    run.applicable.clear()
    run.applicable.update(started[3])
    if len(run.ids) != started[2]:
        run.ctx.indexes.ids[run.table] = run.ids = IdSet()


def _keyed_lines(run: _TableRun, batch: Batch) -> list[int | None]:
    """The line of each row of a partition that carries a key, in order, found as the
    partition's check found the keys (fast decoder first, then a plain parse)."""
    decode = run.decode
    assert decode is not None
    _, number, lines = batch
    found: list[int | None] = []
    for offset, text in enumerate(lines):
        line = None if number is None else number + offset
        row = decode(text)
        if row is not None:
            found.append(line)
            continue
        data, problem = parse_line(text, line or 0)
        keyed = problem is None and type(data) is dict and data is not BLANK
        if keyed and as_id(data.get(run.pk)) is not None:
            found.append(line)
    return found


Span = tuple[str, int, str, int, int]
"""(location, number of the first line, path, offset, length): a partition of an NDJSON file
that the worker reads itself (the parent only finds where lines end and counts them)."""

Task = Batch | Span

PARTITION_BYTES = 4 << 20
"""Bytes of an NDJSON file per partition (whole lines)."""


class NotPlain(Exception):
    """A file the parent cannot cut into spans that read exactly as one process reads it (a
    line one process gives up on): the table is read the way one process reads it instead."""


class _Capped(io.RawIOBase):
    """A file read from ``offset`` for ``length`` bytes at most (one span)."""

    def __init__(self, handle: BinaryIO, length: int) -> None:
        self.handle = handle
        self.left = length

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.handle.read(size)
        self.left -= len(data)
        return data


def lines_of(task: Task, limits: Limits | None = None) -> Batch:
    """A partition's lines: read from its file for a span, as given for a batch.

    A span is read as the readers read a file (:func:`line_batches`): a line
    longer than the limit stands as its problem, never held whole.
    """
    if len(task) == 3:
        return task
    location, number, path, offset, length = task
    lines: list[bytes] = []
    with open(path, "rb") as handle:
        handle.seek(offset)
        capped: Any = _Capped(handle, length)
        for batch in line_batches(capped, Meter(), limits or Limits()):
            lines.extend(batch)
    return location, number, lines


def ndjson_files(source: Source, table: str) -> list[Any] | None:
    """The NDJSON files that hold ``table``, in reading order, when every part of the source
    offering it is one (a directory or a list of files); None otherwise."""
    parts = getattr(source, "parts", None)
    if parts is None:
        parts = [source]
    found: list[Any] = []
    for part in parts:
        if table not in part.tables():
            continue
        if getattr(part, "parts", None) is not None:
            nested = ndjson_files(part, table)
            if nested is None:
                return None
            found.extend(nested)
        elif getattr(part, "format", None) == "ndjson" and isinstance(
            getattr(part, "path", None), Path
        ):
            found.append(part)
        else:
            return None
    return found


def regular_files(source: Source, table: str) -> list[Any] | None:
    """The NDJSON files of ``table`` when workers can read each exactly as one process reads
    it: a regular file (a FIFO or a device can be read only once, in order) whose lines the
    reader hands on as they are, with a give-up length longer than a partition (so no line in
    a span can end the reading of its file). None otherwise."""
    files = ndjson_files(source, table)
    lines = getattr(source, "json_lines", None)
    if files is None or lines is None or lines(table) is None:
        return None
    for part in files:
        limits = getattr(part, "limits", None) or Limits()
        if limits.give_up_bytes <= PARTITION_BYTES:
            return None
        try:
            if not stat.S_ISREG(os.stat(part.path).st_mode):
                return None
        except OSError:
            return None
    return files


def rewind_meters(files: list[Any]) -> None:
    """Set the files' byte meters back to nothing read, when their spans were cut for nothing
    and the table is read again in one process (the progress bar counts that reading)."""
    for part in files:
        meter = getattr(part, "meter", None)
        if meter is not None:
            meter.value = 0


def spans(files: list[Any], size: int, *, exact: bool = False) -> Iterator[Span]:
    """Cut each file into spans of about ``size`` bytes of whole lines, numbering lines as the
    readers do (LF, CRLF and a lone CR each end a line).

    Each span starts where the last one ended, at the start of a line; a line
    longer than ``size`` makes a longer span, and the last span runs to the end
    of the file. The file is mapped, not read: finding line ends costs the
    parent little of the CPU the workers need. With ``exact`` (``--jobs``) a
    line so long that one process would give up on it raises
    :class:`NotPlain` (:func:`regular_files` makes sure no shorter span can
    hold one), and each file's first lines are checked for psql COPY text as
    the reader does before any row is read.
    """
    for part in files:
        path: Path = part.path
        meter = getattr(part, "meter", None)
        limits = getattr(part, "limits", None) or Limits()
        with path.open("rb") as handle:
            if exact:
                first = next(line_batches(handle, Meter(), limits), [])
                for position, line in enumerate(first):
                    copy_text_check(line, part.name, position + 1)
            total = os.fstat(handle.fileno()).st_size
            if not total:
                continue
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                start = 0
                number = 1
                while start < total:
                    want = size
                    while True:
                        stop = start + want
                        if stop >= total:
                            end = total
                            break
                        end = mapped.rfind(b"\n", start, stop) + 1
                        if end:
                            break
                        if exact and want >= limits.give_up_bytes:
                            raise NotPlain
                        want *= 2  # a line longer than the span so far
                    yield part.name, number, str(path), start, end - start
                    if meter is not None:
                        meter.value += end - start
                    number += line_ends(mapped, start, end)
                    start = end


_FOUND_ONE_BY_ONE = 4096
"""Line ends a span's count finds one at a time (a fast search each) before counting the rest
in a copy: long lines cost a few searches, short ones a copy."""


def _line_ends(mapped: mmap.mmap, start: int, end: int) -> int:
    """Line ends in ``mapped[start:end]`` as the readers count them: LF, CRLF, lone CR."""
    if mapped.find(b"\r", start, end) >= 0:
        text = mapped[start:end]
        return text.count(b"\n") + text.count(b"\r") - text.count(b"\r\n")
    found = 0
    position = start
    while found < _FOUND_ONE_BY_ONE:
        position = mapped.find(b"\n", position, end) + 1
        if not position:
            return found
        found += 1
    return found + mapped[position:end].count(b"\n")


line_ends: Callable[[mmap.mmap, int, int], int]
try:
    from restore_contracts._textscan import line_ends
except ImportError:  # built without a C compiler: a few fast searches per line
    line_ends = _line_ends

_WORKER: list[Any] = []
"""The table run a worker process checks partitions with, set once when the worker starts
(inherited from the parent by fork, never pickled); empty in the parent."""


def _start_worker(run: _TableRun, limits: Limits) -> None:
    # The parent's SIGTERM handler unwinds its stack to clean up; a worker has nothing to
    # clean up and is ended by the parent (a SIGTERM when the pool closes), and Ctrl-C is the
    # parent's to handle: without this, every worker would print a traceback as it ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER[:] = [run, limits]


@dataclass(slots=True)
class Pickled:
    """A partition's findings as ``pickle.dumps(list)``, as a worker sends them: the parent
    writes them to its log's file as they are (:meth:`FindingLog.extend_pickled`) and reads
    them only when it must (the first findings of a run, a repeated key's finding to put
    among them)."""

    data: bytes
    count: int

    def findings(self) -> list[Finding]:
        loaded: list[Finding] = pickle.loads(self.data)
        return loaded


PICKLED_FROM = 64
"""A worker sends a partition's findings pickled from this many on (fewer go as a list)."""


def _check_in_worker(task: Task) -> Partial:
    partial = check_partition(_WORKER[0], lines_of(task, _WORKER[1]))
    found = partial.findings
    if isinstance(found, list) and len(found) >= PICKLED_FROM:
        partial.findings = Pickled(
            pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL), len(found)
        )
    return partial


def read_in_parallel(run: _TableRun, source: Source, jobs: int) -> bool:
    """Check ``restore_runs`` in ``jobs`` forked workers, merging into ``run``; False (with
    ``run`` untouched) when the platform cannot fork, a file cannot be cut exactly or a
    partition's unknown columns overflow, and the caller reads the table in one process.

    Workers read spans of regular NDJSON files themselves, so the parent only
    finds line ends and merges; other sources hand the reader's batches of lines
    to the workers.
    """
    if not can_fork() or run.table != RESTORE_RUNS:
        return False
    files = regular_files(source, run.table)
    limits = Limits()
    texts: Iterator[Task] | None
    if files is not None:
        limits = getattr(files[0], "limits", None) or limits
        texts = spans(files, PARTITION_BYTES, exact=True)
    else:
        lines = getattr(source, "json_lines", None)
        texts = lines(run.table) if lines is not None else None
    if texts is None:
        return False
    started = mark(run)
    merge = Merge(run, limits)
    progress = run.engine.progress
    context = multiprocessing.get_context("fork")
    # What the parent holds (indexes, modules) is moved out of the collector's sight before
    # the fork: a worker's full collections would otherwise walk it and copy every page
    # they touch.
    gc.freeze()
    pool: Pool = context.Pool(jobs, initializer=_start_worker, initargs=(run, limits))
    try:
        pending: deque[tuple[AsyncResult[Partial], Task]] = deque()
        for batch in texts:
            pending.append((pool.apply_async(_check_in_worker, (batch,)), batch))
            if len(pending) >= 2 * jobs:
                result, done = pending.popleft()
                merge.add(result.get(), done)
                if progress is not None:
                    progress(run.table, run.count)
        while pending:
            result, done = pending.popleft()
            merge.add(result.get(), done)
            if progress is not None:
                progress(run.table, run.count)
        merge.finish()
    except (Overflow, NotPlain):
        reset(run, started)
        rewind_meters(files or [])
        return False
    finally:
        pool.terminate()
        pool.join()
        gc.unfreeze()
    return True


__all__ = (
    "Batch",
    "KeyLog",
    "Merge",
    "Partial",
    "available_cores",
    "can_fork",
    "check_partition",
    "mark",
    "parse_jobs",
    "read_in_parallel",
    "reset",
)
