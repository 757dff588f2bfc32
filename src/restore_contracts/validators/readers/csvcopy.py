"""CSV as PostgreSQL's COPY writes it: a header, NULL as an empty unquoted field.

``COPY ... TO ... WITH (FORMAT csv, HEADER)`` writes NULL as nothing and an
empty string as ``""``; Python's csv module cannot tell the two apart (before
3.12), so fields are split here: quoted fields are text (``""`` inside is a
quote), unquoted empty fields are None. Booleans stay ``t``/``f`` and JSON
columns stay JSON text; the models read those encodings. A record may span
lines (quoted newlines); the line reported is the one it starts on.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress, count, repeat
from operator import and_, gt
from typing import BinaryIO

from restore_contracts.validators.readers._common import (
    BOM,
    Limits,
    Meter,
    Unreadable,
    any_too_deep,
    deep_field,
    line_chunks,
    many_brackets,
    nested_too_deep,
    problem,
)
from restore_contracts.validators.rules.parse import (
    CSV_EXTRA_FIELDS,
    CSV_MALFORMED,
    CSV_MISSING_FIELDS,
    DUPLICATE_COLUMN,
    INVALID_UTF8,
    TOO_LARGE,
    TRUNCATED,
)
from restore_contracts.validators.source import Record

SplitBlock = Callable[[list[str], int, int], "tuple[list[list[str | None]], list[int]] | None"]
"""One-line records, the header's width, the depth limit -> (columns, indexes of records with a
value holding more opening brackets than the limit), or None where the records need the
Python reader's steps."""

_LIMITS = Limits()
Line = tuple[int, str, str]
"""A line of a record: its number, its text, why it is not UTF-8 (empty when it is)."""
_FIELD = re.compile(r'"([^"]*(?:""[^"]*)*)"|([^,"\r\n]*)')


def split_record(text: str) -> list[str | None] | None:
    """The fields of one CSV record (without its line end); None when it is malformed."""
    fields: list[str | None] = []
    position = 0
    size = len(text)
    while True:
        match = _FIELD.match(text, position)
        assert match is not None  # the second alternative matches the empty string
        quoted, plain = match.groups()
        if quoted is not None:
            fields.append(quoted.replace('""', '"'))
        else:
            fields.append(plain or None)
        position = match.end()
        if position >= size:
            return fields
        if text[position] != ",":
            return None
        position += 1


def _continues(text: str, inside: bool) -> bool:
    """Whether a record is still inside a quoted field at the end of this line.

    A quote opens a field only at the field's start; a quote anywhere else in
    an unquoted field is a stray (the record is malformed, but it ends with
    its line and cannot swallow the lines after it).
    """
    if not inside and not text.count('"') % 2:
        return False  # balanced quotes: the record ends here (a stray before an unclosed
        # opening quote, `x"y,"open`, is malformed either way and reported as such)
    position = 0
    while True:
        if inside:
            quote = text.find('"', position)
            if quote < 0:
                return True
            if text.startswith('"', quote + 1):
                position = quote + 2
                continue
            inside = False
            position = quote + 1
        elif text.startswith('"', position):
            inside = True
            position += 1
            continue
        comma = text.find(",", position)
        if comma < 0:
            return False
        position = comma + 1


def _decoded(raw: bytes, number: int) -> tuple[str, str]:
    """A line as text, with why it is not UTF-8 (empty when it is)."""
    if number == 1 and raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        why = f"not valid UTF-8: byte {exc.start + 1} of line {number} ({exc.reason})"
        return raw.decode("utf-8", "replace"), why


