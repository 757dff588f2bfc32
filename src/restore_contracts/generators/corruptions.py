"""Corruptions: the byte-level counterpart of mutations, for the parse rules.

A world is rows, and some rules are about bytes: a line that is not JSON,
invalid UTF-8, a truncated last row, a CSV record with too few or too many
fields, a document that holds no rows, a file for a table the contracts do
not know. For each of those codes, ``generate --mutate CODE`` writes the base
world in the format the rule reads and then damages one file in one place.
The damage lands on ``evidence_snapshots``: nothing references a snapshot, so
losing its row breaks no other rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from restore_contracts._io import atomic_write_bytes
from restore_contracts.config import DEFAULT_MAX_LINE_BYTES

BASE_SCENARIO = "completed"
"""A world with exactly one evidence snapshot, which no other row points at."""

TARGET = "evidence_snapshots"


@dataclass(frozen=True, slots=True)
class Corruption:
    """How to break one parse rule: the format written and the damage done to it."""

    code: str
    fmt: str
    description: str
    apply: Callable[[Path], None]
    """Damages the files written into the output directory, atomically."""


def _replace_rows(
    suffix: str, damage: Callable[[bytes, list[bytes]], bytes]
) -> Callable[[Path], None]:
    """Rewrite the target table's file from its header (CSV) or nothing, and its lines."""

    def apply(directory: Path) -> None:
        path = directory / f"{TARGET}{suffix}"
        lines = path.read_bytes().splitlines(keepends=True)
        head, rows = (lines[0], lines[1:]) if suffix == ".csv" else (b"", lines)
        atomic_write_bytes(path, damage(head, rows))

    return apply


def _add_unknown_table(directory: Path) -> None:
    atomic_write_bytes(directory / "jobs.ndjson", b'{"id": 1, "queue": "default"}\n')


def _duplicate_column(head: bytes, rows: list[bytes]) -> bytes:
    names = head.rstrip(b"\r\n").split(b",")
    return b",".join([names[0], names[0], *names[2:]]) + b"\n" + b"".join(rows)


def _json_not_rows(directory: Path) -> None:
    atomic_write_bytes(directory / f"{TARGET}.json", b"42\n")
    (directory / f"{TARGET}.ndjson").unlink()


CORRUPTIONS: dict[str, Corruption] = {
    c.code: c
    for c in (
        Corruption(
            "RR001",
            "ndjson",
            "the snapshot line is not JSON",
            _replace_rows(".ndjson", lambda _h, _r: b"{not json\n"),
        ),
        Corruption(
            "RR002",
            "ndjson",
            "the snapshot line has bytes that are not UTF-8",
            _replace_rows(".ndjson", lambda _h, _r: b'{"id": "\xff\xfe"}\n'),
        ),
        Corruption(
            "RR003",
            "ndjson",
            "the file ends in the middle of the snapshot row",
            _replace_rows(".ndjson", lambda _h, r: r[-1][: len(r[-1]) // 2]),
        ),
        Corruption(
            "RR007",
            "ndjson",
            "the snapshot line is a JSON array",
            _replace_rows(".ndjson", lambda _h, _r: b"[1, 2, 3]\n"),
        ),
        Corruption(
            "RR004",
            "csv",
            "the snapshot record lost its last field",
            _replace_rows(".csv", lambda h, r: h + r[0].rstrip(b"\r\n").rsplit(b",", 1)[0] + b"\n"),
        ),
        Corruption(
            "RR005",
            "csv",
            "the snapshot record has one field too many",
            _replace_rows(".csv", lambda h, r: h + r[0].rstrip(b"\r\n") + b",extra\n"),
        ),
        Corruption(
            "RR008",
            "csv",
            "the snapshot record has text after a closing quote",
            _replace_rows(".csv", lambda h, r: h + b'"1"x' + r[0].rstrip(b"\r\n")[1:] + b"\n"),
        ),
        Corruption(
            "RR009", "ndjson", "the snapshots' JSON document is a number, not rows", _json_not_rows
        ),
        Corruption(
            "RR021",
            "csv",
            "the snapshots' CSV header names its first column twice",
            _replace_rows(".csv", _duplicate_column),
        ),
        Corruption(
            "RR022",
            "ndjson",
            "the snapshot line is padded past the default max_line_bytes",
            _replace_rows(".ndjson", lambda _h, r: b" " * DEFAULT_MAX_LINE_BYTES + r[0]),
        ),
        Corruption(
            "RR023",
            "ndjson",
            "the snapshot row nests an array 200 levels deep",
            _replace_rows(".ndjson", lambda _h, _r: b'{"id": ' + b"[" * 200 + b"]" * 200 + b"}\n"),
        ),
        Corruption(
            "RR105", "ndjson", "a file for a table the contracts do not model", _add_unknown_table
        ),
    )
}
"""Rule code -> its corruption."""


__all__ = ("BASE_SCENARIO", "CORRUPTIONS", "TARGET", "Corruption")
