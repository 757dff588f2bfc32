"""Hostile input to the readers: one test per class of bad input, none may pass silently.

Each class failed on the readers before (a traceback, a silent pass, a hang,
rows lost after a bad one); each test states what the class gets now: a
finding at its line, or one line and exit 2.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from restore_contracts.cli import cli
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.urls import parse_url
from tests.db import conftest as db_fixtures
from tests.db.conftest import Server
from tests.db.db_worlds import completed_world

pg = db_fixtures.pg
postgresql_server = db_fixtures.postgresql_server
"""The PostgreSQL fixture of tests/db: a database of this run's own."""

WORKSPACES = [
    {
        "id": 8100001 + n,
        "name": f"Workspace {n}",
        "slug": f"workspace-{n}",
        "created_at": "2025-12-24 00:33:39",
        "updated_at": "2026-01-08 08:10:26",
    }
    for n in range(3)
]
"""Three valid workspace rows: a table with no references, so only reading can fail."""
COLUMNS = list(WORKSPACES[0])
NULL_ROW = "row is null; expected an object of columns"


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    """Run the command line in-process."""
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def found(result: Result) -> list[tuple[str, int | None, str, str]]:
    """(code, line, pointer, message) of every finding of a JSON report."""
    document: dict[str, Any] = orjson.loads(result.output)
    return [(f["code"], f["line"], f["pointer"], f["message"]) for f in document["findings"]]


def rows_read(result: Result) -> dict[str, int]:
    """Rows read per table, from a JSON report."""
    rows: dict[str, int] = orjson.loads(result.output)["summary"]["rows"]
    return rows


def ndjson(rows: list[Any]) -> bytes:
    """Rows as NDJSON."""
    return b"".join(orjson.dumps(row) + b"\n" for row in rows)


def csv(rows: list[dict[str, Any]], end: bytes = b"\n") -> bytes:
    """Workspace rows as COPY CSV (no value needs quoting)."""
    lines = [",".join(COLUMNS).encode()]
    lines += [",".join(str(row[c]) for c in COLUMNS).encode() for row in rows]
    return b"".join(line + end for line in lines)


def tsv(rows: list[dict[str, Any]]) -> bytes:
    """Workspace rows as ``mariadb --batch`` writes them."""
    lines = ["\t".join(COLUMNS).encode()]
    lines += ["\t".join(str(row[c]) for c in COLUMNS).encode() for row in rows]
    return b"".join(line + b"\n" for line in lines)


def config(tmp_path: Path, text: str) -> str:
    """A configuration file holding ``text``."""
    path = tmp_path / "restore-contracts.toml"
    path.write_text(text)
    return str(path)


def _feed(path: str | int, data: bytes) -> threading.Thread:
    def write() -> None:
        with open(path, "wb") as handle:
            handle.write(data)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def once_only(kind: str, tmp_path: Path, data: bytes) -> tuple[list[str], bytes | None]:
    """The arguments and stdin that hand ``data`` over as stdin, a FIFO or a /dev/fd pipe."""
    if kind == "stdin":
        return ["-"], data
    if kind == "fifo":
        path = tmp_path / "rows.ndjson"
        os.mkfifo(path)
        _feed(str(path), data)
        return [str(path)], None
    read, write = os.pipe()
    _feed(write, data)
    return [f"/dev/fd/{read}"], None


