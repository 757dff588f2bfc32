"""Readers: every supported input, bad lines reported line by line, good lines still read."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from restore_contracts.errors import InputError
from restore_contracts.validators.readers import StdinSource, open_source, open_sources
from restore_contracts.validators.readers.csvcopy import split_record
from restore_contracts.validators.source import ParseProblem, Record, Source


def rows_of(source: Source, table: str) -> list[tuple[Any, int | None, ParseProblem | None]]:
    """(data, line, problem) of every record of one table."""
    return [(r.data, r.line, r.problem) for r in source.records(table)]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


class TestNdjson:
    def test_bad_lines_are_problems_and_good_lines_are_rows(self, tmp_path: Path) -> None:
        """Not JSON, not UTF-8 and a truncated last line each become a problem at their line."""
        path = write(
            tmp_path / "workspaces.ndjson",
            b'{"id": 1}\n{oops\n\n{"id": 2, "name": "\xff"}\n{"id": 3}\n{"id": 4, "na',
        )
        records = rows_of(open_source(str(path)), "workspaces")
        assert [
            ({"id": 1}, 1, None),
            (None, 2, ParseProblem("RR001", records[1][2].message if records[1][2] else "")),
            (
                None,
                4,
                ParseProblem("RR002", "not valid UTF-8: byte 20 of the line (invalid start byte)"),
            ),
            ({"id": 3}, 5, None),
            (None, 6, ParseProblem("RR003", records[4][2].message if records[4][2] else "")),
        ] == records
        assert records[1][2] is not None
        assert records[1][2].message.startswith("not valid JSON: ")
        assert records[4][2] is not None
        assert records[4][2].message.startswith("the file ends in the middle of a row (")

    def test_table_from_file_name_or_option(self, tmp_path: Path) -> None:
        """An .ndjson/.jsonl file holds the table its name says, unless --table names another."""
        path = write(tmp_path / "export.jsonl", b'{"id": 1}\n')
        expected = ["export"]
        assert expected == open_source(str(path)).tables()
        expected = ["workspaces"]
        assert expected == open_source(str(path), "workspaces").tables()

    def test_byte_order_mark_is_skipped(self, tmp_path: Path) -> None:
        """A UTF-8 byte order mark before the first row does not make it unreadable."""
        path = write(tmp_path / "workspaces.ndjson", b'\xef\xbb\xbf{"id": 1}\n')
        expected = [({"id": 1}, 1, None)]
        assert expected == rows_of(open_source(str(path)), "workspaces")


class TestJsonDocument:
    def test_array_rows_with_lines(self, tmp_path: Path) -> None:
        """An array of rows is read row by row, each with the line it starts on."""
        path = write(
            tmp_path / "workspaces.json",
            b'[\n  {"id": 1,\n   "name": "a"},\n  {"id": 2, "name": "b, [c]"}\n]\n',
        )
        expected = [
            ({"id": 1, "name": "a"}, 2, None),
            ({"id": 2, "name": "b, [c]"}, 4, None),
        ]
        assert expected == rows_of(open_source(str(path)), "workspaces")

    def test_object_of_tables(self, tmp_path: Path) -> None:
        """An object maps table names to arrays; each table reads only its own rows."""
        path = write(
            tmp_path / "export.json",
            b'{"workspaces": [{"id": 1}],\n "backup_sets": [\n{"id": 7},\n{"id": 8}\n]}',
        )
        source = open_source(str(path))
        expected = ["workspaces", "backup_sets"]
        assert expected == source.tables()
        expected = [({"id": 7}, 3, None), ({"id": 8}, 4, None)]
        assert expected == rows_of(source, "backup_sets")

    def test_bad_element_does_not_hide_the_next(self, tmp_path: Path) -> None:
        """An element that is not JSON is a problem at its line; the elements after it are read."""
        path = write(tmp_path / "workspaces.json", b'[{"id": 1},\n{"id": tru},\n{"id": 3}]')
        records = rows_of(open_source(str(path)), "workspaces")
        expected = [({"id": 1}, 1), (None, 2), ({"id": 3}, 3)]
        assert expected == [(d, n) for d, n, _ in records]
        expected = "RR001"
        assert expected == (records[1][2].code if records[1][2] else None)

    def test_truncated_document(self, tmp_path: Path) -> None:
        """A document that stops inside a row keeps its complete rows and reports the end."""
        path = write(tmp_path / "workspaces.json", b'[{"id": 1},\n{"id": 2, "name": "x')
        records = rows_of(open_source(str(path)), "workspaces")
        expected = [({"id": 1}, 1, None)]
        assert expected == records[:1]
        assert [
            (None, 2, ParseProblem("RR003", "the document ends in the middle of a value"))
        ] == records[1:]

    def test_not_rows(self, tmp_path: Path) -> None:
        """A document that is neither an array nor an object is one RR009 finding."""
        path = write(tmp_path / "workspaces.json", b'"text"')
        assert [
            (
                None,
                1,
                ParseProblem("RR009", "expected an array of rows or an object of table -> rows"),
            )
        ] == rows_of(open_source(str(path)), "workspaces")

    def test_large_rows_span_chunks(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Rows larger than the read chunk are still delimited correctly."""
        from restore_contracts.validators.readers import jsondoc

        monkeypatch.setattr(jsondoc, "CHUNK", 7)
        rows = [{"id": i, "name": "x" * 40 + '"\\]}' * i} for i in range(1, 5)]
        path = write(tmp_path / "workspaces.json", orjson.dumps(rows))
        assert [(row, 1, None) for row in rows] == rows_of(open_source(str(path)), "workspaces")


