"""Reports that data could take over: injection, unparseable output, unbounded size, baselines.

Each class replays one class of hostile input against the reports a user or a
CI job reads; each test compares whole outputs (or whole parsed documents).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result
from lxml import etree

from restore_contracts.cli import cli
from restore_contracts.display import clean, json_text, unsafe_characters
from restore_contracts.generators.mutations import mutate
from restore_contracts.truth import render_markdown

from ..validators.conftest import scenario, write_ndjson

H = "a\n::error file=f.py,line=1::forged\x1b]0;pwn\x07\x1b[2J\x9b\u202e\ufffe]]>"
"""A string that forges a workflow command, retitles and clears a terminal, and breaks XML."""
H_SHOWN = "a\\n::error file=f.py,line=1::forged\\x1b]0;pwn\\x07\\x1b[2J\\x9b\\u202e\\ufffe]]>"
"""``H`` as reports show it: one line, every unsafe character a visible escape."""
H_JSON_SHOWN = (
    '"a\\n::error file=f.py,line=1::forged\\u001b]0;pwn\\u0007\\u001b[2J\\x9b\\u202e\\ufffe]]>"'
)
"""``H`` quoted as JSON inside a message (show()), then cleaned."""
RUN_ID = 8500001
"""The restore run of the completed scenario."""
SGR = re.compile("\x1b\\[[0-9;]*m")


def validate(*args: str) -> Result:
    """Run `restore-contracts validate ARGS` (no terminal: CliRunner's output is a pipe)."""
    return CliRunner().invoke(cli, ["validate", *args])


def hostile_export(root: Path, name: bytes) -> str:
    """A completed world in a directory named ``name`` (bytes: any file name Linux allows),
    whose run holds ``H`` as an unknown column's name and as its failure_reason."""
    world = mutate(scenario("completed"), "RR209")
    run = world.restore_run()
    run["failure_reason"] = H
    run[H] = 1
    directory = Path(os.fsdecode(os.fsencode(root) + b"/" + name))
    write_ndjson(world.tables, directory)
    return str(directory)


@pytest.fixture
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The hostile export in a directory named ``exp`` + ``H`` (relative to the cwd)."""
    monkeypatch.chdir(tmp_path)
    return os.path.relpath(hostile_export(tmp_path, b"exp" + H.encode()), tmp_path)


@pytest.fixture
def undecodable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The hostile export in a directory whose name is not UTF-8 (Python sees a lone surrogate)."""
    monkeypatch.chdir(tmp_path)
    return os.path.relpath(hostile_export(tmp_path, b"exp\xff"), tmp_path)


def raw_controls(text: str, allowed: str = "\n") -> list[str]:
    """Characters a reader's terminal or parser must not meet raw (except ``allowed``)."""
    return [c for c in unsafe_characters(text) if c not in allowed]


class TestTextReportEscapes:
    def test_values_names_and_file_names_are_escaped(self, export: str) -> None:
        """Column name, value and directory name print as visible escapes, one finding a line."""
        result = validate(export, "--select", "RR103,RR209")
        where = f"exp{H_SHOWN}/restore_runs.ndjson:1  restore_runs#{RUN_ID}"
        expected = (
            "RR103 warning Column not in the contract (1 finding)\n"
            f"  {where}  /{H_SHOWN}  column {H_JSON_SHOWN} is not in the restore_runs contract"
            " (1 row; this is the one with the lowest id)\n"
            "RR209 error   Completed run with a failure_reason (1 finding)\n"
            f"  {where}  /failure_reason  failure_reason is {H_JSON_SHOWN}; expected null for a"
            " completed run\n"
            "rows read: workspaces 1, managed_environments 1, backup_sets 1, backup_items 6,"
            " operation_runs 1, evidence_snapshots 1, restore_runs 1\n"
            f"exp{H_SHOWN}: FAILED (fail on error): 2 findings (1 error, 1 warning),"
            " 2 rules applied\n"
        )
        assert (1, expected) == (result.exit_code, result.output)

    def test_colour_adds_only_its_own_codes(self, export: str) -> None:
        """With --color (as on a terminal) the only escape sequences are the report's colours."""
        plain = validate(export, "--select", "RR103,RR209").output
        coloured = validate(export, "--select", "RR103,RR209", "--color").output
        expected = (plain, [])
        assert expected == (SGR.sub("", coloured), raw_controls(SGR.sub("", coloured)))

    def test_ordinary_characters_are_kept(self) -> None:
        """Accents, CJK and emoji print as they are; only their plane's non-characters escape."""
        expected = ("Zoë 日本 😀 \\U0001fffe", '{\n  "k": "😀 \\ud83f\\udffe"\n}\n')
        assert expected == (clean("Zoë 日本 😀 \U0001fffe"), json_text({"k": "😀 \U0001fffe"}))


class TestErrorLines:
    def test_file_name_in_an_error_is_escaped(self, tmp_path: Path) -> None:
        """A one-line error quoting a hostile or undecodable path shows it escaped, exit 2."""
        name = os.fsdecode(b"x\x1b]0;pwn\x07\xff\n::error::y")
        result = validate(name)
        expected = (2, "Error: x\\x1b]0;pwn\\x07\\udcff ::error::y: no such file or directory\n")
        assert expected == (result.exit_code, result.output)


class TestGithubAnnotations:
    def test_data_cannot_start_a_command(self, export: str) -> None:
        """Each finding is one annotation line; data is escaped by the workflow-command rules."""
        result = validate(export, "--select", "RR103,RR209", "--format", "github")
        file = f"exp{H_SHOWN}/restore_runs.ndjson".replace(":", "%3A").replace(",", "%2C")
        expected = (
            f"::error file={file},line=1,title=RR209 Completed run with a failure_reason::"
            f"restore_runs#{RUN_ID} /failure_reason: failure_reason is {H_JSON_SHOWN}; expected"
            " null for a completed run\n"
            f"::warning file={file},line=1,title=RR103 Column not in the contract::"
            f"restore_runs#{RUN_ID} /{H_SHOWN}: column {H_JSON_SHOWN} is not in the restore_runs"
            " contract (1 row; this is the one with the lowest id)\n"
            f"restore-contracts: 2 findings in exp{H_SHOWN} (0 rules skipped)\n"
        )
        assert (1, expected) == (result.exit_code, result.output)

    def test_percent_cr_and_lf_follow_githubs_rules(self, tmp_path: Path) -> None:
        """A literal %0A in data stays text (%250A); escaped CR and LF never reach the line raw."""
        world = mutate(scenario("completed"), "RR209")
        world.restore_run()["failure_reason"] = "100%\r\n%0A"
        write_ndjson(world.tables, tmp_path / "e")
        output = validate(str(tmp_path / "e"), "--select", "RR209", "--format", "github").output
        expected = (
            f"::error file={tmp_path}/e/restore_runs.ndjson,line=1,title=RR209 Completed run with"
            f" a failure_reason::restore_runs#{RUN_ID} /failure_reason: failure_reason is"
            ' "100%25\\r\\n%250A"; expected null for a completed run'
        )
        assert expected == output.splitlines()[0]


class TestJunitParses:
    def test_parses_with_etree_and_a_strict_parser(self, undecodable: str, export: str) -> None:
        """Controls, U+FFFE, ]]> and an undecodable file name still give well-formed XML."""
        for path in (export, undecodable):
            output = validate(path, "--select", "RR209", "--format", "junit").output
            failure = ET.fromstring(output).find("testsuite/testcase/failure")
            strict = etree.fromstring(output.encode(), etree.XMLParser(recover=False))
            shown = path.replace("\udcff", "\\udcff").replace(H, H_SHOWN)
            expected = (
                f"{shown}/restore_runs.ndjson:1 restore_runs#{RUN_ID} /failure_reason:"
                f" failure_reason is {H_JSON_SHOWN}; expected null for a completed run"
            )
            assert (expected, expected) == (
                failure.text if failure is not None else None,
                strict.find("testsuite/testcase/failure").text,
            )


class TestJsonReport:
    def test_valid_json_keeping_the_data(self, undecodable: str) -> None:
        """An undecodable file name is an escape, the data stays exact, nothing is left raw."""
        result = validate(undecodable, "--select", "RR103", "--format", "json")
        document = json.loads(result.output)
        expected = (
            0,
            [
                {
                    "code": "RR103",
                    "severity": "warning",
                    "table": "restore_runs",
                    "id": RUN_ID,
                    "source": "exp\\udcff/restore_runs.ndjson",
                    "line": 1,
                    "pointer": f"/{H}",
                    "message": f"column {json.dumps(H, ensure_ascii=False)} is not in the"
                    " restore_runs contract (1 row; this is the one with the lowest id)",
                }
            ],
            "exp\\udcff",
            [],
        )
        assert expected == (
            result.exit_code,
            document["findings"],
            document["summary"]["source"],
            raw_controls(result.output),
        )


class TestShortening:
    SIZE = 1_000_000

    @pytest.fixture
    def export(self, tmp_path: Path) -> str:
        """A run with a column whose name is a million characters."""
        world = scenario("completed")
        world.restore_run()["c" * self.SIZE] = 1
        return str(write_ndjson(world.tables, tmp_path / "e"))

    def test_text_report_is_bounded(self, export: str) -> None:
        """The column name shows its first 500 characters and its length, in text and github."""
        note = f"…(shortened from {self.SIZE + 1} characters)"
        text = validate(export, "--select", "RR103").output.splitlines()[1]
        expected = (
            f"  {export}/restore_runs.ndjson:1  restore_runs#{RUN_ID}  /{'c' * 499}{note}"
            f'  column "{"c" * 79}…(shortened from {self.SIZE + 2} characters) is not in the'
            " restore_runs contract (1 row; this is the one with the lowest id)"
        )
        assert expected == text

    def test_every_format_is_small(self, export: str) -> None:
        """No format grows with the column name: each report stays under 10 kB."""
        sizes = {
            fmt: len(validate(export, "--select", "RR103", "--format", fmt).output) < 10_000
            for fmt in ("text", "json", "junit", "github")
        }
        expected = dict.fromkeys(("text", "json", "junit", "github"), True)
        assert expected == sizes

    def test_clean_counts_escapes_against_the_limit(self) -> None:
        """Escapes are counted as shown: the limit bounds the output, never cuts an escape."""
        expected = (
            "\\x1b\\x1b…(shortened from 1000 characters)",
            "abc",
            "ab…(shortened from 3 characters)",
        )
        assert expected == (clean("\x1b" * 1000, 10), clean("abc", 3), clean("abc", 2))


class TestBaseline:
    GOOD_LINE = 1

    @pytest.fixture
    def runs(self, tmp_path: Path) -> Path:
        """An export whose restore_runs.ndjson holds one good row and one bad line."""
        write_ndjson(scenario("completed").tables, tmp_path / "e")
        path = tmp_path / "e" / "restore_runs.ndjson"
        with path.open("ab") as handle:
            handle.write(b"{bad one}\n")
        return path

    def findings_after(self, runs: Path, baseline: Path, lines: list[bytes]) -> list[Any]:
        """The (code, line) of each finding left after the baseline, with the file's lines."""
        good = runs.read_bytes().splitlines(keepends=True)[0]
        runs.write_bytes(good + b"".join(lines))
        result = validate(str(runs.parent), "--baseline", str(baseline), "--format", "json")
        document = orjson.loads(result.output)
        return [(f["code"], f["line"]) for f in document["findings"]] + [
            document["summary"]["baselined"]
        ]

    def test_one_bad_line_accepts_only_itself(self, runs: Path, tmp_path: Path) -> None:
        """Another bad line, and the same bad line a second time, are reported."""
        baseline = tmp_path / "baseline.json"
        validate(str(runs.parent), "--write-baseline", str(baseline))
        after = self.findings_after(
            runs, baseline, [b"{bad one}\n", b"{bad two}\n", b"{bad one}\n"]
        )
        expected = [("RR001", 3), ("RR001", 4), 1]
        assert expected == after

    def test_moved_bad_line_stays_accepted(self, runs: Path, tmp_path: Path) -> None:
        """The accepted bad line moved down by a blank line is still the accepted one."""
        baseline = tmp_path / "baseline.json"
        validate(str(runs.parent), "--write-baseline", str(baseline))
        expected = [1]
        assert expected == self.findings_after(runs, baseline, [b"\n", b"{bad one}\n"])

    def test_baseline_records_file_fingerprint_and_count(self, runs: Path, tmp_path: Path) -> None:
        """An id-less entry names its file and line fingerprint; a repeated identity its count."""
        runs.write_bytes(runs.read_bytes() + b"{bad one}\n")
        baseline = tmp_path / "baseline.json"
        validate(str(runs.parent), "--write-baseline", str(baseline))
        expected = {
            "version": 2,
            "findings": [
                {
                    "code": "RR001",
                    "table": "restore_runs",
                    "id": None,
                    "pointer": "",
                    "file": "restore_runs.ndjson",
                    "fingerprint": hashlib.sha256(b"{bad one}").hexdigest()[:16],
                    "count": 2,
                }
            ],
        }
        assert expected == orjson.loads(baseline.read_bytes())

    def test_version_1_entry_accepts_one(self, runs: Path, tmp_path: Path) -> None:
        """An old id-less entry accepts one finding of its code, table and pointer, not all."""
        baseline = tmp_path / "baseline.json"
        entry = {"code": "RR001", "table": "restore_runs", "id": None, "pointer": ""}
        baseline.write_bytes(orjson.dumps({"version": 1, "findings": [entry]}))
        expected = [("RR001", 3), 1]
        assert expected == self.findings_after(runs, baseline, [b"{x}\n", b"{y}\n"])

    def test_hostile_names_make_a_small_baseline(self, tmp_path: Path) -> None:
        """An undecodable file name and a million-character column give a small, working baseline."""
        directory = Path(hostile_export(tmp_path, b"exp\xff"))
        runs = directory / "restore_runs.ndjson"
        row = orjson.loads(runs.read_bytes())
        row["c" * 1_000_000] = 1
        runs.write_bytes(orjson.dumps(row) + b"\n{bad}\n")
        baseline = tmp_path / "baseline.json"
        written = validate(str(directory), "--write-baseline", str(baseline))
        again = validate(str(directory), "--baseline", str(baseline), "--format", "json")
        summary = orjson.loads(again.output)["summary"]
        expected = (1, True, 0, (0, 4))
        assert expected == (
            written.exit_code,
            baseline.stat().st_size < 10_000,
            again.exit_code,
            (summary["findings"], summary["baselined"]),
        )


class TestDatabaseLocations:
    @pytest.fixture
    def database(self, tmp_path: Path) -> str:
        """A SQLite database holding a completed run with a failure_reason (RR209)."""
        url = f"sqlite:///{tmp_path}/w.db"
        result = CliRunner().invoke(cli, ["db", "seed", url, "--mutate", "RR209"])
        expected = 0
        assert expected == result.exit_code, result.output
        return url

    def test_row_printed_once_in_every_format(self, database: str) -> None:
        """text, JUnit and GitHub name the row once; GitHub gets no file= it cannot open."""
        message = (
            '/failure_reason: failure_reason is "Graph API returned 500 Internal Server Error";'
            " expected null for a completed run"
        )
        outputs = {
            fmt: validate(database, "--select", "RR209", "--format", fmt).output
            for fmt in ("text", "junit", "github")
        }
        failure = ET.fromstring(outputs["junit"]).find("testsuite/testcase/failure")
        expected = (
            f"  restore_runs#{RUN_ID}  {message.replace(': ', '  ', 1)}",
            f"restore_runs#{RUN_ID} {message}",
            f"::error title=RR209 Completed run with a failure_reason (restore_runs#{RUN_ID})::"
            f"restore_runs#{RUN_ID} {message}",
        )
        assert expected == (
            outputs["text"].splitlines()[1],
            failure.text if failure is not None else None,
            outputs["github"].splitlines()[0],
        )

    def test_stdin_gets_no_file(self) -> None:
        """A finding read from stdin names <stdin> and its line in the title, not as a file."""
        world = mutate(scenario("completed"), "RR209")
        rows = b"".join(orjson.dumps(row) + b"\n" for row in world.tables["restore_runs"])
        result = CliRunner().invoke(
            cli,
            ["validate", "-", "--table", "restore_runs", "--select", "RR209", "--format", "github"],
            input=rows,
        )
        expected = (
            "::error title=RR209 Completed run with a failure_reason (<stdin>%3A1)::"
            f"restore_runs#{RUN_ID} /failure_reason: failure_reason is"
            ' "Graph API returned 500 Internal Server Error"; expected null for a completed run'
        )
        assert expected == result.output.splitlines()[0]


class TestTruthReport:
    def test_markdown_and_json_of_a_hostile_source(self, export: str) -> None:
        """The source's name is one escaped line in Markdown and exact in parseable JSON."""
        runner = CliRunner()
        markdown = runner.invoke(cli, ["truth", export, "--date", "2026-11-28"]).output
        document = json.loads(
            runner.invoke(cli, ["truth", export, "--format", "json", "--date", "2026-11-28"]).output
        )
        expected = (f"- Source: `exp{H_SHOWN}`", [], export)
        assert expected == (markdown.splitlines()[3], raw_controls(markdown), document["source"])

    def test_values_cannot_leave_their_cell(self, export: str) -> None:
        """Backticks, pipes (escaped or not) and newlines in a value stay in its code span and cell."""
        result = CliRunner().invoke(
            cli, ["truth", export, "--format", "json", "--date", "2026-11-28"]
        )
        report = json.loads(result.output)
        report["questions"]["distributions"]["status"] = {
            "a`|b\\|\n# heading": {"count": 1, "share": 0.5},
            "completed": {"count": 1, "share": 0.5},
        }
        lines = render_markdown(report).splitlines()
        start = lines.index("**status**")
        expected = [
            "**status**",
            "",
            "| value | count | share |",
            "|---|---|---|",
            "| `a\\x60\\x7cb\\\\x7c\\n# heading` | 1 | 50.0% |",
            "| `completed` | 1 | 50.0% |",
            "",
        ]
        assert expected == lines[start : start + 7]
