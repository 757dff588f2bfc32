"""Tab-separated text as MariaDB/MySQL write it: ``mariadb --batch``, ``SELECT ... INTO OUTFILE``.

Both escape with a backslash and mean the same by it (as ``LOAD DATA`` reads
it): ``\\0`` NUL, ``\\b``, ``\\n``, ``\\r``, ``\\t``, ``\\Z`` (Ctrl-Z), ``\\\\`` a
backslash, a backslash before any other character that character (INTO
OUTFILE writes a tab or a newline in a value as a backslash before the raw
character, so such a newline does not end the record). SQL NULL is ``\\N``
(INTO OUTFILE) or the bare text ``NULL`` (``--batch``, which writes a text
value ``NULL`` the same way: the two cannot be told apart there).

The first line must name the columns: ``mariadb --batch`` writes it;
INTO OUTFILE and ``mysqldump --tab`` do not, and their files are refused
with a one-line hint (guessing the column order would check every value
against the wrong column). Lines end at LF; a CR before it is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import compress, count, repeat
from typing import BinaryIO

from restore_contracts.errors import InputError
from restore_contracts.validators.readers._common import (
    BOM,
    Limits,
    Meter,
    Unreadable,
    _split_lf,
    any_too_deep,
    line_chunks,
    many_brackets,
    problem,
)
from restore_contracts.validators.readers.csvcopy import (
    Block,
    Item,
    SplitBlock,
    duplicated,
    fit_header,
    lines_of,
    records_of,
)
from restore_contracts.validators.rules.parse import (
    DUPLICATE_COLUMN,
    INVALID_UTF8,
    TRUNCATED,
)
from restore_contracts.validators.source import Record

_LIMITS = Limits()
split_tsv_block: SplitBlock | None
try:
    from restore_contracts._textscan import split_tsv_block
except ImportError:  # built without a C compiler: split in Python, slower
    split_tsv_block = None
_SPLIT = re.compile(r"\\.|\t", re.S)
_ESCAPE = re.compile(r"\\(.)", re.S)
_UNESCAPED = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
NULLS = frozenset({"\\N", "NULL"})


def split_fields(record: str) -> list[str | None]:
    """The values of one record (without its line end): unescaped text, or None for NULL."""
    if "\\" not in record:
        return [None if raw == "NULL" else raw for raw in record.split("\t")]
    raws = []
    start = 0
    for match in _SPLIT.finditer(record):
        if match.group() == "\t":
            raws.append(record[start : match.start()])
            start = match.end()
    raws.append(record[start:])
    return [
        None if raw in NULLS else _ESCAPE.sub(lambda m: _UNESCAPED.get(m[1], m[1]), raw)
        for raw in raws
    ]


def _escaped_end(raw: bytes) -> bool:
    """Whether a line's end is escaped (an odd run of backslashes before it): the record goes on."""
    body = raw[:-1]
    run = len(body) - len(body.rstrip(b"\\"))
    return run % 2 == 1


def _records(
    handle: BinaryIO, meter: Meter, limits: Limits
) -> Iterator[tuple[int, str | list[str] | None, str, str]]:
    """(first line, record text or None, problem code, why) per record.

    Lines that are each a whole record (UTF-8, no escaped line end, read while
    no record is open) come as a run instead: (first line, their texts, "", ""),
    most of a chunk at a time.
    """
    pending: list[bytes] = []
    start = 0
    size = 0
    number = 0

    def step(raw: bytes) -> Iterator[tuple[int, str | None, str, str]]:
        """The record a line ends, if it ends one (the open record kept between lines)."""
        nonlocal pending, start, size, number
        number += 1
        if type(raw) is Unreadable:
            if pending:
                yield start, None, TRUNCATED, "an escaped line end runs into a line too large"
                pending, size = [], 0
            yield number, None, raw.problem.code, raw.problem.message
            return
        if not pending:
            start = number
        pending.append(raw)
        size += len(raw)
        if raw.endswith(b"\n") and _escaped_end(raw) and size <= limits.max_line_bytes:
            return
        yield _record(start, pending)
        pending, size = [], 0

    for chunk in line_chunks(handle, meter, limits, cr=False):
        if isinstance(chunk, list):  # a line too large among them: line by line
            if number and not pending and Unreadable not in set(map(type, chunk)):
                run = _run(b"".join(chunk))
                if run is not None:
                    yield number + 1, run, "", ""
                    number += len(run)
                    continue
            for raw in chunk:
                yield from step(raw)
            continue
        data = chunk
        if not number:  # the file's first line (the header) is read alone
            end = data.find(b"\n") + 1
            yield from step(data[:end])
            data = data[end:]
        if data and not pending:
            run = _run(data)
            if run is not None:
                yield number + 1, run, "", ""
                number += len(run)
                continue
        for raw in _split_lf(data):
            yield from step(raw)
    if pending:
        yield start, None, TRUNCATED, "the file ends after an escaped line end"


