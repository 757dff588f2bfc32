"""The validate command: exit codes 0/1/2, --fail-on, selection, baselines, output, stdin."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from restore_contracts.cli import cli
from restore_contracts.generators.mutations import mutate

from .conftest import scenario, write_ndjson


def validate(*args: str, stdin: bytes | None = None) -> Result:
    """Run `restore-contracts validate ARGS`."""
    return CliRunner().invoke(cli, ["validate", *args], input=stdin)


def summary_of(result: Result) -> dict[str, object]:
    """The summary of a JSON report."""
    document: dict[str, dict[str, object]] = orjson.loads(result.output)
    return document["summary"]


@pytest.fixture
def clean(tmp_path: Path) -> str:
    """A directory export of a valid completed world."""
    return str(write_ndjson(scenario("completed").tables, tmp_path / "clean"))


@pytest.fixture
def broken(tmp_path: Path) -> str:
    """A directory export whose run breaks RR302 (error) and RR103 (warning)."""
    world = mutate(mutate(scenario("completed"), "RR302"), "RR103")
    return str(write_ndjson(world.tables, tmp_path / "broken"))


class TestExitCodes:
    def test_clean_export_exits_0(self, clean: str) -> None:
        """Nothing at or above error: exit 0 and a passing summary line."""
        result = validate(clean)
        expected = 0
        assert expected == result.exit_code
        assert result.output.endswith("passed (fail on error): 0 findings, 68 rules applied\n")

    def test_findings_exit_1(self, broken: str) -> None:
        """An error finding: exit 1."""
        expected = 1
        assert expected == validate(broken).exit_code

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["missing-dir"], "Error: missing-dir: no such file or directory\n"),
            (["{clean}", "--select", "RR9"], None),
            (["{clean}", "--baseline", "no-such-baseline.json"], None),
        ],
    )
    def test_unusable_input_exits_2(self, clean: str, args: list[str], message: str | None) -> None:
        """Unusable input or options: exit 2 with one line, no traceback."""
        result = validate(*[a.format(clean=clean) for a in args])
        expected = 2
        assert expected == result.exit_code
        expected = 1
        assert expected == len(result.output.splitlines())
        assert result.output.startswith("Error: ")
        if message is not None:
            assert message == result.output

    @pytest.mark.parametrize(
        ("option", "value", "message"),
        [
            ("--format", "xml", "unknown format 'xml'; valid values: text, json, junit, github"),
            ("--fail-on", "fatal", "unknown severity 'fatal'; valid values: error, warning, info"),
        ],
    )
    def test_unknown_choice_is_one_line(
        self, clean: str, option: str, value: str, message: str
    ) -> None:
        """An unknown choice exits 2 with one line naming the valid values."""
        result = validate(clean, option, value)
        assert (2, f"Error: {message}\n") == (result.exit_code, result.output)


class TestThresholdAndSelection:
    def test_fail_on_warning(self, broken: str) -> None:
        """With only the warning selected, exit 0 by default and 1 with --fail-on warning."""
        expected = 0
        assert expected == validate(broken, "--select", "RR103").exit_code
        expected = 1
        assert expected == validate(broken, "--select", "RR103", "--fail-on", "warning").exit_code

    def test_info_findings_fail_only_at_info(self, tmp_path: Path) -> None:
        """A legacy-status run (info findings only) exits 0 unless --fail-on info."""
        export = str(write_ndjson(scenario("aborted").tables, tmp_path / "aborted"))
        expected = (0, 1)
        assert expected == (
            validate(export).exit_code,
            validate(export, "--fail-on", "info").exit_code,
        )

    def test_ignore_by_prefix(self, broken: str) -> None:
        """--ignore RR3 drops the results family; what remains is the warning."""
        result = validate(broken, "--ignore", "RR3", "--format", "json")
        expected = (0, {"RR103": 1})
        assert expected == (result.exit_code, summary_of(result)["by_rule"])


class TestBaseline:
    def test_known_findings_are_accepted_new_ones_fail(self, broken: str, tmp_path: Path) -> None:
        """A written baseline accepts today's findings; a new finding still fails."""
        baseline = tmp_path / "baseline.json"
        expected = 1
        assert expected == validate(broken, "--write-baseline", str(baseline)).exit_code
        accepted = validate(broken, "--baseline", str(baseline), "--format", "json")
        expected = (0, 3, 0)
        assert expected == (
            accepted.exit_code,
            summary_of(accepted)["baselined"],
            summary_of(accepted)["findings"],
        )
        runs = Path(broken) / "restore_runs.ndjson"
        row = orjson.loads(runs.read_bytes())
        row["failure_reason"] = "boom"
        runs.write_bytes(orjson.dumps(row) + b"\n")
        again = validate(broken, "--baseline", str(baseline), "--format", "json")
        expected = (1, {"RR209": 1})
        assert expected == (again.exit_code, summary_of(again)["by_rule"])

    def test_baseline_file_is_sorted_identities(self, broken: str, tmp_path: Path) -> None:
        """The baseline (version 2) holds code, table, id and pointer of each finding, sorted."""
        baseline = tmp_path / "baseline.json"
        validate(broken, "--write-baseline", str(baseline))
        key = str(scenario("completed").restore_run()["id"])
        assert {
            "version": 2,
            "findings": [
                {"code": "RR103", "table": "restore_runs", "id": key, "pointer": "/retried_by"},
                {
                    "code": "RR302",
                    "table": "restore_runs",
                    "id": key,
                    "pointer": "/metadata/failed",
                },
                {
                    "code": "RR302",
                    "table": "restore_runs",
                    "id": key,
                    "pointer": "/metadata/succeeded",
                },
            ],
        } == orjson.loads(baseline.read_bytes())

    def test_malformed_baseline_exits_2(self, broken: str, tmp_path: Path) -> None:
        """A baseline that is not one is unusable input."""
        baseline = tmp_path / "baseline.json"
        baseline.write_text("[]")
        result = validate(broken, "--baseline", str(baseline))
        assert (2, f"Error: {baseline}: not a restore-contracts baseline (version 2)\n") == (
            result.exit_code,
            result.output,
        )


