"""The derivation rule tables, tested row by row."""

from __future__ import annotations

import pytest

from restore_contracts.config import Assumptions, EvidencePolicy, build_assumptions
from restore_contracts.contracts import (
    AttentionState,
    DecisionState,
    EvidenceState,
    OperationRunProofState,
    RestoreResultAttention,
    RestoreRunProof,
    RestoreRunStatus,
)
from restore_contracts.derivations import (
    derive_attention,
    derive_attention_state,
    derive_decision_state,
    derive_evidence,
    derive_operation_run_proof,
    derive_proof,
    outcome_counts,
)
from tests.contracts.conftest import items, op, run, snap

EXECUTION_ONLY = "execution_only_not_recovery_proven"
NO_EXECUTION = "no_execution"

DEFAULTS = Assumptions()
S = RestoreRunStatus
St = AttentionState


class TestDecisionState:
    """Rows D1..D14: dry runs first, then the status table."""

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            ("draft", "not_started"),
            ("scoped", "not_started"),
            ("checked", "not_started"),
            ("previewed", "not_started"),
            ("pending", "not_started"),
            ("queued", "in_progress"),
            ("running", "in_progress"),
            ("completed", "completed"),
            ("partial", "partial"),
            ("failed", "failed"),
            ("cancelled", "cancelled"),
            ("aborted", "cancelled"),
            ("completed_with_errors", "partial"),
        ],
    )
    def test_status_row(self, status: str, expected: str) -> None:
        """Each of the 13 statuses maps to its decision state."""
        assert DecisionState(expected) == derive_decision_state(run(status=status), DEFAULTS)

    @pytest.mark.parametrize("status", ["previewed", "completed", "failed"])
    def test_dry_run_row(self, status: str) -> None:
        """A dry run shows as preview only whatever its status."""
        assert (
            derive_decision_state(run(status=status, is_dry_run=True), DEFAULTS)
            == DecisionState.PREVIEW_ONLY
        )

    def test_override(self) -> None:
        """A configured decision state replaces the default for that status only."""
        custom = build_assumptions({"decision_states": {"cancelled": "failed"}})
        assert derive_decision_state(run(status="cancelled"), custom) == DecisionState.FAILED
        assert derive_decision_state(run(status="completed"), custom) == DecisionState.COMPLETED

    def test_legacy_status_follows_the_legacy_mapping(self) -> None:
        """A legacy status shows the decision state of the status it resolves to."""
        custom = build_assumptions({"legacy_mapping": {"aborted": "failed"}})
        assert derive_decision_state(run(status="aborted"), custom) == DecisionState.FAILED


class TestAttentionState:
    """Rows A1..A7' of the attention table."""

    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            (
                {"status": "completed", "is_dry_run": True, "results": items("non_applied")},
                St.NOT_EXECUTED,
            ),
            ({"status": "draft"}, St.NOT_EXECUTED),
            ({"status": "pending"}, St.NOT_EXECUTED),
            ({"status": "queued"}, St.NOT_EXECUTED),
            ({"status": "running"}, St.NOT_EXECUTED),
            ({"status": "completed", "results": items("succeeded", "succeeded")}, St.COMPLETED),
            (
                {"status": "completed", "results": items("succeeded", "skipped")},
                St.COMPLETED_WITH_FOLLOW_UP,
            ),
            (
                {"status": "completed", "results": items("succeeded", "non_applied")},
                St.COMPLETED_WITH_FOLLOW_UP,
            ),
            (
                {"status": "completed", "results": items("succeeded", "failed")},
                St.COMPLETED_WITH_FOLLOW_UP,
            ),
            ({"status": "partial", "results": items("succeeded", "failed")}, St.PARTIAL),
            (
                {"status": "completed_with_errors", "results": items("succeeded", "failed")},
                St.PARTIAL,
            ),
            ({"status": "failed", "results": items("failed")}, St.FAILED),
            ({"status": "cancelled", "results": items("succeeded", "non_applied")}, St.PARTIAL),
            ({"status": "cancelled", "results": items("partial")}, St.PARTIAL),
            ({"status": "cancelled", "results": items("non_applied")}, St.NOT_EXECUTED),
            ({"status": "aborted"}, St.NOT_EXECUTED),
            ({"status": "aborted", "results": items("succeeded")}, St.PARTIAL),
        ],
    )
    def test_row(self, changes: dict[str, object], expected: AttentionState) -> None:
        """Each branch of the table gives its state."""
        assert expected == derive_attention_state(run(**changes), DEFAULTS)

    def test_skipped_foundation_needs_follow_up(self) -> None:
        """A completed run with every item applied but a skipped foundation needs follow-up."""
        results = items("succeeded")
        results["foundations"] = [{"type": "scopeTag", "decision": "skipped"}]
        assert (
            derive_attention_state(run(status="completed", results=results), DEFAULTS)
            == St.COMPLETED_WITH_FOLLOW_UP
        )

    def test_metadata_counts_win_over_results(self) -> None:
        """The surface reads metadata counts; results are counted only without them."""
        with_meta = run(
            status="completed",
            results=items("succeeded"),
            metadata={"total": 2, "succeeded": 1, "failed": 1},
        )
        assert derive_attention_state(with_meta, DEFAULTS) == St.COMPLETED_WITH_FOLLOW_UP
        assert outcome_counts(with_meta, DEFAULTS).failed == 1

    def test_configured_choice(self) -> None:
        """A team that treats cancelled runs as failed can say so in the configuration."""
        custom = build_assumptions({"attention_by_status": {"cancelled": {"then": "failed"}}})
        assert derive_attention_state(run(status="cancelled"), custom) == St.FAILED
        assert derive_attention_state(run(status="aborted"), custom) == St.FAILED


