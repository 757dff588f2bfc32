"""The JUnit report written as it goes: the bytes of the tree built whole, in bounded memory.

``whole_tree`` is the report as it was built before it streamed (one ElementTree of every
finding, serialised at once); the streamed report must equal it for hostile results, with
the spools in memory and with every spool moved to a temporary file and read back in
pieces of a few characters.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from restore_contracts.display import clean
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.reports import STREAMS, ReportOptions, junit
from restore_contracts.validators.reports._common import by_rule, fails, place
from restore_contracts.validators.rules import RULES

from ..hostile.test_fuzz_reports import FUZZ, results


def whole_tree(result: ValidationResult, options: ReportOptions) -> str:
    """The JUnit report built whole, as before it streamed."""
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
        found = groups.get(code, [])
        text = "\n".join(
            " ".join(place(f, limit))
            + f" {clean(f.pointer or '/', limit)}: {clean(f.message, limit)}"
            for f in found
        )
        if any(fails(f, options.fail_on) for f in found):
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                type=found[0].severity,
                message=f"{len(found)} finding{'' if len(found) == 1 else 's'}",
            )
            failure.text = text
        elif found:
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


@pytest.mark.parametrize("spilled", [False, True])
@FUZZ
@given(result=results(), fail_on=st.sampled_from(["error", "warning", "info"]))
def test_streamed_junit_is_the_whole_tree(
    result: ValidationResult, fail_on: str, spilled: bool
) -> None:
    """Hostile findings, skipped rules with findings, every threshold: the same bytes, and
    they parse (ElementTree and strict lxml)."""
    options = ReportOptions(fail_on=fail_on)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as patch:
        if spilled:
            patch.setattr(junit, "SPOOL_BYTES", 1)
            patch.setattr(junit, "READ_CHARS", 3)
        pieces = list(STREAMS["junit"](result, options))
    streamed = "".join(pieces)
    assert streamed == whole_tree(result, options)
    ET.fromstring(streamed)
    etree.fromstring(streamed.encode(), etree.XMLParser(recover=False))
    if spilled and result.findings and result.applied:
        assert max(len(p) for p in pieces) < len(streamed)