def _records_text(
    handle: BinaryIO, meter: Meter, limits: Limits
) -> Iterator[tuple[int, str | list[str] | None, str, str]]:
    """(first line, record text or None, problem code, why) per record; quotes join lines.

    A record that does not end (a quote opened and never closed, or one longer
    than the size limit) is reported at its first line, and its other lines
    are read again as records of their own: nothing after a bad record is lost.

    Lines that are each a whole record (UTF-8, an even number of quotes, read
    while no record is open) come as a run instead: (first line, their texts,
    "", ""), a text per line, most of a chunk at a time.
    """
    again: deque[tuple[int, bytes]] = deque()
    replayed = 0
    """Lines up to this number were part of a record that did not end: each is one record."""
    pending: list[Line] = []
    raws: list[tuple[int, bytes]] = []
    size = 0
    inside = False
    number = 0

    def step(number: int, raw: bytes) -> Iterator[tuple[int, str | None, str, str]]:
        """The records one line ends (the state of the open record kept between lines)."""
        nonlocal replayed, pending, raws, size, inside
        if type(raw) is Unreadable:
            if pending:
                yield (
                    pending[0][0],
                    None,
                    TRUNCATED,
                    "a quoted field runs into a line that is too large",
                )
                again.extend(raws[1:])
                again.append((number, raw))
                replayed = number - 1
                pending, raws, size, inside = [], [], 0, False
                return
            yield number, None, raw.problem.code, raw.problem.message
            return
        if not pending and number > 1 and type(raw) is bytes:
            # the common case, a whole record on one line: what the steps below do with it
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                if number <= replayed or not text.count('"') & 1:
                    yield number, text.rstrip("\r\n"), "", ""
                    return
        text, why = _decoded(raw, number)
        if number > replayed and _continues(text, inside):
            pending.append((number, text, why))
            raws.append((number, raw))
            size += len(raw)
            inside = True
            if size > limits.max_line_bytes:
                yield (
                    pending[0][0],
                    None,
                    TOO_LARGE,
                    f"the record is more than max_line_bytes ({limits.max_line_bytes}) "
                    "long (a quoted field that does not end?); it is skipped",
                )
                again.extend(raws[1:])
                replayed = raws[-1][0]
                pending, raws, size, inside = [], [], 0, False
            return
        pending.append((number, text, why))
        yield _record(pending)
        pending, raws, size, inside = [], [], 0, False

    for chunk in line_chunks(handle, meter, limits):
        batch, texts, odd = _lines(chunk)
        position = 0
        lines = len(texts) if texts is not None else len(batch)
        while position < lines:
            if odd is not None and not pending and not again and number + position > 0:
                at = bisect_left(odd, position)
                end = odd[at] if at < len(odd) else lines
                if end > position:
                    run = texts[position:end]  # type: ignore[index]
                    if batch:  # line ends still on (no CR in a chunk read whole)
                        run = list(map(str.rstrip, run, _ENDS))
                    yield number + position + 1, run, "", ""
                    position = end
                    continue
            # (a line read whole: its bytes again, which were UTF-8 before their LF)
            raw = batch[position] if batch else texts[position].encode() + b"\n"  # type: ignore[index]
            yield from step(number + position + 1, raw)
            position += 1
            while again:
                yield from step(*again.popleft())
        number += lines
    if pending:
        yield pending[0][0], None, TRUNCATED, "the file ends inside a quoted field"
        for line in pending[1:]:
            yield _record([line])


_ENDS = repeat("\r\n")


def _lines(chunk: bytes | list[bytes]) -> tuple[list[bytes], list[str] | None, list[int] | None]:
    """A chunk's lines: as bytes (empty when not needed), as text, and the indexes of those
    with an odd number of quotes (both None when a line is not read or not UTF-8: line by
    line). Lines read whole without a CR are decoded at once and split at their LFs."""
    if isinstance(chunk, bytes):
        whole = lines_of(chunk)
        if whole is not None:
            return [], whole[0], whole[1]
        chunk = chunk.splitlines(True)
    decoded = _whole_lines(chunk)
    if decoded is None:
        return chunk, None, None
    return chunk, decoded[0], decoded[1]


def _lines_of_in_python(chunk: bytes) -> tuple[list[str], list[int]] | None:
    """The lines of a chunk read whole (it ends at a LF) as text, and the indexes of those
    with an odd number of quotes; None when it holds a CR or is not UTF-8."""
    if b"\r" in chunk:
        return None
    try:
        texts = chunk.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    texts.pop()  # (a chunk read whole ends at a LF)
    return texts, _odd(texts)


def _odd(texts: list[str]) -> list[int]:
    """The indexes of the texts with an odd number of quotes (a quoted field goes on past the
    line, or a stray quote)."""
    return list(compress(count(), map(and_, map(str.count, texts, _QUOTE), _ONE)))


def _whole_lines(batch: list[bytes]) -> tuple[list[str], list[int]] | None:
    """The lines of a batch as text, and the indexes of those with an odd number of quotes;
    None when a line is not read or not UTF-8 (the batch is read line by line)."""
    if Unreadable in set(map(type, batch)):
        return None
    try:
        texts = list(map(bytes.decode, batch))
    except UnicodeDecodeError:
        return None
    return texts, _odd(texts)


_QUOTE = repeat('"')
_ONE = repeat(1)

