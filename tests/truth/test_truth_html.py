"""The truth report as an HTML page: the Markdown's sections and figures, charts, same bytes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.config import Assumptions
from restore_contracts.truth import render_markdown, truth_report
from restore_contracts.truth.charts import capped, draw_charts, label
from restore_contracts.truth.page import CSP, render_html

from .conftest import Rendered
from .test_truth_known import MemorySource, dataset

CAPTIONS = {
    "evidence": "Executed runs with an operation run that have linked evidence, by status",
    "coverage": "Restore runs by month of created_at, with and without an operation run",
    "holds": "Rows where each assumed rule held",
    "status": "Restore runs by status",
    "attention": "Restore runs by attention state",
    "vocabularies": "Values inside each assumed vocabulary",
}
FIGURE = re.compile(r"#\d+|\d+(?:\.\d+)?%?")


def known_report() -> dict[str, Any]:
    """The hand-built dataset's report (no hold rates: they come from the validation engine)."""
    return truth_report(
        MemorySource(dataset()), Assumptions(), report_date=date(2026, 11, 28), examples=2
    )


def markdown_blocks(markdown: str) -> list[tuple[str, Any]]:
    """What a reader sees in the Markdown, block by block, markup characters removed."""

    def text(line: str) -> str:
        return line.replace("`", "").replace("**", "")

    blocks: list[tuple[str, Any]] = []
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("|"):
            rows = []
            while index < len(lines) and lines[index].startswith("|"):
                if lines[index].strip("|-"):
                    rows.append([text(c).strip() for c in lines[index].strip("|").split("|")])
                index += 1
            blocks.append(("table", rows))
            continue
        if line.startswith("### "):
            blocks.append(("h2", text(line[4:])))
        elif line.startswith("## "):
            blocks.append(("h1", text(line[3:])))
        elif line.startswith("- "):
            blocks.append(("li", text(line[2:])))
        elif line == "_(no rows)_":
            blocks.append(("p", "(no rows)"))
        elif line:
            blocks.append(("p", text(line)))
        index += 1
    return blocks


def page_blocks(page: str) -> tuple[list[tuple[str, Any]], list[str]]:
    """What a reader sees on the page, block by block, and the captions of its charts."""
    main = lxml.html.document_fromstring(page).find("body/main")
    assert main is not None
    blocks: list[tuple[str, Any]] = []
    captions = []
    for element in main:
        if element.tag == "figure":
            captions.append(element.find("figcaption").text_content())
        elif element.tag == "ul":
            blocks += [("li", li.text_content()) for li in element]
        elif element.tag == "table":
            rows = [[cell.text_content() for cell in row] for row in element.iter("tr")]
            blocks.append(("table", rows))
        else:
            blocks.append((element.tag, element.text_content()))
    return blocks, captions


def figures(blocks: list[tuple[str, Any]]) -> list[str]:
    """Every count, share and example id in reading order."""
    text = json.dumps([value for _, value in blocks])
    return FIGURE.findall(text)


class TestSameAsMarkdown:
    def test_every_block_of_the_markdown_is_on_the_page(self) -> None:
        """Headings, paragraphs, list items and table cells of the page are the Markdown's, in order."""
        report = known_report()
        expected = markdown_blocks(render_markdown(report))
        assert expected == page_blocks(render_html(report))[0]

    def test_every_figure_of_the_markdown_is_on_the_page(self, rendered: Rendered) -> None:
        """Every count, share and id of the Markdown report appears on the page, in the same order."""
        markdown, page = rendered.markdown, rendered.html
        blocks = page_blocks(page)[0]
        expected = figures(markdown_blocks(markdown))
        assert (len(expected) > 300, expected) == (True, figures(blocks))
        assert markdown_blocks(markdown) == blocks

    def test_each_chart_follows_its_question(self, rendered: Rendered) -> None:
        """Charts sit in the section of their question, after its verdict, before its tables."""
        main = lxml.html.document_fromstring(rendered.html).find("body/main")
        assert main is not None
        placed = []
        section = None
        previous = None
        for element in main:
            if element.tag == "h2":
                section = element.get("id")
            elif element.tag == "figure":
                placed.append((section, element.find("figcaption").text_content(), previous))
            if element.tag != "figure":
                previous = element.text_content()[:9] if element.tag == "p" else element.tag
        expected = [
            ("evidence_for_executions", CAPTIONS["evidence"], "Verdict: "),
            ("operation_run_coverage", CAPTIONS["coverage"], "Verdict: "),
            ("assumption_hold_rates", CAPTIONS["holds"], "Verdict: "),
            ("distributions", CAPTIONS["status"], "h2"),
            ("distributions", CAPTIONS["attention"], "h2"),
            ("vocabulary_hold_rates", CAPTIONS["vocabularies"], "Verdict: "),
        ]
        assert expected == placed

    def test_a_report_without_data_draws_no_chart(self) -> None:
        """An empty source gives the Markdown's sections and no chart at all."""
        report = truth_report(MemorySource({}), Assumptions(), report_date=date(2026, 11, 28))
        blocks, captions = page_blocks(render_html(report))
        assert (markdown_blocks(render_markdown(report)), []) == (blocks, captions)


