"""The JUnit XML report: one testcase per rule; failing rules carry their findings.

A rule that ran without findings at or above the threshold passes (findings
below it are listed in system-out); a rule the input could not feed is
skipped with the reason. Strings from the data go through
:func:`restore_contracts.display.clean`, which escapes every character XML 1.0
cannot carry (controls, U+FFFE, lone surrogates), so the file parses whatever
the export holds; ``&``, ``<`` and ``>`` are escaped as ElementTree escapes
them (``]]>`` included).

The report is written as it goes, in bounded memory: the suite's attributes need
counts (failing rules, each rule's findings and first severity), and the findings
of a rule are listed together though they come in reading order. One pass over the
findings therefore counts them and writes each one's line to its rule's spool (in
memory up to ``SPOOL_BYTES``, then a temporary file); ElementTree then builds the
skeleton (every element and attribute, each rule's text a placeholder), and the
report streams the skeleton with each placeholder replaced by its spool. The bytes
are those of the tree built whole.
"""

from __future__ import annotations

import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO

from restore_contracts.display import clean
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.reports._common import ReportOptions, fails, place
from restore_contracts.validators.rules import RULES

SPOOL_BYTES = 1 << 18
"""Text of one rule's findings held in memory before it moves to a temporary file."""
READ_CHARS = 1 << 16
"""Characters of a spool written at a time."""


def _escaped(text: str) -> str:
    """Text content as ElementTree writes it (``&``, ``<`` and ``>`` escaped)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


@dataclass(slots=True)
class _Rule:
    """One rule's findings: how many, the first's severity, whether one fails, their lines."""

    severity: str
    spool: IO[str]
    count: int = 0
    failing: bool = False


def _gather(
    result: ValidationResult, options: ReportOptions, spool: Callable[[], IO[str]]
) -> dict[str, _Rule]:
    """One pass over the findings: per rule, its counts and its lines (escaped, each but the
    first after a newline) in its spool (a new one from ``spool``)."""
    limit = options.max_length
    fail_on = options.fail_on
    rules: dict[str, _Rule] = {}
    for finding in result.findings:
        rule = rules.get(finding.code)
        if rule is None:
            rule = rules[finding.code] = _Rule(finding.severity, spool())
        line = (
            " ".join(place(finding, limit))
            + f" {clean(finding.pointer or '/', limit)}: {clean(finding.message, limit)}"
        )
        rule.spool.write(("\n" if rule.count else "") + _escaped(line))
        rule.count += 1
        if not rule.failing and fails(finding, fail_on):
            rule.failing = True
    return rules


def _placeholder(code: str) -> str:
    """Where a rule's text goes in the skeleton: NUL cannot come from the data (``clean``
    escapes every control character)."""
    return f"\x00{code}\x00"


def _skeleton(result: ValidationResult, options: ReportOptions, rules: dict[str, _Rule]) -> str:
    """The whole report with each rule's findings text a placeholder."""
    limit = options.max_length
    suite = ET.Element(
        "testsuite", name=f"restore-contracts validate {clean(result.source, limit)}"
    )
    failures = 0
    codes = sorted(set(result.applied) | set(result.skipped))
    for code in codes:
        entry = RULES[code]
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"restore_contracts.{entry.family.value}",
            name=f"{code} {entry.title}",
        )
        if code in result.skipped:
            ET.SubElement(case, "skipped", message=clean(result.skipped[code], limit))
            continue
        rule = rules.get(code)
        if rule is None:
            continue
        if rule.failing:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                type=rule.severity,
                message=f"{rule.count} finding{'' if rule.count == 1 else 's'}",
            )
            failure.text = _placeholder(code)
        else:
            ET.SubElement(case, "system-out").text = _placeholder(code)
    counts = {
        "tests": str(len(codes)),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(len(result.skipped)),
    }
    suite.attrib.update(counts)
    root = ET.Element("testsuites", attrib={"name": "restore-contracts", **counts})
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def stream_junit(result: ValidationResult, options: ReportOptions) -> Iterator[str]:
    """The JUnit report in pieces: the skeleton, each rule's findings read from its spool."""
    with ExitStack() as spools:

        def spool() -> IO[str]:
            return spools.enter_context(
                tempfile.SpooledTemporaryFile(
                    max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", errors="surrogatepass"
                )
            )

        rules = _gather(result, options, spool)
        skeleton = _skeleton(result, options, rules)
        parts = skeleton.split("\x00")
        # parts alternate: skeleton text, a rule code, skeleton text, ...
        for index, part in enumerate(parts):
            if not index % 2:
                yield part
                continue
            lines = rules[part].spool
            lines.seek(0)
            while chunk := lines.read(READ_CHARS):
                yield chunk


def render_junit(result: ValidationResult, options: ReportOptions) -> str:
    """JUnit XML with one testcase per applied or skipped rule, in code order."""
    return "".join(stream_junit(result, options))


__all__ = ("render_junit", "stream_junit")
