"""Fuzzing the reporters and the truth report with hostile strings.

Arbitrary findings and rows carrying control characters, ANSI escapes,
newlines, ``::`` commands, XML-illegal characters, lone surrogates and huge
strings are rendered in every format; each output must parse, hold no raw
control character but the line breaks its format uses, and stay bounded in
size whatever the length of the strings. Runs a few examples in CI; set
RESTORE_CONTRACTS_FUZZ_EXAMPLES for a longer run.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from restore_contracts.config import Assumptions
from restore_contracts.display import LIMIT, json_text, unsafe_characters
from restore_contracts.truth import render_markdown, truth_report
from restore_contracts.truth.markdown import ORDER
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.findings import SEVERITIES, Finding
from restore_contracts.validators.readers.memory import RowsSource
from restore_contracts.validators.reports import REPORTERS, ReportOptions
from restore_contracts.validators.reports._common import by_rule
from restore_contracts.validators.rules import RULES

from ..validators.conftest import scenario

EXAMPLES = int(os.environ.get("RESTORE_CONTRACTS_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FRAGMENTS = [
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\x07",
    "\x1b[2J",
    "\x1b]0;owned\x07",
    "\x9b31m",
    "\x85",
    "\x7f",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\U0001ffff",
    "\ud800",
    "\udcff",
    "]]>",
    "<![CDATA[",
    "&amp;",
    "<x>",
    "::error file=a.py,line=1::forged",
    "%0A",
    "%",
    "`",
    "|",
    "\\|",
    "# heading",
    ":",
    ",",
]
"""Pieces every hostile string may be built from, besides arbitrary characters."""

any_char = st.characters(exclude_categories=())
piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(any_char, max_size=8))
hostile = st.one_of(
    st.lists(piece, max_size=6).map("".join),
    st.builds(lambda p, n: p * n, st.sampled_from([*FRAGMENTS, "x"]), st.integers(1, 40_000)),
)
"""Short strings of hostile pieces, or a huge repetition of one."""

ALLOWED_RAW = "\n"
"""The only unsafe character a report may hold raw: its own line breaks."""
PIPE = re.compile(r"\|")
"""Every pipe in a table line is a cell border: data pipes are escaped as text."""
SGR = re.compile("\x1b\\[[0-9;]*m")


def raw(text: str) -> list[str]:
    """The unsafe characters of ``text`` other than line breaks."""
    return [c for c in unsafe_characters(text) if c not in ALLOWED_RAW]


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    """A finding with hostile strings wherever data can reach."""
    return Finding(
        draw(st.sampled_from(sorted(RULES))),
        draw(st.sampled_from(SEVERITIES)),
        draw(hostile),
        draw(st.one_of(st.none(), st.integers(), hostile)),
        draw(hostile),
        draw(st.one_of(st.none(), st.integers(1, 10**9))),
        draw(hostile),
        draw(hostile),
    )


@st.composite
def results(draw: st.DrawFn) -> ValidationResult:
    """A validation result with hostile findings, table names, skip reasons and source."""
    found = draw(st.lists(findings(), max_size=6))
    skipped = draw(st.dictionaries(st.sampled_from(sorted(RULES)), hostile, max_size=3))
    applied = sorted({f.code for f in found} - set(skipped))
    return ValidationResult(
        source=draw(hostile),
        findings=found,
        rows=draw(st.dictionaries(hostile, st.integers(0, 10**6), max_size=3)),
        applied=applied,
        skipped=skipped,
        baselined=draw(st.integers(0, 5)),
    )


def bound_for(items: int) -> int:
    """The most a report may hold for ``items`` data-bearing entries, whatever their length."""
    return 40 * LIMIT * (items + 1) + 20_000


def text_lines(result: ValidationResult, max_examples: int) -> int:
    """How many lines the text report has when each finding is one line."""
    lines = 2
    for group in by_rule(result).values():
        lines += 1 + min(len(group), max_examples) + (len(group) > max_examples)
    if result.skipped:
        lines += 1 + len(set(result.skipped.values()))
    return lines


class TestReporters:
    @FUZZ
    @given(results(), st.integers(0, 3), st.booleans())
    def test_every_format_parses_and_is_bounded(
        self, result: ValidationResult, max_examples: int, color: bool
    ) -> None:
        """JSON loads, JUnit parses twice, GitHub and text keep one finding a line, all bounded."""
        options = ReportOptions(max_examples=max_examples, color=color)
        out = {fmt: render(result, options) for fmt, render in REPORTERS.items()}
        document = json.loads(out["json"])
        ET.fromstring(out["junit"])
        etree.fromstring(out["junit"].encode(), etree.XMLParser(recover=False))
        github = out["github"].split("\n")
        text = SGR.sub("", out["text"])
        items = len(result.findings) + len(result.rows) + len(result.skipped)
        expected = {
            "json findings": len(result.findings),
            "github lines": len(result.findings) + 2,
            "github commands": len(result.findings),
            "github summary": (True, ""),
            "text lines": text_lines(result, max_examples) + 1,
            "raw": {fmt: [] for fmt in out},
            "bounded": dict.fromkeys(out, True),
        }
        assert expected == {
            "json findings": len(document["findings"]),
            "github lines": len(github),
            "github commands": sum(line.startswith("::") for line in github),
            "github summary": (github[-2].startswith("restore-contracts: "), github[-1]),
            "text lines": len(text.split("\n")),
            "raw": {fmt: raw(SGR.sub("", output)) for fmt, output in out.items()},
            "bounded": {fmt: len(output) <= bound_for(items) for fmt, output in out.items()},
        }


def hostile_tables(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """A valid world whose runs get hostile statuses, requester names and extra columns."""
    tables = scenario("completed").tables
    runs = []
    for row in [*tables["restore_runs"], *scenario("failed").tables["restore_runs"]]:
        row = dict(row)
        for column in draw(st.lists(st.sampled_from(["status", "requested_by"]), max_size=2)):
            row[column] = draw(hostile)
        if draw(st.booleans()):
            row[draw(hostile)] = draw(hostile)
        runs.append(row)
    tables = {table: rows for table, rows in tables.items() if table != "restore_runs"}
    tables["restore_runs"] = runs
    return tables


def inject(report: Any, keys: list[str]) -> int:
    """Add hostile keys to every distribution of the report (as data-derived values would be)."""
    added = 0
    if isinstance(report, dict):
        values = list(report.values())
        if values and all(isinstance(v, dict) and set(v) == {"count", "share"} for v in values):
            for key in keys:
                report[key] = {"count": 1, "share": 0.5}
                added += 1
        for value in values:
            added += inject(value, keys)
    return added


HEADINGS = re.compile(r"^(## Truth report|### [1-9][0-9]?\. .*)$")


class TestTruthReport:
    @FUZZ
    @given(st.data(), hostile, st.lists(hostile, max_size=3))
    def test_markdown_and_json_parse_and_are_bounded(
        self, data: st.DataObject, name: str, keys: list[str]
    ) -> None:
        """Headings are only the report's, table rows keep their cells, JSON loads, all bounded."""
        source = RowsSource(hostile_tables(data.draw), name)
        report = truth_report(source, Assumptions(), report_date=date(2026, 11, 28))
        added = inject(report, keys)
        markdown = render_markdown(report)
        text = json_text(report)
        lines = markdown.split("\n")
        headings = [line for line in lines if line.startswith("#")]
        tables = [line for line in lines if line.startswith("|")]
        header_cells = {}
        for index, line in enumerate(lines):
            if line.startswith("|") and not lines[index - 1].startswith("|"):
                header_cells[index] = len(PIPE.findall(line))
        cells = []
        current = 0
        for index, line in enumerate(lines):
            if index in header_cells:
                current = header_cells[index]
            if line.startswith("|"):
                cells.append(len(PIPE.findall(line)) == current)
        bound = bound_for(added + 20) * 4
        expected = (True, [True] * len(tables), [], [], True, True)
        assert expected == (
            all(HEADINGS.match(h) for h in headings) and len(headings) == len(ORDER) + 1,
            cells,
            raw(markdown),
            raw(text),
            json.loads(text)["source"] is not None,
            len(markdown) <= bound and len(text) <= bound,
        )