def _run(data: bytes) -> list[str] | None:
    """The records of lines, when each line is one (as :func:`_record` gives them: the LF
    and a CR before it dropped); None when a line is not UTF-8 or ends in an escape."""
    if data.endswith(b"\n") and (whole := lines_of(data)) is not None:
        texts = whole[0]  # (no CR in them)
        ended = len(texts)
    else:
        try:
            texts = data.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            return None
        if data.endswith(b"\n"):
            texts.pop()
            ended = len(texts)
        else:
            ended = len(texts) - 1  # the last line has no LF: nothing of its end is dropped
    if b"\\" in data:
        for index in compress(range(ended), map(str.endswith, texts, _ESCAPED_ENDS)):
            body = texts[index].removesuffix("\r")
            if (len(body) - len(body.rstrip("\\"))) % 2:
                return None  # an escaped LF goes on; an escaped CR is kept (see _record)
    if b"\r" in data:
        texts[:ended] = map(str.removesuffix, texts[:ended], _CR)
    return texts


_ESCAPED_ENDS = repeat(("\\", "\\\r"))
_CR = repeat("\r")


def _record(start: int, lines: list[bytes]) -> tuple[int, str | None, str, str]:
    data = b"".join(lines)
    if start == 1 and data.startswith(BOM):
        data = data[len(BOM) :]
    if data.endswith(b"\n"):
        data = data[:-1]
        if data.endswith(b"\r") and not _escaped_end(data):
            data = data[:-1]
    try:
        return start, data.decode("utf-8"), "", ""
    except UnicodeDecodeError as exc:
        return start, None, INVALID_UTF8, f"not valid UTF-8: byte {exc.start + 1} ({exc.reason})"


def tsv_header(handle: BinaryIO, location: str, limits: Limits = _LIMITS) -> list[str] | None:
    """The column names of the first line, or None for an empty file.

    A first line that is not a list of column names is unusable input: the
    export was written without one (INTO OUTFILE, ``mysqldump --tab``).
    """
    for _, text, _, _ in _records(handle, Meter(), limits):
        if text is None or not text or isinstance(text, list):
            break  # (the first record is never part of a run)
        names = split_fields(text)
        if all(name is not None and _NAME.fullmatch(name) for name in names):
            return [name for name in names if name is not None]
        break
    else:
        return None
    raise InputError(
        f"{location}: the first line is not a header of column names (SELECT ... INTO OUTFILE "
        "and mysqldump --tab write none); export with `mariadb --batch -e 'SELECT * FROM "
        "<table>' <database> > <table>.tsv`, or put a line of tab-separated column names first"
    )


BATCH = 1024
"""Records handed on at a time."""


def tsv_records(
    handle: BinaryIO, table: str, location: str, meter: Meter, limits: Limits = _LIMITS
) -> Iterator[Record]:
    """Every record after the header as a row of column -> text or None."""
    return records_of(tsv_batches(handle, table, location, meter, limits), table, location)