class TestInputs:
    def test_output_file(self, broken: str, tmp_path: Path) -> None:
        """--output writes the report to a file and nothing to stdout."""
        target = tmp_path / "report.xml"
        result = validate(broken, "--format", "junit", "--output", str(target))
        expected = (1, "")
        assert expected == (result.exit_code, result.output)
        assert target.read_text().startswith("<?xml version='1.0' encoding='utf-8'?>\n<testsuites")

    def test_stdin_ndjson(self) -> None:
        """`validate - --table restore_runs` reads NDJSON from stdin."""
        world = mutate(scenario("completed"), "RR209")
        data = orjson.dumps(world.restore_run()) + b"\n"
        result = validate("-", "--table", "restore_runs", "--format", "json", stdin=data)
        expected = (1, {"RR209": 1})
        assert expected == (result.exit_code, summary_of(result)["by_rule"])

    def test_bad_lines_do_not_hide_good_ones(self, tmp_path: Path) -> None:
        """A file with bad lines is reported line by line while its good lines are validated."""
        good = scenario("completed").restore_run()
        bad = mutate(scenario("failed"), "RR208").restore_run()
        path = tmp_path / "restore_runs.ndjson"
        path.write_bytes(
            orjson.dumps(good) + b"\n{broken\n" + orjson.dumps(bad) + b'\n\xff\xfe\n{"id": 1'
        )
        result = validate(str(path), "--select", "RR0,RR2", "--format", "json")
        assert [
            ("RR001", 2, None),
            ("RR208", 3, bad["id"]),
            ("RR002", 4, None),
            ("RR003", 5, None),
        ] == [(f["code"], f["line"], f["id"]) for f in orjson.loads(result.output)["findings"]]
        expected = {"restore_runs": 5}
        assert expected == summary_of(result)["rows"]
