"""Configuration: every assumption overridable, every bad value a one-line error naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.config import (
    Assumptions,
    EvidencePolicy,
    build_assumptions,
    load_assumptions,
)
from restore_contracts.contracts import RestoreRunStatus
from restore_contracts.errors import ConfigError


class TestLoading:
    """Where the configuration comes from."""

    def test_defaults_without_any_file(self, tmp_path: Path) -> None:
        """No file: the documented defaults."""
        assert Assumptions() == load_assumptions(cwd=tmp_path)

    def test_pyproject_table(self, tmp_path: Path) -> None:
        """[tool.restore-contracts] in pyproject.toml is read."""
        (tmp_path / "pyproject.toml").write_text(
            '[project]\nname = "app"\n[tool.restore-contracts]\nevidence_policy = "latest_any"\n'
        )
        assert load_assumptions(cwd=tmp_path).evidence_policy == EvidencePolicy.LATEST_ANY

    def test_pyproject_without_table(self, tmp_path: Path) -> None:
        """A pyproject.toml that does not mention the toolkit means the defaults."""
        (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 88\n")
        assert Assumptions() == load_assumptions(cwd=tmp_path)

    def test_own_file_wins_over_pyproject(self, tmp_path: Path) -> None:
        """restore-contracts.toml (top-level keys) is preferred to pyproject.toml."""
        (tmp_path / "pyproject.toml").write_text(
            '[tool.restore-contracts]\nevidence_policy = "latest_any"\n'
        )
        (tmp_path / "restore-contracts.toml").write_text('evidence_policy = "latest_active"\n')
        assert load_assumptions(cwd=tmp_path).evidence_policy == EvidencePolicy.LATEST_ACTIVE

    def test_mappings_merge_over_defaults(self) -> None:
        """Overriding one legacy status keeps the default for the other."""
        custom = build_assumptions({"legacy_mapping": {"aborted": "failed"}})
        assert custom.legacy_mapping == {
            RestoreRunStatus.ABORTED: RestoreRunStatus.FAILED,
            RestoreRunStatus.COMPLETED_WITH_ERRORS: RestoreRunStatus.PARTIAL,
        }

    def test_vocabularies_replace(self) -> None:
        """A vocabulary given in the file replaces the default list (with the tables naming it)."""
        custom = build_assumptions(
            {
                "item_outcome_statuses": ["ok", "error"],
                "count_by_item_status": {"ok": "succeeded", "error": "failed"},
                "cause_item_statuses": ["error"],
            }
        )
        assert custom.item_outcome_statuses == ("ok", "error")


class TestBadValues:
    """Each bad value names its key."""

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            (
                {"evidence_policy": "newest"},
                "cfg: tool.restore-contracts.evidence_policy: Input should be 'latest_active' or 'latest_any'",
            ),
            (
                {"legacy_mapping": {"aborted": "running"}},
                "cfg: tool.restore-contracts.legacy_mapping: 'running' is not a terminal status",
            ),
            (
                {"legacy_mapping": {"completed": "failed"}},
                "cfg: tool.restore-contracts.legacy_mapping: 'completed' is not a legacy status",
            ),
            (
                {"attention_by_status": {"completed": {"when": "clean", "then": "completed"}}},
                "cfg: tool.restore-contracts.attention_by_status.completed: 'otherwise' is required when 'when' is 'clean'",
            ),
            (
                {"item_outcome_statuses": []},
                "cfg: tool.restore-contracts.item_outcome_statuses: Tuple should have at least 1 item after validation, not 0",
            ),
            (
                {"tones": {"failed": "red"}},
                "cfg: tool.restore-contracts: tone 'red' is not in tone_vocabulary",
            ),
            (
                {"surprise": 1},
                "cfg: tool.restore-contracts.surprise: Extra inputs are not permitted",
            ),
            (
                {"severity": {"RR301": "fatal"}},
                "cfg: tool.restore-contracts.severity.RR301: Input should be 'error', 'warning' or 'info'",
            ),
        ],
    )
    def test_message(self, overrides: dict[str, object], message: str) -> None:
        """The error is one line: source, dotted key, reason."""
        with pytest.raises(ConfigError) as caught:
            build_assumptions(overrides, source="cfg")
        assert message == caught.value.format_message()

    def test_cli_exit_2_without_traceback(self, tmp_path: Path) -> None:
        """A bad configuration file stops any command with exit 2 and one line."""
        bad = tmp_path / "restore-contracts.toml"
        bad.write_text('evidence_policy = "newest"\n')
        result = CliRunner().invoke(cli, ["--config", str(bad), "statuses"])
        assert result.exit_code == 2
        assert [
            f"Error: {bad}: tool.restore-contracts.evidence_policy: Input should be "
            "'latest_active' or 'latest_any'"
        ] == result.stderr.splitlines()

    def test_not_toml(self, tmp_path: Path) -> None:
        """A file that is not TOML is named with the parser's reason."""
        bad = tmp_path / "restore-contracts.toml"
        bad.write_text("evidence_policy = \n")
        with pytest.raises(ConfigError) as caught:
            load_assumptions(bad)
        assert caught.value.format_message().startswith(f"{bad}: not valid TOML: ")
