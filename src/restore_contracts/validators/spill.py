"""The findings of a run, in reading order, in bounded memory.

A run where every row is broken has as many findings as rows. The first
``MEMORY_FINDINGS`` stay in memory; the rest are pickled, a chunk at a time, to
an anonymous temporary file and read back, in order, each time the findings are
iterated (reports make a few passes). Memory is then bounded by those findings
and one chunk, whatever the number of rows.
"""

from __future__ import annotations

import io
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any, overload

from restore_contracts.validators.findings import Finding

MEMORY_FINDINGS = 20_000
"""Findings kept in memory before the rest go to a temporary file."""

CHUNK = 4096
"""Findings pickled together (one write, one read)."""


class _At(io.RawIOBase):
    """Reads a file descriptor from its own offset (several passes may read at once, and the
    writer's position is not moved)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = os.pread(self._fd, len(buffer), self._offset)
        buffer[: len(data)] = data
        self._offset += len(data)
        return len(data)


class FindingLog:
    """A sequence of findings that spills past ``keep`` to a temporary file."""

    __slots__ = ("_file", "_head", "_keep", "_spilled", "_tail")

    def __init__(self, findings: Iterable[Finding] = (), *, keep: int | None = None) -> None:
        self._keep = MEMORY_FINDINGS if keep is None else keep
        self._head: list[Finding] = []
        self._tail: list[Finding] = []
        self._file: IO[bytes] | None = None
        self._spilled = 0
        self.extend(findings)

    def append(self, finding: Finding) -> None:
        """Add one finding at the end."""
        if self._file is None and len(self._head) < self._keep:
            self._head.append(finding)
            return
        tail = self._tail
        tail.append(finding)
        if len(tail) >= CHUNK:
            self._spill()

    def extend(self, findings: Iterable[Finding]) -> None:
        """Add findings at the end, in order: what :meth:`append` does one by one, a list at a
        time (a ``--jobs`` merge adds a partition's findings at once)."""
        items = findings if type(findings) is list else list(findings)
        head = self._head
        if self._file is None and len(head) < self._keep:
            room = self._keep - len(head)
            head.extend(items[:room])
            if len(items) <= room:
                return
            items = items[room:]
        tail = self._tail + items
        start = 0
        while len(tail) - start >= CHUNK:
            self._tail = tail[start : start + CHUNK]
            self._spill()
            start += CHUNK
        self._tail = tail[start:]

    def extend_pickled(self, data: bytes, count: int) -> bool:
        """Add ``count`` findings given as ``pickle.dumps(list_of_findings)`` at the end
        without reading them, when every one would go to the file anyway (the first
        ``keep`` are all in memory): a ``--jobs`` worker pickles its partition's findings
        once, and the parent writes them as they are instead of reading and pickling them
        again. False, with nothing added, while findings still stay in memory."""
        if self._file is None and len(self._head) < self._keep:
            return False
        if self._tail:
            self._spill()
        self._write(data)
        self._spilled += count
        return True

    def _spill(self) -> None:
        self._write(pickle.dumps(self._tail, protocol=pickle.HIGHEST_PROTOCOL))
        self._spilled += len(self._tail)
        self._tail = []

    def _write(self, data: bytes) -> None:
        """Append one pickled list of findings to the file."""
        if self._file is None:
            # Lives as long as the log (closed by clear() or when the log is collected).
            self._file = tempfile.TemporaryFile(prefix="restore-contracts-findings-")  # noqa: SIM115
        self._file.seek(0, 2)
        self._file.write(data)

    def __iter__(self) -> Iterator[Finding]:
        yield from self._head
        handle = self._file
        if handle is not None:
            handle.flush()
            reader = io.BufferedReader(_At(handle.fileno()), 1 << 16)
            read, spilled = 0, self._spilled
            while read < spilled:
                chunk: list[Finding] = pickle.load(reader)
                read += len(chunk)
                yield from chunk
        yield from list(self._tail)

    def __len__(self) -> int:
        return len(self._head) + self._spilled + len(self._tail)

    def __bool__(self) -> bool:
        return len(self) > 0

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        if isinstance(index, int) and 0 <= index < len(self._head):
            return self._head[index]
        return list(self)[index]

    def __delitem__(self, index: slice) -> None:
        kept = list(self)
        del kept[index]
        self.clear()
        self.extend(kept)

    def clear(self) -> None:
        """Drop every finding (and the temporary file)."""
        self._head = []
        self._tail = []
        self._spilled = 0
        if self._file is not None:
            self._file.close()
            self._file = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FindingLog | list):
            return NotImplemented
        if len(self) != len(other):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))

    def __getstate__(self) -> Any:
        return {"keep": self._keep, "findings": list(self)}

    def __setstate__(self, state: Any) -> None:
        self.__init__(state["findings"], keep=state["keep"])  # type: ignore[misc]


__all__ = ("CHUNK", "MEMORY_FINDINGS", "FindingLog")