class TestAttentionContract:
    """All six fields, for one run of each state."""

    def test_completed(self) -> None:
        """Completed is not recovery proven: the boundary says execution only."""
        assert RestoreResultAttention(
            state=St.COMPLETED,
            summary="Restore completed: 2 of 2 items applied.",
            primary_next_action="verify_tenant_state",
            primary_cause_family="none",
            recovery_claim_boundary=EXECUTION_ONLY,
            tone="success",
        ) == derive_attention(run(results=items("succeeded", "succeeded")), DEFAULTS)

    def test_follow_up_names_the_main_cause(self) -> None:
        """The cause family is the commonest HTTP cause among failed and partial items."""
        results = items("failed", "failed", "partial", "succeeded", http_status=403)
        assert RestoreResultAttention(
            state=St.COMPLETED_WITH_FOLLOW_UP,
            summary="Restore completed with follow-up: 2 of 4 items applied, 3 to review.",
            primary_next_action="review_follow_up_items",
            primary_cause_family="permission",
            recovery_claim_boundary=EXECUTION_ONLY,
            tone="warning",
        ) == derive_attention(run(results=results), DEFAULTS)

    def test_failed_reads_the_failure_reason(self) -> None:
        """Without failing items, the run's failure reason gives the cause."""
        failed = run(status="failed", failure_reason="Graph returned 429 Too Many Requests")
        assert RestoreResultAttention(
            state=St.FAILED,
            summary="Restore failed: 0 of 0 items applied. Graph returned 429 Too Many Requests",
            primary_next_action="review_failure",
            primary_cause_family="throttling",
            recovery_claim_boundary=EXECUTION_ONLY,
            tone="danger",
        ) == derive_attention(failed, DEFAULTS)

    def test_partial(self) -> None:
        """A partial run asks for the item failures to be reviewed."""
        results = items("succeeded", "failed", http_status=404)
        assert RestoreResultAttention(
            state=St.PARTIAL,
            summary="Restore partially applied: 1 of 2 items applied, 1 failed.",
            primary_next_action="review_item_failures",
            primary_cause_family="not_found",
            recovery_claim_boundary=EXECUTION_ONLY,
            tone="warning",
        ) == derive_attention(run(status="partial", results=results), DEFAULTS)

    @pytest.mark.parametrize(
        ("changes", "summary", "action", "cause"),
        [
            (
                {"is_dry_run": True, "status": "previewed"},
                "Preview only: no changes were applied.",
                "review_preview",
                "not_executed",
            ),
            (
                {"status": "scoped"},
                "Restore has not been executed (status scoped).",
                "start_restore",
                "not_executed",
            ),
            (
                {"status": "running"},
                "Restore is running; no result yet.",
                "wait_for_execution",
                "not_executed",
            ),
            (
                {"status": "aborted"},
                "Restore was cancelled before any item was applied.",
                "start_restore",
                "cancelled",
            ),
        ],
    )
    def test_not_executed(
        self, changes: dict[str, object], summary: str, action: str, cause: str
    ) -> None:
        """Runs that changed nothing never claim more than no execution."""
        assert RestoreResultAttention(
            state=St.NOT_EXECUTED,
            summary=summary,
            primary_next_action=action,
            primary_cause_family=cause,
            recovery_claim_boundary=NO_EXECUTION,
            tone="gray",
        ) == derive_attention(run(**changes), DEFAULTS)

    @pytest.mark.parametrize("status", [s.value for s in RestoreRunStatus])
    def test_no_state_claims_recovery(self, status: str) -> None:
        """Whatever the status, the boundary is one of the two non-claims."""
        attention = derive_attention(run(status=status, results=items("succeeded")), DEFAULTS)
        assert attention.recovery_claim_boundary in (NO_EXECUTION, EXECUTION_ONLY)
        assert DEFAULTS.tones[attention.state] == attention.tone