split_block: SplitBlock | None
LinesOf = Callable[[bytes], "tuple[list[str], list[int]] | None"]
"""A chunk read whole -> its lines as text and the indexes of those with an odd number of
quotes, or None (see :func:`_lines_of_in_python`)."""
lines_of: LinesOf
try:
    from restore_contracts._textscan import lines_of, split_block
except ImportError:  # built without a C compiler: the csv module's steps alone, slower
    split_block = None
    lines_of = _lines_of_in_python


def _record(lines: list[Line]) -> tuple[int, str | None, str, str]:
    """One complete record from its lines (number, text, why it is not UTF-8)."""
    parts = []
    bad = ""
    for _, text, why in lines:
        parts.append(text)
        bad = bad or why
    if bad:
        return lines[0][0], None, INVALID_UTF8, bad
    return lines[0][0], "".join(parts).rstrip("\r\n"), "", ""


def _fields(count: int) -> str:
    return f"{count} field{'' if count == 1 else 's'}"


class Block:
    """Records that all split whole and fit the header, column by column: what an item
    ``(line, dict(zip(header, values)))`` per record would hold, without a mapping per
    row (the engine converts a block's rows together, see
    :func:`restore_contracts.validators.textrows.text_block_converter`)."""

    __slots__ = ("columns", "header", "lines")

    def __init__(
        self, header: list[str], lines: list[int], columns: list[Sequence[str | None]]
    ) -> None:
        self.header = header
        self.lines = lines
        """Each record's first line."""
        self.columns = columns
        """One sequence of values per column of the header, a value per record."""

    def rows(self) -> Iterator[tuple[int, dict[str, str | None]]]:
        """Each record's first line and its row (column -> text or None)."""
        header = self.header
        for line, values in zip(self.lines, zip(*self.columns, strict=True), strict=True):
            yield line, dict(zip(header, values, strict=True))


Item = tuple[int, "dict[str, str | None] | Record | Block"]
"""A record's first line and its row (column -> text or None), or the problem record; or
the first line of a block of records and the block."""

BATCH = 1024
"""Records split at a time (one call of the C splitter)."""


def records_of(batches: Iterable[list[Item]], table: str, location: str) -> Iterator[Record]:
    """The records of batches of items (CSV or TSV), one by one."""
    for batch in batches:
        for line, item in batch:
            if isinstance(item, Block):
                for number, row in item.rows():
                    yield Record(table, row, location, number)
            else:
                yield item if isinstance(item, Record) else Record(table, item, location, line)


def csv_records(
    handle: BinaryIO, table: str, location: str, meter: Meter, limits: Limits = _LIMITS
) -> Iterator[Record]:
    """Every CSV record after the header as a row of column -> text or None."""
    return records_of(csv_batches(handle, table, location, meter, limits), table, location)


def csv_batches(
    handle: BinaryIO, table: str, location: str, meter: Meter, limits: Limits = _LIMITS
) -> Iterator[list[Item]]:
    """The records of :func:`csv_records`, a batch at a time, rows as plain mappings.

    Well-formed records are split together by the csv module (in C), which
    reads them as :func:`split_record` does except that it cannot tell NULL
    from an empty string: a record with an empty value is split again here.
    """
    header: list[str] = []
    out: list[Item] = []
    texts: list[str] = []
    lines: list[int] = []
    ends = False
    """Whether a record gathered holds a line end (a run's records never do)."""
    for line, text, code, why in _records_text(handle, meter, limits):
        if isinstance(text, list):
            # a run of one-line records, which comes only after the header's line is read
            if not header:
                break  # no header: the file's reading has ended
            if "" in text:
                kept = [(n, t) for n, t in enumerate(text, line) if t]
                lines.extend(n for n, _ in kept)
                texts.extend(t for _, t in kept)
            else:
                lines.extend(range(line, line + len(text)))
                texts.extend(text)
            if len(texts) >= BATCH:
                _split(texts, lines, header, table, location, limits, out, ends)
                yield out
                out = []
            continue
        if text is None:
            _split(texts, lines, header, table, location, limits, out, ends)
            out.append((line, problem(table, location, line, code, why)))
            if not header:
                break  # without its header no row of the file can be read
            continue
        if not header:
            fields = split_record(text)
            if fields is None or any(f is None for f in fields):
                out.append(
                    (
                        line,
                        problem(
                            table,
                            location,
                            line,
                            CSV_MALFORMED,
                            "the header is not a list of column names; no row of the file is read",
                        ),
                    )
                )
                break
            header = [f for f in fields if f is not None]
            twice = duplicated(header)
            if twice:
                out.append((line, problem(table, location, line, DUPLICATE_COLUMN, twice)))
                break
            continue
        if not text:
            continue
        texts.append(text)
        lines.append(line)
        ends = ends or "\n" in text or "\r" in text
        if len(texts) >= BATCH:
            _split(texts, lines, header, table, location, limits, out, ends)
            yield out
            out = []
            ends = False
    _split(texts, lines, header, table, location, limits, out, ends)
    if out:
        yield out


