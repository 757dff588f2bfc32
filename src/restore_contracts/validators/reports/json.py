"""The JSON report: ``{"findings": [...], "summary": {...}}``, stable key order."""

from __future__ import annotations

import orjson

from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.reports._common import ReportOptions, summary


def render_json(result: ValidationResult, options: ReportOptions) -> str:
    """Every finding (all of them, not examples) and the summary."""
    document = {
        "findings": [finding.as_dict() for finding in result.findings],
        "summary": summary(result, options.fail_on),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


__all__ = ("render_json",)
