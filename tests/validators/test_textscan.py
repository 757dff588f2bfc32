"""The C text scanner reads exactly what the Python readers read, or hands the work back.

``restore_contracts._textscan`` splits chunks into lines, one-line CSV and TSV
records into columns, and converts id and count columns. For everything it
accepts, the result must be what the Python code gives (NULL apart from the
empty string, doubled quotes and backslash escapes undone, any text: NUL,
non-ASCII of every width); it must give up exactly where the Python reader has
to look (a line end, a stray quote, text after a closing quote, a quote that
does not close, another field count, a CR, bytes that are not UTF-8, text that
is not an integer), so that every problem is still reported by the Python
readers. And it is built: an install that left it out would still be right,
only slower, which nothing else would notice.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore_contracts import _textscan
from restore_contracts._textscan import (
    integers,
    line_ends,
    lines_of,
    split_block,
    split_tsv_block,
)
from restore_contracts.generators import build_random
from restore_contracts.generators.writers import write_worlds
from restore_contracts.validators import open_source, parallel, textrows
from restore_contracts.validators.readers import csvcopy, tsv
from restore_contracts.validators.readers.csvcopy import _lines_of_in_python, split_record
from restore_contracts.validators.readers.tsv import split_fields

from .test_text_blocks import _findings, _hostile_worlds, _write
from .test_text_rows import write_tsv

_ALPHABET = st.sampled_from(list('ab,"{[]}\t\r\n \x00é\u20ac\U0001f600\\N01'))
_TEXT = st.text(_ALPHABET, max_size=24)
_VALUE = st.one_of(
    st.none(),
    _TEXT,
    _TEXT.map(lambda t: '"' + t.replace('"', '""') + '"'),  # quoted as COPY quotes
)


def _deep(fields: list[str | None], depth: int) -> bool:
    """Whether a value holds more opening brackets than ``depth`` (the caller then looks)."""
    return any(f is not None and f.count("[") + f.count("{") > depth for f in fields)


def _expected_csv(text: str, width: int, depth: int) -> Any:
    """What split_block must give for one record; None where the Python reader must look."""
    fields = split_record(text)
    if fields is None or len(fields) != width or "\n" in text or "\r" in text:
        return None
    return [[f] for f in fields], [0] if _deep(fields, depth) else []


def _expected_tsv(text: str, width: int, depth: int) -> Any:
    """What split_tsv_block must give for one record; None when it has another field count."""
    fields = split_fields(text)
    if len(fields) != width:
        return None
    return [[f] for f in fields], [0] if _deep(fields, depth) else []


class TestSplitBlock:
    def test_splits_as_copy_writes(self) -> None:
        """NULL, the empty string, doubled quotes, commas inside quotes, a trailing comma."""
        texts = ['1,,"","a,b","say ""hi""",x', '2,t,"","{""k"":1}","""",']
        assert split_block(texts, 6, 128) == (
            [
                ["1", "2"],
                [None, "t"],
                ["", ""],
                ["a,b", '{"k":1}'],
                ['say "hi"', '"'],
                ["x", None],
            ],
            [],
        )

    def test_text_of_every_width(self) -> None:
        """Records whose text is one, two or four bytes a character, with doubled quotes."""
        texts = ['é,"x""é"', '\u20ac,"x""\u20ac"', '\U0001f600,"x""\U0001f600"']
        assert split_block(texts, 2, 128) == (
            [["é", "\u20ac", "\U0001f600"], ['x"é', 'x"\u20ac', 'x"\U0001f600']],
            [],
        )

    @pytest.mark.parametrize(
        "text",
        [
            'a"b,c',  # a quote inside an unquoted field
            '"a"b,c',  # text after a closing quote
            '"a,c',  # a quote that does not close
            '"a"",c',  # nor does this one: "" is a quote inside
            "a,b,c,d",  # a field too many
            "a,b",  # a field too few
            '"a\nb",c,d',  # a line end: the Python reader's rules
            "a\r,b,c",
            '"€\nb",c,d',  # the same in text of two bytes a character
        ],
    )
    def test_gives_up_where_the_python_reader_must_look(self, text: str) -> None:
        """One record it cannot take gives the whole block back (the others with it)."""
        assert split_block(["1,2,3", text, "4,5,6"], 3, 128) is None

    def test_deep_records_are_named(self) -> None:
        """Records with a value holding more opening brackets than the depth limit, by index
        (quoted or not); many brackets spread over values are not named."""
        texts = ['1,"[[[1]]]"', "2,[{", '3,"{}{}"', "4,x", "[[,[["]
        assert split_block(texts, 2, 2) == (
            [["1", "2", "3", "4", "[["], ["[[[1]]]", "[{", "{}{}", "x", "[["]],
            [0],
        )
        assert split_block(texts, 2, 1)[1] == [0, 1, 2, 4]  # type: ignore[index]

    def test_no_records(self) -> None:
        assert split_block([], 3, 128) == ([[], [], []], [])

    def test_refuses_what_is_not_text(self) -> None:
        with pytest.raises(TypeError, match="every record must be a str"):
            split_block([b"1,2"], 2, 128)  # type: ignore[list-item]

    @settings(max_examples=400, deadline=None)
    @given(st.lists(_VALUE, min_size=1, max_size=6), st.integers(0, 3))
    def test_reads_what_split_record_reads(self, values: list[str | None], depth: int) -> None:
        """Any record, hostile text included: split_record's fields, or None exactly where the
        Python reader must look at the record."""
        text = ",".join("" if v is None else v for v in values)
        width = len(split_record(text) or values)
        assert split_block([text], width, depth) == _expected_csv(text, width, depth)


class TestSplitTsvBlock:
    def test_splits_as_mariadb_writes(self) -> None:
        """NULL and \\N, escapes (an escaped tab is text), a lone backslash at the end."""
        texts = ["1\tNULL\t\\N\ta\\tb\\\\c\\0\tx\\", "2\t\tnull\t\\q\\Z\\n\t[{"]
        assert split_tsv_block(texts, 5, 128) == (
            [
                ["1", "2"],
                [None, ""],
                [None, "null"],
                ["a\tb\\c\x00", "q\x1a\n"],
                ["x\\", "[{"],
            ],
            [],
        )

    def test_gives_up_on_another_field_count(self) -> None:
        assert split_tsv_block(["1\t2", "1\t2\t3", "4\t5"], 2, 128) is None
        assert split_tsv_block(["1\\\t2"], 2, 128) is None  # an escaped tab is no separator

    @settings(max_examples=400, deadline=None)
    @given(st.lists(_TEXT, min_size=1, max_size=6), st.integers(0, 3))
    def test_reads_what_split_fields_reads(self, values: list[str], depth: int) -> None:
        """Any record: split_fields' values, or None when it has another field count."""
        text = "\t".join(values)
        for width in {len(split_fields(text)), len(values)}:
            assert split_tsv_block([text], width, depth) == _expected_tsv(text, width, depth)


