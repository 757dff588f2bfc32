"""The JUnit XML report: one testcase per rule; failing rules carry their findings.

A rule that ran without findings at or above the threshold passes (findings
below it are listed in system-out); a rule the input could not feed is
skipped with the reason. Strings from the data go through
:func:`restore_contracts.display.clean`, which escapes every character XML 1.0
cannot carry (controls, U+FFFE, lone surrogates), so the file parses whatever
the export holds; ElementTree escapes ``&``, ``<`` and ``>`` (``]]>`` included).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from restore_contracts.display import clean
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.reports._common import ReportOptions, by_rule, fails, place
from restore_contracts.validators.rules import RULES


def render_junit(result: ValidationResult, options: ReportOptions) -> str:
    """JUnit XML with one testcase per applied or skipped rule, in code order."""
    limit = options.max_length
    groups = by_rule(result)
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
        findings = groups.get(code, [])
        text = "\n".join(
            " ".join(place(f, limit))
            + f" {clean(f.pointer or '/', limit)}: {clean(f.message, limit)}"
            for f in findings
        )
        if any(fails(f, options.fail_on) for f in findings):
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                type=findings[0].severity,
                message=f"{len(findings)} finding{'' if len(findings) == 1 else 's'}",
            )
            failure.text = text
        elif findings:
            ET.SubElement(case, "system-out").text = text
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


__all__ = ("render_junit",)
