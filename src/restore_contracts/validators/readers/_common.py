"""What every file reader shares: table names from file names, problems, a byte meter."""

from __future__ import annotations

from pathlib import Path

from restore_contracts.validators.rules.parse import INVALID_UTF8, NOT_JSON, TRUNCATED
from restore_contracts.validators.source import ParseProblem, Record

EXTENSIONS: dict[str, str] = {
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".csv": "csv",
}
"""File extension -> format."""

BOM = b"\xef\xbb\xbf"


class Meter:
    """Bytes read so far across a source's files (for the progress bar)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


def format_of(path: Path) -> str | None:
    """The format a file name says, or None for an extension no reader knows."""
    return EXTENSIONS.get(path.suffix.lower())


def table_of(path: Path) -> str:
    """The table a per-table file holds: its name without the extension."""
    return path.name[: -len(path.suffix)] if path.suffix else path.name


def problem(table: str, location: str, line: int | None, code: str, message: str) -> Record:
    """A record that could not be read, with why."""
    return Record(table, None, location, line, ParseProblem(code, message))


def line_problem(line: bytes, *, error: str) -> tuple[str, str]:
    """Classify a line that did not parse: truncated (no end), not UTF-8, or not JSON."""
    if not line.endswith(b"\n"):
        return TRUNCATED, f"the file ends in the middle of a row ({error})"
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return INVALID_UTF8, f"not valid UTF-8: byte {exc.start + 1} of the line ({exc.reason})"
    return NOT_JSON, f"not valid JSON: {error}"


__all__ = ("BOM", "EXTENSIONS", "Meter", "format_of", "line_problem", "problem", "table_of")
