"""The HTML truth report under hostile data: no value from the data ever becomes markup."""

from __future__ import annotations

import copy
import itertools
import warnings
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import lxml.html
import pytest

from restore_contracts.config import Assumptions
from restore_contracts.display import clean, unsafe_characters
from restore_contracts.truth import truth_report
from restore_contracts.truth.charts import draw_charts
from restore_contracts.truth.page import render_html

from ..truth.test_truth_known import MemorySource, dataset

HOSTILE = (
    "<script>alert(1)</script>",
    "</style><script>alert(2)</script>",
    "\"'><img src=x onerror=alert(3)>",
    '</svg></figure><iframe src="https://evil.example/"></iframe>',
    "\x00\x1b[2J\x07\u202e\r\n# heading\n| cell |",
    "**bold** [link](javascript:alert(4)) <https://evil.example/> _em_",
    "&lt;b&gt; &amp; &#60;script&#62; ]]> <!-- --> <![CDATA[x]]>",
    "$\\frac{1}{0}$ \\mathrm{x} ${x}",
    "`code` ``x`` \\x60 \\| \\`",
    "名前 😀 \U0001d11e",
    "<" * 20_000,
)
"""Strings that would become markup, break out of an element or attribute, reach a terminal,
confuse matplotlib's math text or a font, or blow up the page."""

SAFE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p", "ul", "li",
    "table", "thead", "tbody", "tr", "th", "td", "code", "strong", "em", "figure", "figcaption",
}  # fmt: skip
SVG_TAGS = {"svg", "defs", "g", "path", "use", "clippath", "rect"}
"""Chart elements as lxml's HTML parser names them (it lowercases clipPath)."""
SVG_ATTRIBUTES = {
    "xmlns", "viewbox", "role", "aria-label", "d", "id", "href", "style", "transform",
    "clip-path", "x", "y", "width", "height",
}  # fmt: skip


def numbered(texts: tuple[str, ...]) -> Iterator[str]:
    """The texts, round and round, each time with a number so keys stay distinct."""
    for number, text in enumerate(itertools.cycle(texts)):
        yield f"{text}#{number}"


def rewritten(report: dict[str, Any], texts: tuple[str, ...]) -> dict[str, Any]:
    """``report`` with every string value and every data-derived key replaced by ``texts``
    (and a few more entries, so every place that shows data shows some)."""
    strings = numbered(texts)

    def values(value: Any) -> Any:
        if isinstance(value, str):
            return next(strings)
        if isinstance(value, dict):
            return {k: values(v) for k, v in value.items()}
        if isinstance(value, list):
            return [values(v) for v in value]
        return value

    def keys(mapping: dict[str, Any]) -> dict[str, Any]:
        return {next(strings): v for v in mapping.values()}

    report = values(copy.deepcopy(report))
    report["rows"] = keys(report["rows"])
    q = report["questions"]
    for name, dist in q["distributions"].items():
        if name != "question":
            q["distributions"][name] = keys(dist)
    q["evidence_for_executions"]["by_status"] = keys(q["evidence_for_executions"]["by_status"])
    for part in ("by_status", "by_month"):
        q["operation_run_coverage"][part] = keys(q["operation_run_coverage"][part])
    snapshots = q["multiple_snapshots"]
    snapshots["status_sequences"] = keys(snapshots["status_sequences"])
    disagreeing = snapshots["when_disagreeing"]
    disagreeing["latest_active_hides_newer"] = {next(strings): 1, next(strings): 2}
    q["nullability"]["requested_by_types"] = keys(q["nullability"]["requested_by_types"])
    q["nullability"]["columns"] = {
        next(strings): keys(columns) for columns in q["nullability"]["columns"].values()
    }
    for entry in q["vocabulary_hold_rates"]["vocabularies"]:
        entry["outside"] = {next(strings): {"count": 1, "examples": [1]}}
    report["values_not_read"] = {
        next(strings): {
            "rows_counted_with_values_as_null": 1,
            "columns": {next(strings): {"values": 1, "first": next(strings)}},
        }
    }
    return report