def tsv_batches(
    handle: BinaryIO, table: str, location: str, meter: Meter, limits: Limits = _LIMITS
) -> Iterator[list[Item]]:
    """The records of :func:`tsv_records`, a batch at a time, rows as plain mappings."""
    header: list[str] | None = None
    out: list[Item] = []
    for line, text, code, why in _records(handle, meter, limits):
        if isinstance(text, list):
            # a run of one-line records, which comes only after the header's line is read
            if header is None:
                break  # no header: the file's reading has ended
            block = _block(text, line, header, limits)
            if block is not None:
                if block.lines:
                    out.append((block.lines[0], block))
                    yield out
                    out = []
                continue
            records: list[tuple[int, str | None, str, str]] = [
                (number, record, "", "") for number, record in enumerate(text, line)
            ]
        else:
            records = [(line, text, code, why)]
        for line, text, code, why in records:
            if text is None:
                out.append((line, problem(table, location, line, code, why)))
                if header is None:
                    yield out  # without its header no row of the file can be read
                    return
                continue
            if header is None:
                header = [name or "" for name in split_fields(text)]
                twice = duplicated(header)
                if twice:
                    out.append((line, problem(table, location, line, DUPLICATE_COLUMN, twice)))
                    yield out
                    return
                continue
            if not text:
                continue
            out.append((line, _item(table, location, line, text, header, limits)))
            if len(out) >= BATCH:
                yield out
                out = []
    if out:
        yield out


def _item(
    table: str, location: str, line: int, text: str, header: list[str], limits: Limits
) -> dict[str, str | None] | Record:
    """The row of one record, or the problem record when it does not fit the header."""
    return fit_header(table, location, line, text, split_fields(text), header, limits)


def _block(texts: list[str], first: int, header: list[str], limits: Limits) -> Block | None:
    """A run of records (lines from ``first`` on) as one :class:`Block`, when each fits the
    header and none nests too deep (what :func:`_item` makes a mapping of); else None.

    When every record holds one tab fewer than the header has columns, the
    records are split at their tabs together (a column is then every width-th
    value) and ``NULL`` is made None a column at a time; a record with a
    backslash is split by :func:`split_fields` on its own (an escaped tab is
    text, ``\\N`` NULL) and put in its place. Where the C splitter is built
    (``_textscan.c``), it splits every record as :func:`split_fields` does.
    """
    width = len(header)
    lines = range(first, first + len(texts))
    if "" in texts:
        kept = [(number, text) for number, text in zip(lines, texts, strict=True) if text]
        lines = [number for number, _ in kept]  # type: ignore[assignment]
        texts = [text for _, text in kept]
    if not texts:
        return Block(header, [], [])
    depth = limits.max_depth
    if split_tsv_block is not None:
        in_c = split_tsv_block(texts, width, depth)
        if in_c is None:
            return None  # a record with another field count
        scanned, deep = in_c
        if any_too_deep(texts, scanned, deep, depth):
            return None
        return Block(header, list(lines), scanned)  # type: ignore[arg-type]
    escaped = {
        index: split_fields(texts[index])
        for index in compress(count(), map(str.__contains__, texts, _BACKSLASH))
    }
    if any(len(values) != width for values in escaped.values()):
        return None
    if set(map(str.count, texts, _TAB)) == {width - 1}:
        flat = "\t".join(texts).split("\t")
        raw: list[Sequence[str | None]] = [flat[i::width] for i in range(width)]
    elif escaped:  # a record with an escaped tab: split one by one, the others at their tabs
        rows = [
            escaped[index] if index in escaped else text.split("\t")
            for index, text in enumerate(texts)
        ]
        if set(map(len, rows)) != {width}:
            return None
        raw = list(zip(*rows, strict=True))
    else:
        return None
    columns: list[Sequence[str | None]] = [
        list(map(_NULL.get, values, values)) if "NULL" in values else values for values in raw
    ]
    if escaped:
        columns = [values if type(values) is list else list(values) for values in columns]
        for index, fields in escaped.items():
            for values, value in zip(columns, fields, strict=True):
                values[index] = value  # type: ignore[index]
    if any_too_deep(texts, columns, many_brackets(texts, depth), depth):
        return None
    return Block(header, list(lines), columns)


_BACKSLASH = repeat("\\")
_TAB = repeat("\t")
_NULL: dict[str | None, None] = {"NULL": None}
"""``map(_NULL.get, values, values)``: ``NULL`` as None, every other value as it is."""


__all__ = ("BATCH", "Item", "split_fields", "tsv_batches", "tsv_header", "tsv_records")
