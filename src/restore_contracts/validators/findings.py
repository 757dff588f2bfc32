"""Findings: what a rule reports about one row, with the row's address and a JSON pointer.

A finding is plain data. Rules produce :class:`Hit` (where in the row, what is
wrong); the engine adds the rule's code and severity and the row's address
(table, primary key, file and line) so that rules never deal with sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from restore_contracts.config import Severity
from restore_contracts.display import shorten

STDIN_NAME = "<stdin>"
"""What readers call standard input in a finding's source."""

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
"""Higher is worse; ``--fail-on`` compares ranks."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One problem a rule found: where in the row (a JSON pointer) and what is wrong.

    ``table``, ``id``, ``source`` and ``line`` are set only when the finding
    belongs to another row than the one being checked (e.g. a proof row
    checked while its restore run streams by).
    """

    pointer: str
    message: str
    table: str | None = None
    id: int | str | None = None
    source: str | None = None
    line: int | None = None


class Finding(NamedTuple):
    """A reported problem: rule code, severity, the row's address and what is wrong.

    A named tuple: immutable, ordered, and cheap to create by the hundred thousand.
    """

    code: str
    severity: Severity
    table: str
    id: int | str | None
    source: str
    line: int | None
    pointer: str
    message: str

    def identity(self) -> tuple[str, str, str, str]:
        """What makes a finding "the same" across runs (for baselines): code, table, id, pointer."""
        return (self.code, self.table, "" if self.id is None else str(self.id), self.pointer)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form, keys in report order."""
        return {
            "code": self.code,
            "severity": self.severity,
            "table": self.table,
            "id": self.id,
            "source": self.source,
            "line": self.line,
            "pointer": self.pointer,
            "message": self.message,
        }

    @property
    def address(self) -> str:
        """``file:line`` where the source has lines, else the source itself (``table#id``)."""
        return f"{self.source}:{self.line}" if self.line is not None else self.source

    @property
    def row(self) -> str:
        """The row as reports name it: ``table#id``, or the table for a row without an id."""
        return self.table if self.id is None else f"{self.table}#{self.id}"

    @property
    def in_database(self) -> bool:
        """Whether the source is a database row (``table#id``, no file and no line)."""
        return self.line is None and self.source.startswith(f"{self.table}#")

    @property
    def place(self) -> tuple[str, ...]:
        """Where the finding is, each place once: ``(file:line, table#id)`` for files, the
        database location alone for a database row (which already is ``table#id``)."""
        return (self.source,) if self.in_database else (self.address, self.row)

    @property
    def file(self) -> str | None:
        """The file a CI annotation can point at; None for database rows, stdin and no source."""
        if not self.source or self.in_database or self.source == STDIN_NAME:
            return None
        return self.source


def escape_pointer_part(part: str | int) -> str:
    """One reference token of a JSON pointer (RFC 6901: ``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return str(part).replace("~", "~0").replace("/", "~1")


def pointer(*parts: str | int) -> str:
    """A JSON pointer from its tokens; no tokens is the whole row (``""``)."""
    return "".join("/" + escape_pointer_part(p) for p in parts)


_MAX_SHOWN = 80


def show(value: Any) -> str:
    """A value as JSON text for a message, shortened past 80 characters (saying how long it was).

    JSON text escapes control characters and quotes; a value orjson cannot
    encode (a lone surrogate, an integer beyond 64 bits) falls back to its repr.
    """
    try:
        text = orjson.dumps(value, default=str).decode()
    except TypeError:
        text = repr(value)
    return shorten(text, _MAX_SHOWN)


def one_of(values: Iterable[str]) -> str:
    """``one of "a", "b"`` for a message, sorted."""
    return "one of " + ", ".join(show(v) for v in sorted(values))


__all__ = (
    "SEVERITIES",
    "SEVERITY_RANK",
    "STDIN_NAME",
    "Finding",
    "Hit",
    "Severity",
    "escape_pointer_part",
    "one_of",
    "pointer",
    "show",
)
