"""What every file reader shares: table names from file names, problems, a byte meter, limits.

Every reader splits its input with :func:`line_batches`, which bounds the
memory a line can take (``max_line_bytes``) and gives up on an input that has
no line end at all (``/dev/zero``), and checks nesting with :func:`too_deep`
before a decoder recurses into a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat
from operator import add
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from restore_contracts.config import DEFAULT_MAX_LINE_BYTES
from restore_contracts.validators.rules.parse import (
    INVALID_UTF8,
    NOT_JSON,
    TOO_DEEP,
    TOO_LARGE,
    TRUNCATED,
)
from restore_contracts.validators.source import ParseProblem, Record

EXTENSIONS: dict[str, str] = {
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".csv": "csv",
    ".tsv": "tsv",
}
"""File extension -> format."""

BOM = b"\xef\xbb\xbf"
CHUNK = 1 << 20
"""Bytes read at a time."""

MAX_DEPTH = 128
"""Deepest JSON nesting read (a row, or JSON text inside a column); far past any real column."""
GIVE_UP_FACTOR = 16
"""A line longer than this many times the limit ends the reading of its input (no end in sight)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How large a line (record, element) may be and how deep JSON may nest."""

    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    max_depth: int = MAX_DEPTH

    @property
    def give_up_bytes(self) -> int:
        """A line this long without an end stops the reading of the input."""
        return self.max_line_bytes * GIVE_UP_FACTOR


class Meter:
    """Bytes read so far across a source's files (for the progress bar)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


class Unreadable(bytes):
    """A line handed on in place of one that is not decoded (too large, too deep).

    It is empty, so every decoder refuses it; ``problem`` says why it was not read.
    """

    problem: ParseProblem


def unreadable(code: str, message: str) -> Unreadable:
    """An :class:`Unreadable` line with its problem."""
    line = Unreadable()
    line.problem = ParseProblem(code, message)
    return line


def too_large(size: int, limits: Limits, what: str = "line") -> Unreadable:
    """The stand-in of a line longer than the limit."""
    return unreadable(
        TOO_LARGE,
        f"the {what} is {size} bytes, more than max_line_bytes ({limits.max_line_bytes}); "
        "it is skipped",
    )


def endless(limits: Limits, what: str = "line") -> Unreadable:
    """The stand-in of a line that never ends: the rest of the input is not read."""
    return unreadable(
        TOO_LARGE,
        f"the {what} runs for more than {limits.give_up_bytes} bytes without an end; "
        "the rest of the input is not read",
    )


def nested_too_deep(limits: Limits) -> ParseProblem:
    """The problem of a row whose JSON nests too deep."""
    return ParseProblem(
        TOO_DEEP, f"JSON nested more than {limits.max_depth} levels; the row is not read"
    )


def line_batches(
    handle: BinaryIO, meter: Meter, limits: Limits, *, cr: bool = True
) -> Iterator[list[bytes]]:
    """The input's lines (with their line ends), a chunk's worth at a time.

    Lines end at LF, CRLF or, when ``cr``, a lone CR (old Mac files; a CR is no
    JSON whitespace inside a row). A line longer than the limit is skipped
    without being held and stands as a :class:`Unreadable`; a line running
    past :attr:`Limits.give_up_bytes` ends the input.
    """
    return _batches(handle, meter, limits, cr=cr, whole=False)


def line_chunks(
    handle: BinaryIO, meter: Meter, limits: Limits, *, cr: bool = True
) -> Iterator[bytes | list[bytes]]:
    """The batches of :func:`line_batches`, except that the lines up to the last LF of a
    chunk no longer than the line size limit (no line of it can be too large) come whole,
    as their bytes, without a bytes object per line (with ``cr``, a lone CR among them
    still ends a line)."""
    return _batches(handle, meter, limits, cr=cr, whole=True)


def _batches(
    handle: BinaryIO, meter: Meter, limits: Limits, *, cr: bool, whole: bool
) -> Iterator[Any]:
    """:func:`line_batches`, and with ``whole`` :func:`line_chunks`."""
    carry = b""
    skipped = 0
    limit = limits.max_line_bytes
    ends = b"\r\n" if cr else b"\n"
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            break
        meter.value += len(chunk)
        if skipped:
            end = _line_end(chunk, ends)
            if end < 0:
                skipped += len(chunk)
                if skipped > limits.give_up_bytes:
                    yield [endless(limits)]
                    return
                continue
            yield [too_large(skipped + end, limits)]
            skipped = 0
            chunk = chunk[end:]
        data = carry + chunk if carry else chunk
        if whole and len(data) <= limit:  # every line of it fits: the same lines, joined
            cut = data.rfind(b"\n") + 1
            carry = data[cut:]
            if cut:
                yield data[:cut]
            continue
        lines = data.splitlines(True) if cr else _split_lf(data)
        carry = b""
        if lines and not lines[-1].endswith(b"\n"):
            carry = lines.pop()  # unfinished, or ending in a CR that an LF may follow
        if len(carry) > limit:
            if carry.endswith(b"\r"):  # a whole line: the next chunk starts a new one
                lines.append(too_large(len(carry), limits))
            else:
                skipped = len(carry)
            carry = b""
        if lines:
            if max(map(len, lines)) > limit:
                lines = [too_large(len(x), limits) if len(x) > limit else x for x in lines]
            yield lines
    if skipped:
        yield [too_large(skipped, limits)]
    elif carry:
        yield carry.splitlines(True) if cr else [carry]