_QUOTED = r'"[^"]*(?:""[^"]*)*"'
_PLAIN = r'[^,"\r\n]*'
_WELL_FORMED = re.compile(f"(?:{_QUOTED}|{_PLAIN})(?:,(?:{_QUOTED}|{_PLAIN}))*").fullmatch
"""The records :func:`split_record` splits (it returns None for every other)."""


def split_records(texts: list[str]) -> list[list[str | None] | None]:
    """``[split_record(text) for text in texts]``, mostly in C.

    The csv module (strict) splits well-formed records as :func:`split_record`
    does, refuses text after a closing quote, and differs in two ways, both
    looked for here: it takes a quote inside an unquoted field as text (a
    record with a value holding a quote but no comma, which an unquoted field
    could be, is checked whole), and it reads NULL and the
    empty string alike (a record with an empty value where a quoted empty
    string could be is split by :func:`split_record`).
    """
    try:
        split: list[list[str]] = list(csv.reader(texts, strict=True))
    except csv.Error:  # NUL, a field longer than the module's limit, text after a quote
        split = []
    if len(split) != len(texts):
        return [split_record(text) for text in texts]
    joined = "".join(texts)
    ends = "\n" in joined or "\r" in joined
    return [_split_like(text, fields, ends) for text, fields in zip(texts, split, strict=True)]


def _split_like(text: str, fields: list[str], ends: bool) -> list[str | None] | None:
    """One record's fields as split_record gives them, from the csv module's (``ends``:
    whether a record of the batch holds a line end)."""
    if not fields or (ends and ("\n" in text or "\r" in text)):
        return split_record(text)  # line ends: split_record's rules
    for field in compress(fields, map(str.__contains__, fields, _QUOTES)):
        if "," not in field:  # an unquoted field holding a quote?
            if _WELL_FORMED(text) is None:
                return None
            break
    if "" not in fields:
        return fields  # type: ignore[return-value]
    if len(fields) <= 1 or ',"",' in text or text.startswith('"",') or text.endswith(',""'):
        return split_record(text)  # a quoted empty string could be one of them
    return [field or None for field in fields]


_QUOTES = repeat('"')
_NULL: dict[str | None, None] = {"": None}
"""``map(_NULL.get, values, values)``: an empty value as None, every other as it is."""


def _split(
    texts: list[str],
    lines: list[int],
    header: list[str],
    table: str,
    location: str,
    limits: Limits,
    out: list[Item],
    ends: bool = True,
) -> None:
    """Split the well-formed records gathered so far into ``out`` and forget them."""
    if not texts:
        return
    block = _block(texts, lines, header, limits, ends)
    if block is not None:
        out.append((lines[0], block))
        texts.clear()
        lines.clear()
        return
    width = len(header)
    depth = limits.max_depth
    append = out.append
    for line, text, values in zip(lines, texts, split_records(texts), strict=True):
        if values is None:
            append(
                (
                    line,
                    problem(
                        table,
                        location,
                        line,
                        CSV_MALFORMED,
                        "text after a closing quote or a quote inside an unquoted field",
                    ),
                )
            )
        elif len(values) == width and text.count("[") + text.count("{") <= depth:
            append((line, dict(zip(header, values, strict=False))))
        else:
            append((line, fit_header(table, location, line, text, values, header, limits)))
    texts.clear()
    lines.clear()