class TestCsvCopy:
    def test_fields_as_postgresql_copy_writes_them(self) -> None:
        """Unquoted empty is NULL, quoted empty is an empty string, doubled quotes are quotes."""
        expected = ["1", None, "", 'say "hi"', "a,b", None]
        assert expected == split_record('1,,"","say ""hi""","a,b",')

    def test_rows_with_json_text_and_booleans(self, tmp_path: Path) -> None:
        """Cells stay text for the models to decode; a quoted newline joins lines."""
        path = write(
            tmp_path / "restore_runs.csv",
            b'id,is_dry_run,failure_reason,results\n5,f,,"{""items"": {}}"\n6,t,"two\nlines",\n',
        )
        expected = [
            (
                {"id": "5", "is_dry_run": "f", "failure_reason": None, "results": '{"items": {}}'},
                2,
                None,
            ),
            (
                {"id": "6", "is_dry_run": "t", "failure_reason": "two\nlines", "results": None},
                3,
                None,
            ),
        ]
        assert expected == rows_of(open_source(str(path)), "restore_runs")

    def test_bad_records_are_problems_at_their_line(self, tmp_path: Path) -> None:
        """Missing and extra fields, bad quoting and bad UTF-8 are reported; the rest is read."""
        path = write(
            tmp_path / "workspaces.csv",
            b'id,name\n1\n2,a,b\n3,"x"y\n4,\xff\n5,ok\n6,"open\n',
        )
        assert [
            (None, 2, ParseProblem("RR004", "1 field; the header has 2 (missing name)")),
            (None, 3, ParseProblem("RR005", "3 fields; the header has 2")),
            (
                None,
                4,
                ParseProblem(
                    "RR008", "text after a closing quote or a quote inside an unquoted field"
                ),
            ),
            (
                None,
                5,
                ParseProblem("RR002", "not valid UTF-8: byte 3 of line 5 (invalid start byte)"),
            ),
            ({"id": "5", "name": "ok"}, 6, None),
            (None, 7, ParseProblem("RR003", "the file ends inside a quoted field")),
        ] == rows_of(open_source(str(path)), "workspaces")


