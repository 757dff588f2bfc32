"""End to end: generated fixtures through the validate command, in every file format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from restore_contracts.cli import cli
from restore_contracts.generators import build_coverage
from restore_contracts.generators.corruptions import CORRUPTIONS
from restore_contracts.generators.mutations import MUTATIONS, mutate
from restore_contracts.generators.writers import write_worlds
from restore_contracts.validators.rules import RULES

from .conftest import SEED, scenario

INFO_OR_WARNING = {"RR103", "RR104", "RR105", "RR106", "RR107", "RR108", "RR506", "RR605"}
PROOF_CODES = {code for code in MUTATIONS if code.startswith("RR4")}


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    """Run the command line in-process."""
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def report(result: Result) -> dict[str, Any]:
    """The JSON report of a validate run."""
    document: dict[str, Any] = orjson.loads(result.output)
    return document


def comparable(result: Result) -> list[tuple[Any, ...]]:
    """Findings without their file and line (which differ between formats)."""
    return [
        (f["code"], f["severity"], f["table"], f["id"], f["pointer"], f["message"])
        for f in report(result)["findings"]
    ]


class TestCoverageSet:
    def test_generated_coverage_set_validates_clean(self, tmp_path: Path) -> None:
        """`generate` then `validate fixtures/`: exit 0, only the expected infos."""
        out = tmp_path / "fixtures"
        generated = invoke("generate", "--seed", str(SEED), "--out", str(out))
        expected_exit = 0
        assert expected_exit == generated.exit_code
        result = invoke("validate", str(out), "--format", "json")
        summary = report(result)["summary"]
        expected = (0, {"error": 0, "warning": 0}, {"RR104", "RR506"})
        assert expected == (
            result.exit_code,
            {k: summary["by_severity"][k] for k in ("error", "warning")},
            set(summary["by_rule"]),
        )

    def test_derived_view_agrees_with_the_derivations(self) -> None:
        """With --with-derived piped to stdin, every attention rule runs and finds nothing."""
        data = invoke("generate", "--with-derived", "--format", "ndjson", "--out", "-").stdout_bytes
        summary = report(
            invoke("validate", "-", "--format", "json", "--ignore", "RR104,RR506", stdin=data)
        )["summary"]
        expected = (0, 75 - 2, {})
        assert expected == (
            summary["findings"],
            summary["rules_applied"],
            summary["skipped"],
        )

    def test_csv_validates_like_ndjson(self, tmp_path: Path) -> None:
        """The coverage set as PostgreSQL COPY CSV gives the same findings as NDJSON."""
        worlds = list(build_coverage(SEED))
        write_worlds(worlds, "ndjson", tmp_path / "ndjson")
        write_worlds(worlds, "csv", tmp_path / "csv")
        ndjson = invoke("validate", str(tmp_path / "ndjson"), "--format", "json")
        csv = invoke("validate", str(tmp_path / "csv"), "--format", "json")
        assert report(ndjson)["summary"]["rows"] == report(csv)["summary"]["rows"]
        assert comparable(ndjson) == comparable(csv)


def test_every_rule_can_be_broken_on_purpose() -> None:
    """Each rule code has a row mutation or a file corruption, never both."""
    assert (sorted(RULES), set()) == (
        sorted({*MUTATIONS, *CORRUPTIONS}),
        set(MUTATIONS) & set(CORRUPTIONS),
    )


@pytest.mark.parametrize("code", sorted({*MUTATIONS, *CORRUPTIONS}))
def test_generate_mutate_fails_validation_with_its_code(code: str, tmp_path: Path) -> None:
    """`generate --mutate CODE` output makes validate exit 1 with exactly that code."""
    out = tmp_path / code
    invoke(
        "generate", "--seed", str(SEED), "--mutate", code, "--format", "ndjson", "--out", str(out)
    )
    fail_on = "info" if code in INFO_OR_WARNING else "error"
    result = invoke("validate", str(out), "--format", "json", "--fail-on", fail_on)
    assert (1, [code]) == (result.exit_code, list(report(result)["summary"]["by_rule"]))


@pytest.mark.parametrize("code", sorted(MUTATIONS))
def test_mutations_as_csv_validate_like_ndjson(code: str, tmp_path: Path) -> None:
    """Each mutated world gives the same findings as COPY CSV as it does as NDJSON."""
    world = mutate(scenario(MUTATIONS[code].base_scenario), code)
    derived = code in PROOF_CODES
    write_worlds([world], "ndjson", tmp_path / "ndjson", with_derived=derived)
    write_worlds([world], "csv", tmp_path / "csv", with_derived=derived)
    ndjson = invoke("validate", str(tmp_path / "ndjson"), "--format", "json")
    csv = invoke("validate", str(tmp_path / "csv"), "--format", "json")
    assert comparable(ndjson) == comparable(csv)