def _line_end(chunk: bytes, ends: bytes) -> int:
    """The position after the first line end in ``chunk``, or -1."""
    positions = [p for p in (chunk.find(bytes([e])) for e in ends) if p >= 0]
    if not positions:
        return -1
    first = min(positions)
    if chunk[first : first + 2] == b"\r\n":
        return first + 2
    return first + 1


def _split_lf(data: bytes) -> list[bytes]:
    """Lines ending at LF only, ends kept (the last may lack one)."""
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_SQUARE = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


def _openers(text: bytes) -> int:
    return text.count(b"[") + text.count(b"{")


def too_deep(text: bytes, limit: int) -> bool:
    """Whether JSON text nests deeper than ``limit``, counting JSON text inside its strings.

    Cheap for ordinary text: only text with more opening brackets than the
    limit is looked at, and then with C-speed passes: strings removed, the
    brackets left, and innermost ``[]`` pairs removed once per level.
    """
    if _openers(text) <= limit:
        return False
    bare = _STRINGS.sub(b"", text)
    if _openers(text) - _openers(bare) > limit:
        for match in _STRINGS.finditer(text):
            token = match.group()
            if _openers(token) <= limit:
                continue
            try:
                inner = orjson.loads(token)
            except orjson.JSONDecodeError:
                continue
            if isinstance(inner, str) and too_deep(inner.encode("utf-8", "replace"), limit):
                return True
    return _brackets_deeper(bare.translate(_SQUARE, _NOT_BRACKETS), limit)


def _brackets_deeper(shape: bytes, limit: int) -> bool:
    """Whether ``shape`` (only ``[`` and ``]`` left, strings taken out) nests deeper than
    ``limit``: each pass takes out the innermost pairs, ``limit`` passes at the most."""
    for _ in range(limit):
        shorter = shape.replace(b"[]", b"")
        if len(shorter) == len(shape):
            return False
        shape = shorter
    return b"[]" in shape


def deep_field(record: str, values: Sequence[str | None], limit: int) -> bool:
    """Whether a CSV/TSV record has a value (JSON column text) nesting deeper than ``limit``;
    a record with few brackets in all is passed at once."""
    if record.count("[") + record.count("{") <= limit:
        return False
    return any(
        value is not None
        and value.count("[") + value.count("{") > limit
        and _deep_text(value, limit)
        for value in values
    )


def many_brackets(texts: list[str], limit: int) -> Iterator[int]:
    """The indexes of the records holding more opening brackets than ``limit`` in all: the
    only ones :func:`deep_field` can find too deep."""
    brackets = map(add, map(str.count, texts, _OPEN_LIST), map(str.count, texts, _OPEN_MAP))
    return compress(count(), map(limit.__lt__, brackets))


def any_too_deep(
    texts: list[str],
    columns: Sequence[Sequence[str | None]],
    indexes: Iterable[int],
    limit: int,
) -> bool:
    """Whether a record among ``indexes`` has a value nesting deeper than ``limit``: the
    depth check of a block of CSV or TSV records split column by column."""
    return any(deep_field(texts[i], [values[i] for values in columns], limit) for i in indexes)


_OPEN_LIST = repeat("[")
_OPEN_MAP = repeat("{")


_SHAPE = bytes(sorted(set(range(256)) - set(b'[]{}"')))
"""Every byte but brackets and quotes (deleted to leave a text's shape)."""


def _deep_text(value: str, limit: int) -> bool:
    """``too_deep(value.encode("utf-8", "replace"), limit)`` for a value with more opening
    brackets than ``limit``, without a regular expression over the value when it holds no
    backslash: its strings are then the spans between pairs of quotes, as ``_STRINGS``
    finds them, and the brackets outside them are its structure."""
    text = value.encode("utf-8", "replace")
    shape = text.translate(None, _SHAPE)
    if b"\\" in text or shape.count(b'"') & 1:
        return too_deep(text, limit)
    bare = b"".join(shape.split(b'"')[::2])
    if _openers(shape) - _openers(bare) > limit:
        return too_deep(text, limit)  # strings that may hold JSON text of their own
    return _brackets_deeper(bare.translate(_SQUARE), limit)


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
    if not line.endswith((b"\n", b"\r")):
        return TRUNCATED, f"the file ends in the middle of a row ({error})"
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return INVALID_UTF8, f"not valid UTF-8: byte {exc.start + 1} of the line ({exc.reason})"
    return NOT_JSON, f"not valid JSON: {error}"


__all__ = (
    "BOM",
    "CHUNK",
    "DEFAULT_MAX_LINE_BYTES",
    "EXTENSIONS",
    "MAX_DEPTH",
    "Limits",
    "Meter",
    "Unreadable",
    "any_too_deep",
    "deep_field",
    "endless",
    "format_of",
    "line_batches",
    "line_chunks",
    "line_problem",
    "many_brackets",
    "nested_too_deep",
    "problem",
    "table_of",
    "too_deep",
    "too_large",
    "unreadable",
)