class TestLinesOf:
    def test_lines_and_odd_quotes(self) -> None:
        chunk = b'a,"b\n"c""",d\n\nx"y\n'
        assert lines_of(chunk) == (['a,"b', '"c""",d', "", 'x"y'], [0, 3])

    @pytest.mark.parametrize("chunk", [b"a\r\nb\n", b"a\nb\xff\n", b"a\xed\xa0\x80\n"])
    def test_gives_up_on_a_cr_or_bytes_not_utf8(self, chunk: bytes) -> None:
        assert lines_of(chunk) is None

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.binary(max_size=12) | _TEXT.map(str.encode), max_size=6))
    def test_reads_what_python_reads(self, pieces: list[bytes]) -> None:
        """Any chunk read whole (it ends at a LF): the Python reader's lines and quotes."""
        chunk = b"\n".join(pieces) + b"\n"
        assert lines_of(chunk) == _lines_of_in_python(chunk)


class TestIntegers:
    def test_ids_and_counts(self) -> None:
        assert integers(["1", None, "999999999999999999"], False) == [1, None, 999999999999999999]
        assert integers(("0", "10"), True) == [0, 10]

    @pytest.mark.parametrize(
        "text",
        ["0", "01", "", " 1", "1 ", "+1", "-1", "1.0", "1e3", "\u0661", "1999999999999999999"],
    )
    def test_other_text_is_handed_back(self, text: str) -> None:
        """Text that is not an id gives the column back (0 is a count, not an id)."""
        assert integers(["1", text], False) is None
        if text != "0":
            assert integers(["1", text], True) is None

    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(st.none() | st.text("0123456789 -x\u0661", max_size=20), max_size=5), st.booleans()
    )
    def test_reads_what_the_patterns_read(self, values: list[str | None], zero: bool) -> None:
        """Any column: the integers the Python patterns read, or None when one is other text."""
        one = textrows._COUNT if zero else textrows._ID
        valid = all(v is None or one(v) is not None for v in values)
        expected = [None if v is None else int(v) for v in values] if valid else None
        assert integers(values, zero) == expected


