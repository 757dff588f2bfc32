"""Configuration: every assumption overridable, every bad value a one-line error naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.config import (
    ATTENTION_CASES,
    DEFAULT_OPERATION_RUN_AGREEMENT,
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
                "cfg: tool.restore-contracts.surprise: unknown key; the keys are: "
                + ", ".join(sorted(Assumptions.model_fields)),
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
            f"Error: {bad}: evidence_policy: Input should be 'latest_active' or 'latest_any'"
        ] == result.stderr.splitlines()

    def test_not_toml(self, tmp_path: Path) -> None:
        """A file that is not TOML is named with the parser's reason."""
        bad = tmp_path / "restore-contracts.toml"
        bad.write_text("evidence_policy = \n")
        with pytest.raises(ConfigError) as caught:
            load_assumptions(bad)
        assert caught.value.format_message().startswith(f"{bad}: not valid TOML: ")


class TestTablesAgainstVocabularies:
    """A value that names a state, outcome or status that does not exist fails at load."""

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            (
                {"proof_by_outcome": {"blocked": "exploded"}},
                "cfg: tool.restore-contracts.proof_by_outcome.blocked: Input should be "
                "'not_linked', 'unresolved', 'unknown', 'in_progress', 'succeeded', "
                "'partially_succeeded', 'failed', 'blocked', 'cancelled' or 'unrecognised'",
            ),
            (
                {"proof_by_outcome": {"exploded": "failed"}},
                "cfg: tool.restore-contracts.proof_by_outcome: key 'exploded' is not one of "
                "['blocked', 'cancelled', 'failed', 'partially_succeeded', 'pending', 'succeeded']",
            ),
            (
                {"evidence_by_status": {"failed": "gone"}},
                "cfg: tool.restore-contracts.evidence_by_status.failed: Input should be "
                "'no_operation_run', 'none', 'pending', 'complete', 'partial', 'incomplete', "
                "'unavailable' or 'unrecognised'",
            ),
            (
                {"next_actions": ["x"]},
                "cfg: tool.restore-contracts.next_action_by_case.dry_run: 'review_preview' is "
                "not in the vocabulary ['x']; override both together",
            ),
            (
                {"recovery_claim_boundaries": ["x"]},
                "cfg: tool.restore-contracts.recovery_claim_boundary_by_case.not_executed: "
                "'no_execution' is not in the vocabulary ['x']; override both together",
            ),
            (
                {"cause_by_http_status": {"403": "forbidden"}},
                "cfg: tool.restore-contracts.cause_by_http_status.403: 'forbidden' is not in the "
                "vocabulary ['cancelled', 'foundation', 'none', 'not_executed', 'not_found', "
                "'permission', 'skipped_items', 'throttling', 'timeout', 'unknown', "
                "'validation']; override both together",
            ),
            (
                {"summary_by_case": {"failed": "Failed {why}"}},
                "cfg: tool.restore-contracts.summary_by_case.failed: unknown placeholder {why}; "
                "use ['applied', 'total', 'failed', 'follow_up', 'status', 'reason']",
            ),
            (
                {"summary_by_case": {"completed": "{applied:Z} applied"}},
                "cfg: tool.restore-contracts.summary_by_case.completed: not a valid template: "
                "Unknown format code 'Z' for object of type 'int'",
            ),
            (
                {"cause_by_message": [{"pattern": "(", "family": "permission"}]},
                "cfg: tool.restore-contracts.cause_by_message.0.pattern: '(' is not a regular "
                "expression: missing ), unterminated subpattern at position 0",
            ),
            (
                {"operation_run_completed_status": "done"},
                "cfg: tool.restore-contracts.operation_run_completed_status: 'done' is not in "
                "operation_run_statuses",
            ),
            (
                {"operation_run_agreement": {"failed": ["completed/exploded"]}},
                "cfg: tool.restore-contracts.operation_run_agreement.failed: "
                "'completed/exploded' is not 'status/outcome' from operation_run_statuses and "
                "operation_run_outcomes",
            ),
            (
                {"active_evidence_statuses": ["live"]},
                "cfg: tool.restore-contracts.active_evidence_statuses: 'live' is not in "
                "evidence_statuses",
            ),
            (
                {"evidence_recency": ["finished_at"]},
                "cfg: tool.restore-contracts.evidence_recency: 'finished_at' is not one of "
                "['generated_at', 'created_at', 'updated_at', 'expires_at', 'id']",
            ),
            (
                {"decision_states": {"aborted": "failed"}},
                "cfg: tool.restore-contracts.decision_states: 'aborted' is a legacy status: it "
                "takes the decision state of the status legacy_mapping resolves it to "
                "(configure legacy_mapping instead)",
            ),
            (
                {"skipped_foundation_decision": "ignored"},
                "cfg: tool.restore-contracts.skipped_foundation_decision: 'ignored' is not in "
                "foundation_decisions",
            ),
            (
                {"item_outcome_statuses": ["ok", "error"]},
                "cfg: tool.restore-contracts.cause_item_statuses: 'failed' is not in "
                "item_outcome_statuses",
            ),
        ],
    )
    def test_message(self, overrides: dict[str, object], message: str) -> None:
        """The error is one line naming the key and the value that does not exist."""
        with pytest.raises(ConfigError) as caught:
            build_assumptions(overrides, source="cfg")
        assert message == caught.value.format_message()

    @pytest.mark.parametrize(
        ("toml", "command", "line"),
        [
            (
                'proof_by_outcome = { blocked = "exploded" }\n',
                "truth",
                "proof_by_outcome.blocked: Input should be 'not_linked'",
            ),
            (
                'next_actions = ["x"]\n',
                "validate",
                "next_action_by_case.dry_run: 'review_preview' is not in",
            ),
        ],
    )
    def test_cli_exit_2_at_load(self, tmp_path: Path, toml: str, command: str, line: str) -> None:
        """truth and validate stop at load with exit 2 and one line, before reading any row."""
        config = tmp_path / "restore-contracts.toml"
        config.write_text(toml)
        result = CliRunner().invoke(cli, ["--config", str(config), command, str(tmp_path)])
        assert result.exit_code == 2
        assert len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith(f"Error: {config}: {line}")

    def test_vocabulary_overridden_with_its_table_is_consistent(self) -> None:
        """Overriding next_actions with the table naming them gives rows RR405 accepts."""
        actions = {c: f"do_{c}" for c in ATTENTION_CASES}
        custom = build_assumptions(
            {"next_actions": list(actions.values()), "next_action_by_case": actions}
        )
        assert set(custom.next_action_by_case.values()) <= set(custom.next_actions)

    def test_dropped_vocabulary_value_drops_its_default_entry(self) -> None:
        """Removing an outcome from the vocabulary removes its default proof_by_outcome row."""
        custom = build_assumptions(
            {
                "operation_run_outcomes": ["succeeded", "failed"],
                "operation_run_agreement": {
                    s: ["completed/succeeded"] for s in DEFAULT_OPERATION_RUN_AGREEMENT
                },
            }
        )
        assert {k: v.value for k, v in custom.proof_by_outcome.items()} == {
            "succeeded": "succeeded",
            "failed": "failed",
        }