class TestOperationRunProof:
    """Rows P1..P11."""

    def test_not_linked(self) -> None:
        """No operation_run_id: nothing to prove with."""
        assert (
            derive_operation_run_proof(run(), None, DEFAULTS) == OperationRunProofState.NOT_LINKED
        )

    def test_unresolved_and_unknown(self) -> None:
        """A dangling id is unresolved; without the table it is unknown, never unresolved."""
        linked = run(operation_run_id=9)
        assert (
            derive_operation_run_proof(linked, None, DEFAULTS) == OperationRunProofState.UNRESOLVED
        )
        assert (
            derive_operation_run_proof(linked, None, DEFAULTS, looked_up=False)
            == OperationRunProofState.UNKNOWN
        )

    @pytest.mark.parametrize(
        ("status", "outcome", "expected"),
        [
            ("queued", "pending", "in_progress"),
            ("running", "pending", "in_progress"),
            ("completed", "pending", "in_progress"),
            ("completed", "succeeded", "succeeded"),
            ("completed", "partially_succeeded", "partially_succeeded"),
            ("completed", "failed", "failed"),
            ("completed", "blocked", "blocked"),
            ("completed", "cancelled", "cancelled"),
            ("completed", "exploded", "unrecognised"),
            ("paused", "pending", "unrecognised"),
        ],
    )
    def test_outcome_row(self, status: str, outcome: str, expected: str) -> None:
        """The operation run's status and outcome give the proof state."""
        assert OperationRunProofState(expected) == derive_operation_run_proof(
            run(operation_run_id=9), op(status=status, outcome=outcome), DEFAULTS
        )


class TestEvidence:
    """Rows E1..E11, under both selection policies."""

    def test_no_operation_run(self) -> None:
        """Evidence hangs off the operation run; without one there is none to show."""
        assert derive_evidence(run(), [snap(1)], DEFAULTS) == (EvidenceState.NO_OPERATION_RUN, None)

    def test_none(self) -> None:
        """A linked run with no snapshot of its operation run shows none."""
        other = snap(1, operation_run_id=10)
        assert derive_evidence(run(operation_run_id=9), [other], DEFAULTS) == (
            EvidenceState.NONE,
            None,
        )

    @pytest.mark.parametrize(
        ("status", "completeness", "expected"),
        [
            ("active", "complete", "complete"),
            ("active", "partial", "partial"),
            ("active", "missing", "incomplete"),
            ("superseded", "complete", "complete"),
            ("queued", "missing", "pending"),
            ("generating", "missing", "pending"),
            ("failed", "missing", "unavailable"),
            ("expired", "complete", "unavailable"),
            ("archived", "complete", "unrecognised"),
            ("active", "mostly", "unrecognised"),
        ],
    )
    def test_state_row(self, status: str, completeness: str, expected: str) -> None:
        """Under latest_any, the newest snapshot's status and completeness give the state."""
        only = snap(1, status=status, completeness_state=completeness)
        state, chosen = derive_evidence(
            run(operation_run_id=9), [only], DEFAULTS, EvidencePolicy.LATEST_ANY
        )
        assert (EvidenceState(expected), 1) == (state, chosen.id if chosen else None)

    def test_policies_disagree(self) -> None:
        """An older active snapshot and a newer generating one: the policies differ."""
        snapshots = [snap(1), snap(2, status="generating", completeness_state="missing")]
        linked = run(operation_run_id=9)
        active = derive_evidence(linked, snapshots, DEFAULTS, EvidencePolicy.LATEST_ACTIVE)
        newest = derive_evidence(linked, snapshots, DEFAULTS, EvidencePolicy.LATEST_ANY)
        assert (active[0], active[1].id if active[1] else None) == (EvidenceState.COMPLETE, 1)
        assert (newest[0], newest[1].id if newest[1] else None) == (EvidenceState.PENDING, 2)

    def test_latest_active_without_active(self) -> None:
        """Only inactive snapshots: latest_active selects none."""
        snapshots = [snap(1, status="failed")]
        assert derive_evidence(
            run(operation_run_id=9), snapshots, DEFAULTS, EvidencePolicy.LATEST_ACTIVE
        ) == (EvidenceState.NONE, None)

    def test_ties_break_by_created_at_then_id(self) -> None:
        """Equal generated_at: the later created_at wins, then the higher id."""
        same = "2026-04-01 10:00:00"
        snapshots = [
            snap(3, generated_at=same, created_at="2026-04-01 10:00:00"),
            snap(2, generated_at=same, created_at="2026-04-01 11:00:00"),
            snap(4, generated_at=same, created_at="2026-04-01 11:00:00"),
        ]
        _, chosen = derive_evidence(run(operation_run_id=9), snapshots, DEFAULTS)
        assert (chosen.id if chosen else None) == 4


class TestProofView:
    """The whole derived view of one run."""

    def test_whole_view(self) -> None:
        """Decision, attention, proof and evidence come together, under the configured policy."""
        linked = run(operation_run_id=9, results=items("succeeded"))
        proof = derive_proof(linked, op(), [snap(1)], DEFAULTS)
        assert (
            RestoreRunProof(
                restore_run_id=1,
                decision_state=DecisionState.COMPLETED,
                attention=derive_attention(linked, DEFAULTS),
                operation_run_id=9,
                operation_run_proof_state=OperationRunProofState.SUCCEEDED,
                evidence_policy="latest_active",
                evidence_state=EvidenceState.COMPLETE,
                evidence_snapshot_id=1,
            )
            == proof
        )

    def test_never_a_column(self) -> None:
        """The restore_runs contract has no derived column."""
        from restore_contracts.contracts import RestoreRun

        derived = {"decision_state", "attention", "operation_run_proof_state", "evidence_state"}
        assert set() == derived & set(RestoreRun.model_fields)