class TestOnceOnlyInput:
    @pytest.mark.parametrize("kind", ["stdin", "fifo", "pipe"])
    def test_truth_reads_input_that_cannot_be_reread_like_a_file(
        self, kind: str, tmp_path: Path
    ) -> None:
        """`truth` reads stdin, a FIFO or /dev/fd/N once and reports what the same file gives."""
        data = invoke("generate", "--scenario", "completed", "--format", "ndjson", "--out", "-")
        path = tmp_path / "export.ndjson"
        path.write_bytes(data.stdout_bytes)
        options = ["--format", "json", "--date", "2026-06-01"]
        expected: dict[str, Any] = orjson.loads(invoke("truth", str(path), *options).output)
        args, stdin = once_only(kind, tmp_path, data.stdout_bytes)
        result = invoke("truth", *args, *options, stdin=stdin)
        actual: dict[str, Any] = orjson.loads(result.output)
        expected["source"] = actual["source"]
        assert (0, expected) == (result.exit_code, actual)
        assert actual["rows"]["restore_runs"] == 1

    @pytest.mark.parametrize("kind", ["stdin", "pipe"])
    @pytest.mark.parametrize("fmt", ["csv", "tsv"])
    def test_csv_and_tsv_without_a_file_name_are_told_by_their_header(
        self, kind: str, fmt: str, tmp_path: Path
    ) -> None:
        """CSV or TSV on stdin or `<(...)` is recognised by its header line and read as the file."""
        data = (csv if fmt == "csv" else tsv)([dict(WORKSPACES[0], name=None), *WORKSPACES[1:]])
        path = tmp_path / f"workspaces.{fmt}"
        path.write_bytes(data.replace(b"None", b"" if fmt == "csv" else b"NULL"))
        expected = invoke("validate", str(path), "--format", "json")
        args, stdin = once_only(kind, tmp_path, path.read_bytes())
        result = invoke("validate", *args, "--table", "workspaces", "--format", "json", stdin=stdin)
        assert (1, found(expected)) == (result.exit_code, found(result))
        null_name = [("RR101", 2, "/name", "Input should be a valid string (got null)")]
        assert null_name == found(result)


class TestSilentPasses:
    @pytest.mark.parametrize("how", ["ndjson", "json", "stdin"])
    def test_null_row_is_a_finding(self, how: str, tmp_path: Path) -> None:
        """A `null` row is RR007 at its line, in NDJSON, in a JSON array and on stdin."""
        if how == "json":
            data = b"[\n" + orjson.dumps(WORKSPACES[0]) + b",\nnull\n]\n"
        else:
            data = ndjson([WORKSPACES[0], None])
        path = tmp_path / f"workspaces.{'json' if how == 'json' else 'ndjson'}"
        path.write_bytes(data)
        args = ["-", "--table", "workspaces"] if how == "stdin" else [str(path)]
        result = invoke("validate", *args, "--format", "json", stdin=data)
        expected = (1, [("RR007", 3 if how == "json" else 2, "", NULL_ROW)], {"workspaces": 2})
        assert expected == (result.exit_code, found(result), rows_read(result))

    def test_csv_header_naming_a_column_twice_is_a_finding(self, tmp_path: Path) -> None:
        """A header with a column twice is RR021 (which field holds the value is unknowable)."""
        path = tmp_path / "workspaces.csv"
        path.write_bytes(b"id,name,name,created_at,updated_at\n1,a,b,x,y\n")
        result = invoke("validate", str(path), "--format", "json")
        message = "the header names 'name' more than once; no row of the file is read"
        assert (1, [("RR021", 1, "", message)]) == (result.exit_code, found(result))

    def test_array_of_an_unnamed_table_asks_for_table(self, tmp_path: Path) -> None:
        """`validate dump.json` holding rows of a table its name does not say exits 2."""
        path = tmp_path / "dump.json"
        path.write_bytes(orjson.dumps(WORKSPACES))
        result = CliRunner().invoke(cli, ["validate", str(path)])
        expected = (
            2,
            f"Error: {path}: none of the contract tables (it holds 'dump'); name the table "
            "with --table or name the file after it (e.g. restore_runs.ndjson)\n",
        )
        assert expected == (result.exit_code, result.output)


class TestRowsAfterABadOne:
    @pytest.mark.parametrize("fmt", ["ndjson", "csv", "stdin"])
    def test_cr_only_line_endings_are_line_ends(self, fmt: str, tmp_path: Path) -> None:
        """A file (or stdin) with CR-only line ends gives its rows, not one long row."""
        data = (csv(WORKSPACES) if fmt == "csv" else ndjson(WORKSPACES)).replace(b"\n", b"\r")
        path = tmp_path / f"workspaces.{'csv' if fmt == 'csv' else 'ndjson'}"
        path.write_bytes(data)
        args = ["-", "--table", "workspaces"] if fmt == "stdin" else [str(path)]
        result = invoke("validate", *args, "--format", "json", stdin=data)
        expected = (0, [], {"workspaces": 3})
        assert expected == (result.exit_code, found(result), rows_read(result))

    def test_stray_quote_does_not_swallow_the_rest(self, tmp_path: Path) -> None:
        """A quote inside an unquoted CSV field is RR008 at its line; every later row is read."""
        lines = csv(WORKSPACES).splitlines(keepends=True)
        bad = b'8100009,Work"space,workspace-9,2025-12-24 00:33:39,2026-01-08 08:10:26\n'
        path = tmp_path / "workspaces.csv"
        path.write_bytes(lines[0] + lines[1] + bad + b"".join(lines[2:]))
        result = invoke("validate", str(path), "--format", "json")
        message = "text after a closing quote or a quote inside an unquoted field"
        expected = (1, [("RR008", 3, "", message)], {"workspaces": 4})
        assert expected == (result.exit_code, found(result), rows_read(result))


