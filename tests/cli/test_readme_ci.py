"""The pre-commit and CI configurations in docs/ci.md parse and name real commands and options."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.invocations import command_words, parse_invocation

ROOT = Path(__file__).resolve().parents[2]
YAML_BLOCK = re.compile(r"```yaml\n(# (\S+)\n.*?)```", re.DOTALL)


def _blocks() -> dict[str, Any]:
    """docs/ci.md's YAML blocks, parsed, by the file name their first comment line gives."""
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    return {match[2]: yaml.safe_load(match[1]) for match in YAML_BLOCK.finditer(text)}


SHELL_KEYS = frozenset({"run", "script", "before_script", "after_script"})
"""The keys of GitHub Actions steps and GitLab jobs whose values are shell commands."""


def _strings(value: Any, *, shell: bool = False) -> list[str]:
    """Every shell command string in a parsed YAML document."""
    if isinstance(value, str):
        return [value] if shell else []
    if isinstance(value, dict):
        return [
            s
            for key, item in value.items()
            for s in _strings(item, shell=shell or key in SHELL_KEYS)
        ]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item, shell=shell)]
    return []


def _invocations(document: Any) -> list[list[str]]:
    return [
        args
        for string in _strings(document, shell=isinstance(document, list))
        for line in string.splitlines()
        for args in command_words(line.strip())
    ]


def test_ci_page_has_the_three_configurations() -> None:
    """docs/ci.md shows a pre-commit configuration, a GitHub Actions workflow and a GitLab CI file."""
    assert sorted(_blocks()) == [
        ".github/workflows/restore-contracts.yml",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
    ]


@pytest.mark.parametrize("name", [".github/workflows/restore-contracts.yml", ".gitlab-ci.yml"])
def test_ci_jobs_validate_with_junit_and_every_command_parses(name: str) -> None:
    """Each CI job writes a JUnit report of the export, and each command line in it parses."""
    document = _blocks()[name]
    invocations = _invocations(document)
    assert [parse_invocation(args) for args in invocations] == [
        ["restore-contracts", "validate"]
    ] * len(invocations)
    formats = [args[args.index("--format") + 1] for args in invocations if "--format" in args]
    expected = ["github", "junit"] if name.startswith(".github") else ["junit"]
    assert formats == expected


def test_github_job_uploads_the_junit_report_it_writes() -> None:
    """The GitHub job uploads the very file its JUnit step writes, even when validation failed."""
    steps = _blocks()[".github/workflows/restore-contracts.yml"]["jobs"]["validate-export"]["steps"]
    junit = next(s for s in steps if "--format junit" in s.get("run", ""))
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    written = junit["run"].split("--output ")[1].split()[0]
    assert (upload["with"]["path"], upload["if"], junit["if"]) == (written, "always()", "always()")


def test_gitlab_job_reports_the_junit_file_it_writes() -> None:
    """The GitLab job's junit report is the file its validate command writes."""
    job = _blocks()[".gitlab-ci.yml"]["restore-contracts"]
    (args,) = [a for a in _invocations(job["script"]) if "--format" in a]
    assert job["artifacts"]["reports"]["junit"] == args[args.index("--output") + 1]


def test_pre_commit_example_uses_the_published_hooks() -> None:
    """The pre-commit example names the hooks .pre-commit-hooks.yaml defines, whose entries parse."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    defined = {hook["id"]: hook for hook in hooks}
    used = _blocks()[".pre-commit-config.yaml"]["repos"][0]["hooks"]
    assert sorted(hook["id"] for hook in used) == sorted(defined)
    for hook in used:
        entry = defined[hook["id"]]["entry"].split()
        assert entry[0] == "restore-contracts"
        parsed = parse_invocation([*entry[1:], *hook.get("args", [])])
        assert parsed == ["restore-contracts", *entry[1:2]]


def test_a_wrong_option_in_a_command_line_is_caught() -> None:
    """The check refuses a command line with an option the command does not have."""
    (args,) = command_words("restore-contracts validate exports/ --formt junit")
    with pytest.raises(Exception, match="No such option '--formt'"):
        parse_invocation(args)
