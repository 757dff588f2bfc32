"""Reporters: render a validation result as text, JSON, JUnit XML or GitHub annotations.

Every reporter is a function of the result and the report options, picked by
name from ``REPORTERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.reports._common import ReportOptions, failed, summary
from restore_contracts.validators.reports.github import render_github, stream_github
from restore_contracts.validators.reports.json import render_json, stream_json
from restore_contracts.validators.reports.junit import render_junit, stream_junit
from restore_contracts.validators.reports.text import render_text

Reporter = Callable[[ValidationResult, ReportOptions], str]
Stream = Callable[[ValidationResult, ReportOptions], Iterator[str]]

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
}
"""Report format name -> reporter."""


def _whole(reporter: Reporter) -> Stream:
    def stream(result: ValidationResult, options: ReportOptions) -> Iterator[str]:
        yield reporter(result, options)

    return stream


STREAMS: dict[str, Stream] = {
    "text": _whole(render_text),
    "json": stream_json,
    "junit": stream_junit,
    "github": stream_github,
}
"""Report format name -> the same report in pieces, written as they come: JSON and GitHub
hold nothing per finding; the text report holds counts and examples per rule; JUnit spools
each rule's findings (to a temporary file past a size) and writes them in rule order."""

__all__ = ("REPORTERS", "STREAMS", "ReportOptions", "Reporter", "Stream", "failed", "summary")