LONG = 5000
"""Bytes of a line longer than the 1 KiB limit these tests configure."""


def _long_line(fmt: str) -> bytes:
    """A workspaces file whose second row is LONG bytes of one value, for each format."""
    big = dict(WORKSPACES[1], name="x" * LONG)
    rows = [WORKSPACES[0], big, WORKSPACES[2]]
    if fmt == "ndjson":
        return ndjson(rows)
    if fmt == "csv":
        return csv(rows)
    if fmt == "tsv":
        return tsv(rows)
    return b"[\n" + b",\n".join(orjson.dumps(row) for row in rows) + b"\n]\n"


class TestSizeLimits:
    @pytest.mark.parametrize(
        ("fmt", "what"), [("ndjson", "line"), ("csv", "line"), ("tsv", "line"), ("json", "row")]
    )
    def test_row_over_the_limit_is_a_finding_and_the_next_is_read(
        self, fmt: str, what: str, tmp_path: Path
    ) -> None:
        """A row longer than max_line_bytes is RR022 at its line; the rows around it are read."""
        path = tmp_path / f"workspaces.{fmt}"
        path.write_bytes(_long_line(fmt))
        settings = config(tmp_path, "max_line_bytes = 1024\n")
        result = invoke("--config", settings, "validate", str(path), "--format", "json")
        size = len(orjson.dumps(dict(WORKSPACES[1], name="x" * LONG)))
        if fmt in ("csv", "tsv"):
            size = len(_long_line(fmt).splitlines(keepends=True)[2])
        elif fmt == "ndjson":
            size += 1
        message = f"the {what} is {size} bytes, more than max_line_bytes (1024); it is skipped"
        line = 2 if fmt == "ndjson" else 3
        expected = (1, [("RR022", line, "", message)], {"workspaces": 3})
        assert expected == (result.exit_code, found(result), rows_read(result))

    @pytest.mark.parametrize("name", ["workspaces.ndjson", "workspaces.json"])
    def test_endless_input_ends_with_a_finding(self, name: str, tmp_path: Path) -> None:
        """`/dev/zero` named .ndjson or .json ends (bounded time, memory and disk) with a finding."""
        path = tmp_path / name
        path.symlink_to("/dev/zero")
        settings = config(tmp_path, "max_line_bytes = 4096\n")
        result = invoke("--config", settings, "validate", str(path), "--format", "json")
        if name.endswith(".ndjson"):
            code = "RR022"
            message = (
                "the line runs for more than 65536 bytes without an end; the rest of the input "
                "is not read"
            )
        else:
            code, message = "RR009", "expected an array of rows or an object of table -> rows"
        expected = (1, [(code, 1, "", message)], {"workspaces": 1})
        assert expected == (result.exit_code, found(result), rows_read(result))

    def test_endless_json_array_on_stdin_ends_with_a_finding(self, tmp_path: Path) -> None:
        """A JSON array that never ends an element (`[` then zeros) on stdin ends with RR022."""
        settings = config(tmp_path, "max_line_bytes = 4096\n")
        data = b"[" + bytes(300_000)
        options = ["--table", "workspaces", "--format", "json"]
        result = invoke("--config", settings, "validate", "-", *options, stdin=data)
        message = (
            "the row runs for more than 65536 bytes without an end; the rest of the input "
            "is not read"
        )
        expected = (1, [("RR022", 1, "", message)], {"workspaces": 1})
        assert expected == (result.exit_code, found(result), rows_read(result))


