"""The HTML truth report in headless Chromium: charts drawn, nothing loaded, nothing logged.

Skipped where Chromium is absent; under CI (CI=true) its absence fails the run.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

from restore_contracts.truth.page import render_html

from ..hostile.test_html_report import twins
from . import chromium
from .chromium import open_page
from .conftest import Rendered
from .test_truth_html import CAPTIONS

WIDTH = 1200


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def expected_bars(report: dict[str, Any]) -> list[int]:
    """The blue bars each chart should show: one per value above zero (the coverage chart
    also has a blue square in its legend)."""
    q = report["questions"]
    dist = q["distributions"]
    return [
        sum(1 for v in q["evidence_for_executions"]["by_status"].values() if v["share"]),
        sum(1 for v in q["operation_run_coverage"]["by_month"].values() if v["with_operation_run"])
        + 1,
        sum(1 for r in q["assumption_hold_rates"]["rules"] if r["share"]),
        sum(1 for v in dist["status"].values() if v["count"]),
        sum(1 for v in dist["attention_state"].values() if v["count"]),
        sum(1 for v in q["vocabulary_hold_rates"]["vocabularies"] if v["share"]),
    ]


class TestInChromium:
    def test_charts_are_drawn_with_no_request_and_no_console_message(
        self, rendered: Rendered, tmp_path: Path
    ) -> None:
        """Every chart has a size and its bars, the page requests only itself and logs nothing."""
        report = json.loads(rendered.json)
        path = tmp_path / "truth.html"
        path.write_text(rendered.html, encoding="utf-8")
        shown = open_page(path, width=WIDTH)
        (tmp_path / "truth.png").write_bytes(shown.screenshot)
        charts = [
            (c["caption"], c["width"] > 600, c["height"] > 150, c["drawn"] > 50, c["bars"])
            for c in shown.charts
        ]
        expected_charts = [
            (caption, True, True, True, bars)
            for caption, bars in zip(CAPTIONS.values(), expected_bars(report), strict=True)
        ]
        expected = (
            [path.resolve().as_uri()],
            [],
            "Truth report: " + report["source"] + " (2026-11-30)",
            expected_charts,
        )
        assert expected == (shown.requests, shown.console, shown.title, charts)
        width, height = png_size(shown.screenshot)
        expected_size = (WIDTH, True, 0)
        assert expected_size == (width, height > 3000, shown.overflow)

    def test_hostile_page_runs_nothing_and_loads_nothing(self, tmp_path: Path) -> None:
        """A report whose every string is hostile still makes no request, runs no script,
        logs nothing, shows its charts and stays within the window's width."""
        path = tmp_path / "hostile.html"
        path.write_text(render_html(twins()[1]), encoding="utf-8")
        shown = open_page(path, width=WIDTH)
        (tmp_path / "hostile.png").write_bytes(shown.screenshot)
        expected = ([path.resolve().as_uri()], [], 6, True, 0)
        assert expected == (
            shown.requests,
            shown.console,
            len(shown.charts),
            all(c["drawn"] > 50 for c in shown.charts),
            shown.overflow,
        )

    def test_the_harness_sees_requests_and_console_errors(self, tmp_path: Path) -> None:
        """The checks above can fail: a page that logs an error and loads an image is reported."""
        path = tmp_path / "noisy.html"
        path.write_text(
            "<!DOCTYPE html><title>noisy</title>"
            '<img src="http://127.0.0.1:9/pixel.png" alt="">'
            '<script>console.error("boom")</script>',
            encoding="utf-8",
        )
        shown = open_page(path)
        expected = (
            [path.resolve().as_uri(), "http://127.0.0.1:9/pixel.png"],
            ["console.error: boom"],
            [],
        )
        assert expected == (
            shown.requests,
            [line for line in shown.console if line.startswith("console.")],
            shown.charts,
        )


class TestWithoutChromium:
    @pytest.mark.parametrize(
        ("ci", "outcome", "message"),
        [
            ("true", pytest.fail.Exception, "chromium is required under CI (.ci/run installs it)"),
            ("", pytest.skip.Exception, "chromium is not installed (apt-get install chromium)"),
        ],
    )
    def test_absent_chromium_skips_locally_and_fails_under_ci(
        self,
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        ci: str,
        outcome: type[BaseException],
        message: str,
    ) -> None:
        """Where chromium is missing the browser tests skip with the reason, except under CI."""
        monkeypatch.setattr(chromium, "CHROMIUM", str(tmp_path / "no-chromium"))
        monkeypatch.setenv("PATH", str(tmp_path))
        monkeypatch.setenv("CI", ci)
        with pytest.raises(outcome) as raised:
            chromium.chromium_or_skip()
        assert message == str(raised.value)
