"""The one interface every input implements: files, stdin and database URLs alike.

A source names the tables it can offer and streams the records of one table at
a time. The validation engine reads the referenced tables first (keeping only
compact indexes) and then streams ``restore_runs``; it never asks a source for
a whole table at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Why a raw record could not be turned into a row (reported as a finding)."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Record:
    """One raw row as read, with where it came from.

    ``data`` is the row as a mapping of column -> value (values as the source
    encodes them: text from CSV, native JSON from JSON, driver values from a
    database), or None when ``problem`` says why it could not be read.
    ``location`` is the file path, or ``table#id`` style text for databases;
    ``line`` is 1-based where the source has lines.
    """

    table: str
    data: dict[str, Any] | None
    location: str
    line: int | None = None
    problem: ParseProblem | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Source(Protocol):
    """A readable export or database."""

    @property
    def name(self) -> str:
        """What to call the source in reports (credentials masked)."""
        ...

    def tables(self) -> list[str]:
        """The tables this source holds, known or not."""
        ...

    def records(self, table: str) -> Iterator[Record]:
        """Stream the records of one table; each call starts from the beginning."""
        ...

    def close(self) -> None:
        """Release files or connections."""
        ...


__all__ = ("ParseProblem", "Record", "Source")