DEEP_TEXT = b"[" * 1500 + b"]" * 1500
TOO_DEEP = "JSON nested more than 128 levels; the row is not read"
SHALLOW = {"id": 1, "metadata": {"x": 1}}


def _nested(how: str) -> tuple[str, bytes, int]:
    """A file name, its bytes and the line of its second row, 1,500 levels deep."""
    structure = b'{"id": 2, "metadata": {"x": ' + DEEP_TEXT + b"}}"
    text = orjson.dumps({"id": 2, "metadata": DEEP_TEXT.decode()})
    if how == "json":
        return "runs.json", b"[\n" + orjson.dumps(SHALLOW) + b",\n" + structure + b"\n]", 3
    if how == "csv":
        return "runs.csv", b'id,metadata\n1,"{""x"": 1}"\n2,' + DEEP_TEXT + b"\n", 3
    if how == "tsv":
        return "runs.tsv", b'id\tmetadata\n1\t{"x": 1}\n2\t' + DEEP_TEXT + b"\n", 3
    second = text if how == "ndjson-text" else structure
    return "runs.ndjson", ndjson([SHALLOW]) + second + b"\n", 2


class TestNesting:
    @pytest.mark.parametrize("how", ["ndjson", "ndjson-text", "json", "csv", "tsv", "stdin"])
    def test_json_nested_a_thousand_levels_is_a_finding(self, how: str, tmp_path: Path) -> None:
        """JSON 1,500 levels deep, in a row or as a JSON column's text, is RR023, not a crash."""
        name, data, line = _nested(how)
        path = tmp_path / name
        path.write_bytes(data)
        args = ["-"] if how == "stdin" else [str(path)]
        options = ["--table", "restore_runs", "--format", "json", "--select", "RR0"]
        result = invoke("validate", *args, *options, stdin=data)
        expected = (1, [("RR023", line, "", TOO_DEEP)], {"restore_runs": 2})
        assert expected == (result.exit_code, found(result), rows_read(result))

    def test_postgresql_jsonb_nested_a_thousand_levels_is_a_finding(self, pg: Server) -> None:
        """A jsonb value 1,500 levels deep read from PostgreSQL is RR023 on its row, not a crash."""
        world = completed_world()
        seed_worlds(parse_url(pg.spec), [world])
        engine = pg.engine()
        with engine.begin() as db:
            db.execute(
                text(
                    "UPDATE restore_runs SET metadata = jsonb_build_object('x', CAST(:deep AS jsonb))"
                ),
                {"deep": DEEP_TEXT.decode()},
            )
        engine.dispose()
        result = invoke("validate", pg.spec, "--format", "json", "--select", "RR0")
        expected = (1, [("RR023", None, "", TOO_DEEP)])
        assert expected == (result.exit_code, found(result))