def _block(
    texts: list[str], lines: list[int], header: list[str], limits: Limits, ends: bool
) -> Block | None:
    """The records as one :class:`Block`, when each is split whole by the csv module as
    :func:`split_records` splits it and fits the header; else None (split one by one).

    Where the C splitter is built (``_textscan.c``), it splits the block first: it
    reads each record as :func:`split_record` does and gives the whole block back
    when one record needs a step below, so a block it splits needs only the depth
    check of its records with many brackets.

    The steps of :func:`_split_like`, a column or the whole group at a time: a
    record holding a line end (``ends``: whether one may) is split by
    :func:`split_record`; a value holding a quote but no comma is looked at with
    its record; an empty value is NULL unless its record could hold a quoted
    empty string (that record is split by :func:`split_record`); and a record
    with more brackets than the depth limit is looked at value by value.
    """
    width = len(header)
    if width <= 1:
        return None
    depth = limits.max_depth
    if split_block is not None:
        in_c = split_block(texts, width, depth)
        if in_c is not None:
            scanned, deep = in_c
            if any_too_deep(texts, scanned, deep, depth):
                return None
            return Block(header, list(lines), scanned)  # type: ignore[arg-type]
    special: list[int] = []
    """Records holding a line end: split by split_record, by its rules."""
    source = texts
    if ends:
        special = [i for i, text in enumerate(texts) if "\n" in text or "\r" in text]
        if special:
            source = list(texts)
            for index in special:
                source[index] = ""
    try:
        split: list[list[str | None]] = list(csv.reader(source, strict=True))  # type: ignore[arg-type]
    except csv.Error:
        return None
    if len(split) != len(texts):
        return None
    for index in special:
        split[index] = [""] * width  # stands in until the record is split below
    if set(map(len, split)) != {width}:
        return None
    columns: list[Sequence[str | None]] = list(zip(*split, strict=True))
    looked: set[int] = set()
    for values in columns:
        quoted = list(map(str.__contains__, values, _QUOTE))  # type: ignore[arg-type]
        if True not in quoted:
            continue
        commas = map(str.__contains__, values, _COMMA)  # type: ignore[arg-type]
        for index in compress(count(), map(gt, quoted, commas)):  # a quote and no comma
            if index not in looked:
                if _WELL_FORMED(texts[index]) is None:
                    return None  # a quote inside an unquoted field: malformed
                looked.add(index)
    columns = [list(map(_NULL.get, v, v)) if "" in v else v for v in columns]
    if (
        any(map(str.__contains__, texts, _EMPTY_INSIDE))
        or any(map(str.startswith, texts, _EMPTY_FIRST))
        or any(map(str.endswith, texts, _EMPTY_LAST))
    ):
        columns = [v if type(v) is list else list(v) for v in columns]
        for index, text in enumerate(texts):
            if ',"",' in text or text.startswith('"",') or text.endswith(',""'):
                if "" not in split[index]:
                    continue
                fields = split_record(text)  # a quoted empty string could be one of them
                if fields is None or len(fields) != width:
                    return None
                split[index] = fields
                for column, value in zip(columns, fields, strict=True):
                    column[index] = value  # type: ignore[index]
    if special:
        columns = [v if type(v) is list else list(v) for v in columns]
        for index in special:
            fields = split_record(texts[index])
            if fields is None or len(fields) != width:
                return None
            split[index] = fields
            for column, value in zip(columns, fields, strict=True):
                column[index] = value  # type: ignore[index]
    if any_too_deep(texts, columns, many_brackets(texts, depth), depth):
        return None
    return Block(header, list(lines), columns)


_LF = repeat("\n")
_CR = repeat("\r")
_COMMA = repeat(",")
_EMPTY_INSIDE = repeat(',"",')
_EMPTY_FIRST = repeat('"",')
_EMPTY_LAST = repeat(',""')


def fit_header(
    table: str,
    location: str,
    line: int,
    text: str,
    values: list[str | None],
    header: list[str],
    limits: Limits,
) -> dict[str, str | None] | Record:
    """The row of a split record, or the problem record when it does not fit the header or
    nests too deep (CSV and TSV alike)."""
    if len(values) < len(header):
        return problem(
            table,
            location,
            line,
            CSV_MISSING_FIELDS,
            f"{_fields(len(values))}; the header has {len(header)} "
            f"(missing {', '.join(header[len(values) :])})",
        )
    if len(values) > len(header):
        return problem(
            table,
            location,
            line,
            CSV_EXTRA_FIELDS,
            f"{_fields(len(values))}; the header has {len(header)}",
        )
    if deep_field(text, values, limits.max_depth):
        return Record(table, None, location, line, nested_too_deep(limits))
    return dict(zip(header, values, strict=True))


def duplicated(header: list[str]) -> str:
    """Why a header cannot be used because it names a column twice (empty when it does not)."""
    counts = Counter(header)
    twice = [name for name, count in counts.items() if count > 1]
    if not twice:
        return ""
    names = ", ".join(repr(name) for name in twice)
    return f"the header names {names} more than once; no row of the file is read"


__all__ = (
    "BATCH",
    "Block",
    "Item",
    "csv_batches",
    "csv_records",
    "duplicated",
    "fit_header",
    "records_of",
    "split_record",
    "split_records",
)
