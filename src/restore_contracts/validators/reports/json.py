"""The JSON report: ``{"findings": [...], "summary": {...}}``, stable key order.

Strings keep their content (JSON escapes control characters) but are shortened
past the report's limit, and what a JSON encoder would leave raw (C1 controls,
separators, lone surrogates) is escaped: see :func:`restore_contracts.display.json_text`.
"""

from __future__ import annotations

from restore_contracts.display import json_text
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.reports._common import ReportOptions, summary


def render_json(result: ValidationResult, options: ReportOptions) -> str:
    """Every finding (all of them, not examples) and the summary."""
    document = {
        "findings": [finding.as_dict() for finding in result.findings],
        "summary": summary(result, options.fail_on),
    }
    return json_text(document, options.max_length)


__all__ = ("render_json",)