class TestPage:
    def test_self_contained(self, rendered: Rendered) -> None:
        """The page loads nothing: one inline style, inline SVG, no script, no external reference."""
        doc = lxml.html.document_fromstring(rendered.html)
        references = [
            (element.tag, name, value)
            for element in doc.iter()
            if isinstance(element.tag, str)
            for name, value in element.attrib.items()
            if name in {"src", "href", "srcset", "action", "poster", "data"}
            and not value.startswith("#")
        ]
        csp = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
        counts = Counter(e.tag for e in doc.iter() if e.tag in {"script", "style", "link", "svg"})
        expected = ([], [CSP], {"style": 1, "svg": 6})
        assert expected == (references, csp, dict(counts))
        assert "default-src 'none'" in CSP

    def test_chart_ids_are_unique_and_resolve_within_their_chart(self, rendered: Rendered) -> None:
        """Several charts share the page: every id is unique and every reference stays in its SVG."""
        doc = lxml.html.document_fromstring(rendered.html)
        ids = [e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")]
        dangling = []
        for svg in doc.iter("svg"):
            own = {e.get("id") for e in svg.iter() if isinstance(e.tag, str)}
            for element in svg.iter():
                if not isinstance(element.tag, str):
                    continue
                refs = re.findall(r"url\(#([^)]+)\)", element.get("clip-path", ""))
                if element.get("href"):
                    refs.append(element.get("href")[1:])
                dangling += [ref for ref in refs if ref not in own]
        duplicates = [i for i, n in Counter(ids).items() if n > 1]
        expected: tuple[list[str], list[str], bool] = ([], [], True)
        assert expected == (duplicates, dangling, len(ids) > 50)

    def test_same_bytes_in_process_and_under_another_matplotlibrc(
        self, rendered: Rendered, tmp_path: Path
    ) -> None:
        """The CLI's page is render_html of the JSON report, byte for byte, and another process
        with its own matplotlibrc, time zone and hash seed writes the same bytes."""
        again = render_html(json.loads(rendered.json))
        config = tmp_path / "mplconfig"
        config.mkdir()
        (config / "matplotlibrc").write_text(
            "axes.edgecolor: ff0000\nfigure.facecolor: 00ff00\nxtick.major.size: 9\n"
        )
        env = {
            **os.environ,
            "MPLCONFIGDIR": str(config),
            "TZ": "Pacific/Kiritimati",
            "PYTHONHASHSEED": "12345",
        }
        third = subprocess.run(
            [
                *(sys.executable, "-m", "restore_contracts", "truth", str(rendered.export)),
                *("--format", "html", "--date", "2026-11-30"),
            ],
            capture_output=True,
            env=env,
            check=False,
        )
        expected = (rendered.html, rendered.html, 0, b"")
        assert expected == (again, third.stdout.decode(), third.returncode, third.stderr)


class TestCli:
    def test_missing_matplotlib_is_one_line_and_exit_2(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without matplotlib, --format html says which install brings it, before reading data."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        result = CliRunner().invoke(cli, ["truth", "does-not-exist", "--format", "html"])
        expected = (
            2,
            "Error: the HTML truth report draws its charts with matplotlib, which is not"
            " installed: pip install 'restore-contracts[html]' (or: pip install matplotlib)\n",
        )
        assert expected == (result.exit_code, result.output)


class TestChartLimits:
    def test_label_is_one_printable_line_of_at_most_40_characters(self) -> None:
        """A long label with controls is escaped, then cut to 40 characters ending in an ellipsis."""
        expected = ["completed", "a\\nb\\x1b", "x" * 39 + "…", "\\x1b" * 9 + "\\x1…"]
        actual = [label("completed"), label("a\nb\x1b"), label("x" * 10_000), label("\x1b" * 100)]
        assert expected == actual

    def test_more_than_30_values_end_in_one_other_bar(self) -> None:
        """A distribution of 100 values draws 29 bars and one bar summing the other 71."""
        items = [(f"v{n}", 100 - n) for n in range(100)]
        expected = [*items[:29], ("other (71 values)", sum(100 - n for n in range(29, 100)))]
        assert expected == capped(items)

    def test_coverage_chart_shows_the_latest_60_months(self) -> None:
        """Seventy months of coverage draw one chart that says it shows the latest sixty."""
        months = {
            f"{2020 + m // 12}-{m % 12 + 1:02d}": {"runs": 2, "with_operation_run": 1, "share": 0.5}
            for m in range(70)
        }
        charts = draw_charts(
            {
                "questions": {
                    **known_report()["questions"],
                    "operation_run_coverage": {"by_month": months},
                }
            }
        )
        expected = [CAPTIONS["coverage"] + " (the latest 60 months)"]
        assert expected == [c.caption for c in charts["operation_run_coverage"]]