class TestEncoding:
    def test_byte_order_mark_on_stdin_is_accepted(self) -> None:
        """The generators' own stream with a UTF-8 BOM validates as it does without one."""
        data = invoke("generate", "--scenario", "completed", "--format", "ndjson", "--out", "-")
        plain = invoke("validate", "-", "--format", "json", stdin=data.stdout_bytes)
        marked = invoke(
            "validate", "-", "--format", "json", stdin=b"\xef\xbb\xbf" + data.stdout_bytes
        )
        assert (0, plain.output) == (marked.exit_code, marked.output)

    @pytest.mark.parametrize("fmt", ["ndjson", "csv", "tsv", "json"])
    def test_invalid_utf8_is_a_finding_and_the_rest_is_read(self, fmt: str, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 are RR002 at their line; the other rows are read."""
        data = _long_line(fmt).replace(b"x" * LONG, b"caf\xe9")
        path = tmp_path / f"workspaces.{fmt}"
        path.write_bytes(data)
        result = invoke("validate", str(path), "--format", "json")
        line = 2 if fmt == "ndjson" else 3
        messages = {
            "ndjson": "not valid UTF-8: byte 26 of the line (invalid continuation byte)",
            "csv": "not valid UTF-8: byte 12 of line 3 (invalid continuation byte)",
            "tsv": "not valid UTF-8: byte 12 (invalid continuation byte)",
            "json": "not valid UTF-8 at byte 26",
        }
        expected = (1, [("RR002", line, "", messages[fmt])], {"workspaces": 3})
        assert expected == (result.exit_code, found(result), rows_read(result))


def _document(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(value, option=orjson.OPT_INDENT_2))
    return str(path)


class TestDocuments:
    @pytest.mark.parametrize(
        "envelope",
        [
            {"data": WORKSPACES},
            {"data": WORKSPACES, "links": {"first": "/?page=1"}, "meta": {"current_page": 1}},
            {"current_page": 1, "data": WORKSPACES, "links": [], "per_page": 15, "total": 3},
        ],
        ids=["resource-collection", "resource-paginator", "paginator-to-array"],
    )
    def test_api_envelope_is_read_with_table_and_refused_without(
        self, envelope: dict[str, Any], tmp_path: Path
    ) -> None:
        """{"data": [...]} (Laravel API resources, paginators) needs --table; then it is read."""
        path = _document(tmp_path, "response.json", envelope)
        refused = CliRunner().invoke(cli, ["validate", path])
        keys = ", ".join(repr(key) for key in envelope)
        message = (
            f"Error: {path}: a Laravel API resource collection or paginator "
            f'({{"data": [...]}} with {keys}); give --table to name the table of its rows\n'
        )
        assert (2, message) == (refused.exit_code, refused.output)
        read = invoke("validate", path, "--table", "workspaces", "--format", "json")
        assert (read.exit_code, found(read), rows_read(read)) == (0, [], {"workspaces": 3})

    def test_one_row_object_is_read_with_table_and_refused_without(self, tmp_path: Path) -> None:
        """A document that is one row object is never passed empty: --table reads it as a row."""
        path = _document(tmp_path, "workspace.json", WORKSPACES[0])
        refused = CliRunner().invoke(cli, ["validate", path])
        message = (
            f"Error: {path}: one JSON object (keys 'id', 'name', 'slug', 'created_at', "
            "'updated_at'), not rows; give --table to read it as one row of that table, or "
            "export an array of rows\n"
        )
        assert (2, message) == (refused.exit_code, refused.output)
        read = invoke("validate", path, "--table", "workspaces", "--format", "json")
        assert (read.exit_code, found(read), rows_read(read)) == (0, [], {"workspaces": 1})

    def test_table_option_picks_a_table_of_a_document(self, tmp_path: Path) -> None:
        """--table applies to an object of tables too: only that table is read."""
        path = _document(tmp_path, "export.json", {"workspaces": WORKSPACES, "jobs": [{"id": 1}]})
        read = invoke("validate", path, "--table", "workspaces", "--format", "json")
        assert (read.exit_code, found(read), rows_read(read)) == (0, [], {"workspaces": 3})
        missing = CliRunner().invoke(cli, ["validate", path, "--table", "backup_sets"])
        message = f"Error: {path}: no table 'backup_sets' in the document (it holds 'workspaces', 'jobs')\n"
        assert (2, message) == (missing.exit_code, missing.output)

    def test_text_after_the_document_is_a_finding(self, tmp_path: Path) -> None:
        """A second document (or NDJSON) after the first in a .json file is RR009, not ignored."""
        path = tmp_path / "workspaces.json"
        path.write_bytes(orjson.dumps(WORKSPACES[:1]) + b"\n" + orjson.dumps(WORKSPACES[1:]))
        result = invoke("validate", str(path), "--format", "json")
        message = (
            "text after the end of the JSON document is not read (one document per .json "
            "file; rows one per line belong in .ndjson)"
        )
        expected = (1, [("RR009", 2, "", message)], {"workspaces": 2})
        assert expected == (result.exit_code, found(result), rows_read(result))

    def test_input_without_contract_tables_exits_2(self, tmp_path: Path) -> None:
        """An input holding none of the contract tables exits 2 and says what it holds."""
        path = _document(tmp_path, "export.json", {"jobs": [{"id": 1}], "users": []})
        result = CliRunner().invoke(cli, ["validate", path])
        message = (
            f"Error: {path}: none of the contract tables (it holds 'jobs', 'users'); name the "
            "table with --table or name the file after it (e.g. restore_runs.ndjson)\n"
        )
        assert (2, message) == (result.exit_code, result.output)

    @pytest.mark.parametrize("name", ["workspaces.ndjson", "workspaces.json", "workspaces.csv"])
    def test_empty_contract_table_is_reported_empty(self, name: str, tmp_path: Path) -> None:
        """An empty file of a contract table is an empty table: exit 0, 0 rows, no error."""
        path = tmp_path / name
        path.write_bytes(b"")
        result = invoke("validate", str(path), "--format", "json")
        assert (result.exit_code, found(result), rows_read(result)) == (0, [], {"workspaces": 0})

    def test_fresh_database_is_reported_empty(self, tmp_path: Path) -> None:
        """A database with the contract tables and no rows validates as empty, not as an error."""
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        assert invoke("db", "init", url).exit_code == 0
        result = invoke("validate", url, "--format", "json")
        assert (result.exit_code, found(result)) == (0, [])
        assert set(rows_read(result).values()) == {0}


class TestPsqlCopyText:
    def test_copy_text_is_refused_with_a_hint(self, tmp_path: Path) -> None:
        """psql `\\copy (select row_to_json(t) ...) to FILE` doubles backslashes: exit 2 with the fix."""
        row = orjson.dumps(dict(WORKSPACES[0], name='say "hi"\n'))
        path = tmp_path / "workspaces.ndjson"
        path.write_bytes(ndjson([WORKSPACES[1]]) + row.replace(b"\\", b"\\\\") + b"\n")
        result = CliRunner().invoke(cli, ["validate", str(path)])
        message = (
            f"Error: {path}: line 2 is psql COPY text, not JSON (\\copy ... TO FILE doubles every "
            "backslash); export NDJSON with psql -XAt -c 'SELECT to_jsonb(t) FROM restore_runs "
            "t' -o restore_runs.ndjson\n"
        )
        assert (2, message) == (result.exit_code, result.output)

    def test_copy_text_that_is_json_either_way_is_refused(self, tmp_path: Path) -> None:
        """json_encode's \\u00c4 and \\/ doubled by COPY still parse as JSON, with other
        values: the doubled escapes and no quote escaped once give COPY away (exit 2)."""
        row = orjson.dumps(WORKSPACES[0]).replace(b'"name":"', b'"name":"\\\\u00c4 \\\\/ ')
        path = tmp_path / "workspaces.ndjson"
        path.write_bytes(row + b"\n")
        result = CliRunner().invoke(cli, ["validate", str(path)])
        message = (
            f"Error: {path}: line 1 is psql COPY text, not JSON (\\copy ... TO FILE doubles every "
            "backslash); export NDJSON with psql -XAt -c 'SELECT to_jsonb(t) FROM restore_runs "
            "t' -o restore_runs.ndjson\n"
        )
        assert (2, message) == (result.exit_code, result.output)

    def test_json_text_holding_escapes_is_read(self, tmp_path: Path) -> None:
        """A JSON column as JSON text whose JSON holds \\u escapes (a raw query-builder dump)
        is not COPY text: its quotes are escaped once."""
        inner = orjson.dumps({"note": "\u00c4"}).decode().replace("\u00c4", "\\u00c4")
        row = dict(WORKSPACES[0], name=inner)  # the text {"note":"\u00c4"}, as json_encode
        path = tmp_path / "workspaces.ndjson"
        path.write_bytes(orjson.dumps(row) + b"\n")
        result = invoke("validate", str(path), "--format", "json")
        assert (result.exit_code, found(result)) == (0, [])


class TestTsvWithoutHeader:
    def test_into_outfile_without_header_exits_2(self, tmp_path: Path) -> None:
        """A TSV whose first line is a row (INTO OUTFILE) exits 2 with how to add a header."""
        path = tmp_path / "workspaces.tsv"
        path.write_bytes(tsv(WORKSPACES).split(b"\n", 1)[1])
        result = CliRunner().invoke(cli, ["validate", str(path)])
        message = (
            f"Error: {path}: the first line is not a header of column names (SELECT ... INTO "
            "OUTFILE and mysqldump --tab write none); export with `mariadb --batch -e 'SELECT * "
            "FROM <table>' <database> > <table>.tsv`, or put a line of tab-separated column "
            "names first\n"
        )
        assert (2, message) == (result.exit_code, result.output)
