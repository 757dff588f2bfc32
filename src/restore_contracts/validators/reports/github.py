"""GitHub Actions annotations: one ``::error``/``::warning``/``::notice`` command per finding.

Strings from the data are first made one printable line
(:func:`restore_contracts.display.clean`), then escaped by the workflow-command
rules (``%``, CR and LF in the message; also ``:`` and ``,`` in properties), so
no exported value can end its line and start a command of its own. A finding in
a file carries ``file=`` and ``line=``; a database row has no file GitHub could
open, so its location goes into the title instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from restore_contracts.display import clean
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.reports._common import ReportOptions, place, title_of

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: ValidationResult, options: ReportOptions) -> str:
    """One annotation per finding, then a plain summary line."""
    return "".join(stream_github(result, options))


def stream_github(result: ValidationResult, options: ReportOptions) -> Iterator[str]:
    """The annotations a line at a time (nothing held per finding)."""
    limit = options.max_length
    for finding in result.findings:
        title = f"{finding.code} {title_of(finding.code)}"
        props = []
        if finding.file is not None:
            props.append(f"file={escape_property(clean(finding.file, limit))}")
            if finding.line is not None:
                props.append(f"line={finding.line}")
        else:
            title += f" ({clean(finding.address, limit)})"
        props.append(f"title={escape_property(title)}")
        where = place(finding, limit)[-1]
        message = f"{where} {clean(finding.pointer or '/', limit)}: {clean(finding.message, limit)}"
        yield f"::{_LEVEL[finding.severity]} {','.join(props)}::{escape_data(message)}\n"
    yield (
        f"restore-contracts: {len(result.findings)} findings in"
        f" {escape_data(clean(result.source, limit))} ({len(result.skipped)} rules skipped)\n"
    )


__all__ = ("escape_data", "escape_property", "render_github", "stream_github")
