"""The JSON report: ``{"findings": [...], "summary": {...}}``, stable key order.

Strings keep their content (JSON escapes control characters) but are shortened
past the report's limit, and what a JSON encoder would leave raw (C1 controls,
separators, lone surrogates) is escaped: see :func:`restore_contracts.display.json_text`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from restore_contracts.display import bound, bounded, safe_json_text
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.findings import Finding
from restore_contracts.validators.reports._common import ReportOptions, summary

_TEXT = ("table", "source", "pointer", "message")


def _finding(finding: Finding, limit: int) -> dict[str, Any]:
    """One finding's JSON form with its strings bounded (the common short ASCII ones as is)."""
    entry = finding.as_dict()
    for key in _TEXT:
        value = entry[key]
        if len(value) > limit or not value.isascii():
            entry[key] = bound(value, limit)
    if not isinstance(entry["id"], int) or entry["id"].bit_length() > 63:
        entry["id"] = bounded(entry["id"], limit)
    return entry


def render_json(result: ValidationResult, options: ReportOptions) -> str:
    """Every finding (all of them, not examples) and the summary."""
    return "".join(stream_json(result, options))


def _indented(document: Any, spaces: int) -> str:
    """A value as the whole document's encoder prints it nested ``spaces`` deep (JSON
    strings hold no raw newline, so every line break is the encoder's)."""
    text = safe_json_text(document)[:-1]
    return text.replace("\n", "\n" + " " * spaces)


def stream_json(result: ValidationResult, options: ReportOptions) -> Iterator[str]:
    """The JSON report in pieces, a finding at a time: the same bytes as encoding the whole
    document, without holding it."""
    limit = options.max_length
    opened = False
    for finding in result.findings:
        head = ",\n    " if opened else '{\n  "findings": [\n    '
        opened = True
        yield head + _indented(_finding(finding, limit), 4)
    yield "\n  ],\n" if opened else '{\n  "findings": [],\n'
    tail = _indented(bounded(summary(result, options.fail_on), limit), 2)
    yield f'  "summary": {tail}\n}}\n'


__all__ = ("render_json", "stream_json")