class TestSources:
    def test_directory_of_per_table_files(self, tmp_path: Path) -> None:
        """A directory offers a table per data file (subdirectories too), ignoring other files."""
        write(tmp_path / "workspaces.ndjson", b'{"id": 1}\n')
        (tmp_path / "more").mkdir()
        write(tmp_path / "more" / "backup_sets.csv", b"id\n7\n")
        write(tmp_path / "README.md", b"not data")
        source = open_source(str(tmp_path))
        expected = ["backup_sets", "workspaces"]
        assert expected == sorted(source.tables())
        expected = [({"id": "7"}, 2, None)]
        assert expected == rows_of(source, "backup_sets")

    def test_several_inputs_are_one_source(self, tmp_path: Path) -> None:
        """Several paths combine; a table split over two files is read from both."""
        a = write(tmp_path / "a.ndjson", b'{"id": 1}\n')
        b = write(tmp_path / "b.ndjson", b'{"id": 2}\n')
        source = open_sources([str(a), str(b)], "workspaces")
        expected = [1, 2]
        assert expected == [d["id"] for d, _, _ in rows_of(source, "workspaces")]

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("missing.ndjson", "{path}: no such file or directory"),
            (
                "rows.txt",
                "{path}: unknown file type '.txt'; expected .csv, .json, .jsonl, .ndjson, .tsv",
            ),
            (
                "empty",
                "{path}: no data files (.csv, .json, .jsonl, .ndjson, .tsv) in the directory",
            ),
        ],
    )
    def test_unusable_input_is_a_one_line_error(
        self, tmp_path: Path, name: str, message: str
    ) -> None:
        """A missing path, an unknown extension or an empty directory is an InputError."""
        path = tmp_path / name
        if name == "rows.txt":
            path.write_text("x")
        if name == "empty":
            path.mkdir()
        with pytest.raises(InputError) as caught:
            open_source(str(path))
        assert message.format(path=path) == caught.value.format_message()

    def test_stdin_ndjson_needs_a_table(self) -> None:
        """Rows streamed on stdin name no table: --table is required."""
        with pytest.raises(InputError, match="give --table"):
            StdinSource(io.BytesIO(b'{"id": 1}\n'))

    def test_stdin_ndjson_and_documents(self) -> None:
        """stdin is detected as NDJSON, a JSON array or an object of tables."""
        lines = StdinSource(io.BytesIO(b'\n{"id": 1}\n{"id": 2}\n'), "workspaces")
        expected = [({"id": 1}, 2, None), ({"id": 2}, 3, None)]
        assert expected == rows_of(lines, "workspaces")
        array = StdinSource(io.BytesIO(b'[{"id": 1},\n{"id": 2}]'), "workspaces")
        expected = [({"id": 1}, 1, None), ({"id": 2}, 2, None)]
        assert expected == rows_of(array, "workspaces")
        document = StdinSource(io.BytesIO(b'{"workspaces":\n[{"id": 1}], "backup_sets": []}'))
        expected = ["workspaces", "backup_sets"]
        assert expected == document.tables()
        expected = [({"id": 1}, 2, None)]
        assert expected == rows_of(document, "workspaces")

    def test_stdin_envelopes_are_split_by_table(self) -> None:
        """The generators' {"table", "row"} lines are served per table with their stdin lines."""
        data = (
            b'{"table": "workspaces", "row": {"id": 1}}\n'
            b'{"table": "backup_sets", "row": {"id": 7}}\n'
            b"{oops\n"
            b'{"table": "workspaces", "row": {"id": 2}}\n'
        )
        source = StdinSource(io.BytesIO(data))
        try:
            expected_tables = ["workspaces", "backup_sets"]
            assert expected_tables == source.tables()
            expected = [({"id": 1}, 1, None), ({"id": 2}, 4, None)]
            assert expected == rows_of(source, "workspaces")
            records = rows_of(source, "backup_sets")
            expected_lines = [({"id": 7}, 2), (None, 3)]
            assert expected_lines == [(d, n) for d, n, _ in records]
            expected_code = "RR001"
            assert expected_code == (records[1][2].code if records[1][2] else None)
        finally:
            source.close()

    def test_records_are_the_protocol(self, tmp_path: Path) -> None:
        """File sources implement the Source protocol with Record items."""
        source = open_source(str(write(tmp_path / "workspaces.ndjson", b'{"id": 1}\n')))
        assert isinstance(source, Source)
        assert [Record("workspaces", {"id": 1}, str(tmp_path / "workspaces.ndjson"), 1)] == list(
            source.records("workspaces")
        )


class TestTsv:
    def test_fields_as_mariadb_writes_them(self) -> None:
        """Tabs split fields; \\N and NULL are NULL; \\t \\n \\\\ \\0 and a backslash before a raw
        character are unescaped as LOAD DATA reads them."""
        from restore_contracts.validators.readers.tsv import split_fields

        record = "1\ta\\tb\\nc\\\\d\t\\N\tNULL\tx\\0y\tbefore\\\tafter\tNULLS"
        expected = ["1", "a\tb\nc\\d", None, None, "x\x00y", "before\tafter", "NULLS"]
        assert expected == split_fields(record)

    def test_escaped_line_end_continues_the_record(self, tmp_path: Path) -> None:
        """INTO OUTFILE writes a newline in a value as a backslash and a raw newline."""
        path = write(tmp_path / "workspaces.tsv", b"id\tname\n1\ttwo\\\nlines\n2\t\\N\n")
        expected = [
            ({"id": "1", "name": "two\nlines"}, 2, None),
            ({"id": "2", "name": None}, 4, None),
        ]
        assert expected == rows_of(open_source(str(path)), "workspaces")


class TestLineSplitting:
    @pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 1 << 20])
    def test_line_ends_across_chunks(self, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
        """LF, CRLF and lone CR end lines wherever the read chunks happen to split them."""
        from restore_contracts.validators.readers import _common

        monkeypatch.setattr(_common, "CHUNK", chunk)
        data = b"a\r\nbb\rccc\n\r\ndd"
        lines = [
            line
            for batch in _common.line_batches(io.BytesIO(data), _common.Meter(), _common.Limits())
            for line in batch
        ]
        expected = [b"a\r\n", b"bb\r", b"ccc\n", b"\r\n", b"dd"]
        assert expected == lines

    @pytest.mark.parametrize("chunk", [3, 4, 5, 8, 1 << 20])
    def test_line_over_the_limit_is_one_stand_in(
        self, chunk: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A line over the limit becomes one stand-in with its size; the next line is intact."""
        from restore_contracts.validators.readers import _common

        monkeypatch.setattr(_common, "CHUNK", chunk)
        limits = _common.Limits(max_line_bytes=4)
        data = b"ok\n123456\rnxt\n1234567890"
        lines = [
            line.problem.message if isinstance(line, _common.Unreadable) else line
            for batch in _common.line_batches(io.BytesIO(data), _common.Meter(), limits)
            for line in batch
        ]
        expected = [
            b"ok\n",
            "the line is 7 bytes, more than max_line_bytes (4); it is skipped",
            b"nxt\n",
            "the line is 10 bytes, more than max_line_bytes (4); it is skipped",
        ]
        assert expected == lines