class TestLineEnds:
    def test_every_kind_of_line_end(self, tmp_path: Path) -> None:
        """LF, CRLF and a lone CR each end a line, also at the ends of the range and in a
        mapped file (as --jobs counts a span)."""
        data = b"a\nb\r\nc\rd\r\r\n\n\re"
        assert line_ends(data, 0, len(data)) == 7
        assert [line_ends(data, 0, end) for end in (2, 3, 4, 6)] == [1, 1, 2, 2]
        assert (line_ends(data, 3, 4), line_ends(data, 5, 5), line_ends(data, -4, 99)) == (1, 0, 7)
        path = tmp_path / "lines"
        path.write_bytes(data)
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
            assert line_ends(m, 2, 11) == parallel._line_ends(m, 2, 11) == 4

    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(st.sampled_from([b"\r", b"\n", b"\r\n", b"x", b"\xff"]), max_size=40).map(
            b"".join
        ),
        st.integers(-2, 64),
        st.integers(0, 66),
    )
    def test_counts_what_python_counts(self, data: bytes, start: int, end: int) -> None:
        """Any bytes, any range in them: the parent's Python count."""
        start, end = max(start, 0), min(max(start, end), len(data))
        assert line_ends(data, start, end) == parallel._line_ends(data, start, end)  # type: ignore[arg-type]


def _records(spec: str) -> Iterator[tuple[Any, ...]]:
    source = open_source(spec)
    try:
        for table in source.tables():
            for r in source.records(table):
                yield r.table, r.line, r.data, r.problem
    finally:
        source.close()


def _without_c(monkeypatch: pytest.MonkeyPatch) -> None:
    """The readers as an install without a C compiler has them."""
    monkeypatch.setattr(csvcopy, "split_block", None)
    monkeypatch.setattr(csvcopy, "lines_of", _lines_of_in_python)
    monkeypatch.setattr(tsv, "split_tsv_block", None)
    monkeypatch.setattr(tsv, "lines_of", _lines_of_in_python)
    monkeypatch.setattr(textrows, "integers", None)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_hostile_exports_read_alike_with_and_without_c(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Generated and mutated worlds with hostile text: the records the reader hands on (rows,
    problems, lines) and the findings are the same with the C scanner and without it."""
    _write(_hostile_worlds(5), tmp_path, fmt, 11)
    exports = sorted(str(p) for p in tmp_path.iterdir())
    read = [list(_records(spec)) for spec in exports]
    found = [_findings(spec) for spec in exports]
    assert sum(len(records) for records in read) > 1000
    assert sum(len(f) for f in found) > 50
    _without_c(monkeypatch)
    assert [list(_records(spec)) for spec in exports] == read
    assert [_findings(spec) for spec in exports] == found


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_block_with_json_nested_too_deep(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JSON column nested 200 levels (deeper than the limit, shallower than the decoders
    refuse) in a block of well-formed records: RR023 at its line, not a row checked as if
    read, with the C scanner and without it."""
    worlds = list(build_random(3, 4))
    runs = worlds[1].tables["restore_runs"]
    runs[0]["metadata"] = {"deep": _nested(200)}
    if fmt == "csv":
        write_worlds(worlds, "csv", tmp_path / fmt)
    else:
        write_tsv(worlds, tmp_path / fmt, list(worlds[0].tables))
    line = 2 + len(worlds[0].tables["restore_runs"])  # the header, the first world's runs

    def deep() -> list[tuple[str, str, int | None]]:
        return [
            (f.code, Path(f.source).name, f.line)
            for f in _findings(str(tmp_path / fmt))
            if f.code == "RR023"
        ]

    expected = [("RR023", f"restore_runs.{fmt}", line)]
    assert deep() == expected
    _without_c(monkeypatch)
    assert deep() == expected


def _nested(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_the_scanner_is_built() -> None:
    """The readers use it (an install without a C compiler runs without it, slower)."""
    assert (
        csvcopy.split_block,
        csvcopy.lines_of,
        tsv.split_tsv_block,
        textrows.integers,
        parallel.line_ends,
    ) == (
        _textscan.split_block,
        _textscan.lines_of,
        _textscan.split_tsv_block,
        _textscan.integers,
        _textscan.line_ends,
    )
