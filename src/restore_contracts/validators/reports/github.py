"""GitHub Actions annotations: one ``::error``/``::warning``/``::notice`` command per finding.

Values from the data are escaped by the workflow-command rules (``%``, CR and
LF in the message; also ``:`` and ``,`` in properties), so no exported value
can end its line and start a command of its own.
"""

from __future__ import annotations

from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.reports._common import ReportOptions, title_of

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: ValidationResult, options: ReportOptions) -> str:
    """One annotation per finding, then a plain summary line."""
    lines = []
    for finding in result.findings:
        props = [f"file={escape_property(finding.source)}"]
        if finding.line is not None:
            props.append(f"line={finding.line}")
        props.append(f"title={escape_property(f'{finding.code} {title_of(finding.code)}')}")
        key = "" if finding.id is None else f"#{finding.id}"
        message = f"{finding.table}{key} {finding.pointer or '/'}: {finding.message}"
        lines.append(f"::{_LEVEL[finding.severity]} {','.join(props)}::{escape_data(message)}")
    lines.append(
        f"restore-contracts: {len(result.findings)} findings in {escape_data(result.source)}"
        f" ({len(result.skipped)} rules skipped)"
    )
    return "\n".join(lines) + "\n"


__all__ = ("escape_data", "escape_property", "render_github")