def twins() -> tuple[dict[str, Any], dict[str, Any]]:
    """The hand-built dataset's report with made-up hold rates rewritten with plain words,
    and its hostile twin of the same shape."""
    report = truth_report(
        MemorySource(dataset()), Assumptions(), report_date=date(2026, 11, 28), examples=2
    )
    report["questions"]["assumption_hold_rates"]["rules"] = [
        {"code": "RR101", "title": "a rule", "applied": 8, "held": 6, "share": 0.75},
        {
            "code": "RR102",
            "title": "another",
            "applied": 0,
            "held": 0,
            "share": None,
            "skipped": "no table",
        },
    ]
    return rewritten(report, ("plain",)), rewritten(report, HOSTILE)


@pytest.fixture(scope="module")
def reports() -> tuple[dict[str, Any], dict[str, Any]]:
    """The plain and the hostile report."""
    return twins()


@pytest.fixture(scope="module")
def pages(reports: tuple[dict[str, Any], dict[str, Any]]) -> tuple[str, str]:
    """The plain and the hostile page."""
    return render_html(reports[0]), render_html(reports[1])


def structure(page: str) -> tuple[Counter[str], Counter[tuple[str, str, str]], set[str], set[str]]:
    """Tags and attributes outside charts; tag and attribute names inside charts."""
    doc = lxml.html.document_fromstring(page)
    tags: Counter[str] = Counter()
    attributes: Counter[tuple[str, str, str]] = Counter()
    chart_tags: set[str] = set()
    chart_attributes: set[str] = set()
    for element in doc.iter():
        assert isinstance(element.tag, str), "no comment or processing instruction"
        if element.tag in SVG_TAGS:
            chart_tags.add(element.tag)
            chart_attributes.update(element.attrib)
            continue
        tags[element.tag] += 1
        for name, value in element.attrib.items():
            attributes[(element.tag, name, value)] += 1
    return tags, attributes, chart_tags, chart_attributes


class TestHostileHtml:
    def test_data_never_becomes_an_element_or_an_attribute(self, pages: tuple[str, str]) -> None:
        """The hostile page has exactly the elements and attributes of the ordinary one."""
        ordinary, bad = (structure(page) for page in pages)
        assert ordinary == bad
        expected = (True, SVG_TAGS, True)
        assert expected == (set(bad[0]) <= SAFE_TAGS, bad[2], bad[3] <= SVG_ATTRIBUTES)

    def test_no_raw_markup_or_control_character_in_the_bytes(self, pages: tuple[str, str]) -> None:
        """The bytes carry no script, one style element, no control character and no raw
        data-derived '<' (every hostile string is escaped)."""
        page = pages[1]
        lowered = page.lower()
        found = (
            lowered.count("<script"),
            lowered.count("<style"),
            lowered.count("</style"),
            lowered.count("<iframe"),
            lowered.count("<img"),
            [c for c in unsafe_characters(page) if c != "\n"],
            page.count("&lt;script&gt;") > 10,
        )
        expected = (0, 1, 1, 0, 0, [], True)
        assert expected == found

    def test_values_are_shown_escaped_and_bounded(
        self, reports: tuple[dict[str, Any], dict[str, Any]], pages: tuple[str, str]
    ) -> None:
        """The source shows as clean() text in the title and header; the page stays small."""
        report = reports[1]
        page = pages[1]
        doc = lxml.html.document_fromstring(page)
        source = clean(report["source"])
        expected = (
            f"Truth report: {source} ({clean(report['date'])})",
            f"Source: {source}",
            True,
        )
        items = [li.text_content() for li in doc.iter("li")]
        assert expected == (doc.findtext("head/title"), items[1], len(page) < 1_500_000)

    def test_hostile_labels_draw_without_warnings(
        self, reports: tuple[dict[str, Any], dict[str, Any]]
    ) -> None:
        """Math text, missing glyphs and long labels draw every chart without a warning."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            charts = draw_charts(reports[1])
        drawn = {key: [chart.caption for chart in found] for key, found in charts.items()}
        expected = {
            "evidence_for_executions": [
                "Executed runs with an operation run that have linked evidence, by status"
            ],
            "operation_run_coverage": [
                "Restore runs by month of created_at, with and without an operation run"
            ],
            "assumption_hold_rates": ["Rows where each assumed rule held"],
            "distributions": ["Restore runs by status", "Restore runs by attention state"],
            "vocabulary_hold_rates": ["Values inside each assumed vocabulary"],
        }
        assert (expected, []) == (drawn, [str(w.message) for w in caught])
