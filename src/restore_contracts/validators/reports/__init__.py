"""Reporters: render a validation result as text, JSON, JUnit XML or GitHub annotations.

Every reporter is a function of the result and the report options, picked by
name from ``REPORTERS``.
"""

from __future__ import annotations

from collections.abc import Callable

from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.reports._common import ReportOptions, failed, summary
from restore_contracts.validators.reports.github import render_github
from restore_contracts.validators.reports.json import render_json
from restore_contracts.validators.reports.junit import render_junit
from restore_contracts.validators.reports.text import render_text

Reporter = Callable[[ValidationResult, ReportOptions], str]

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
}
"""Report format name -> reporter."""

__all__ = ("REPORTERS", "ReportOptions", "Reporter", "failed", "summary")
