"""Post-run evidence state under the two selection policies the truth map leaves open.

Evidence snapshots are foundation-real: whether restore execution produces
them, and which one to show when there are several (latest active or latest
any), are open questions. Both policies are implemented; the default is
configurable and the truth report measures how often they disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts.evidence_snapshot import EvidenceSnapshot
from restore_contracts.contracts.proof import EvidenceState
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.derivations._table import TableRow
from restore_contracts.provenance import Provenance

_EPOCH = datetime.min


E = EvidenceState


def recency_key(snapshot: EvidenceSnapshot) -> tuple[datetime, datetime, int]:
    """Order snapshots by generated_at, then created_at, then id (assumed)."""
    generated = snapshot.generated_at or snapshot.created_at
    created = snapshot.created_at
    return (
        generated.replace(tzinfo=None) if generated else _EPOCH,
        created.replace(tzinfo=None) if created else _EPOCH,
        snapshot.id,
    )


def select_snapshot(
    snapshots: Iterable[EvidenceSnapshot], policy: EvidencePolicy, assumptions: Assumptions
) -> EvidenceSnapshot | None:
    """The snapshot that stands for an operation run's evidence under a policy."""
    candidates = list(snapshots)
    if policy is EvidencePolicy.LATEST_ACTIVE:
        candidates = [s for s in candidates if s.status in assumptions.active_evidence_statuses]
    return max(candidates, key=recency_key, default=None)


def evidence_state_of(snapshot: EvidenceSnapshot | None, assumptions: Assumptions) -> EvidenceState:
    """The evidence state a selected snapshot (or its absence) shows."""
    if snapshot is None:
        return E.NONE
    by_status = assumptions.evidence_by_status.get(snapshot.status)
    if by_status is not None:
        return E(by_status)
    if snapshot.status not in assumptions.evidence_statuses:
        return E.UNRECOGNISED
    by_completeness = assumptions.evidence_by_completeness.get(snapshot.completeness_state)
    return E(by_completeness) if by_completeness is not None else E.UNRECOGNISED


def derive_evidence(
    run: RestoreRun,
    snapshots: Iterable[EvidenceSnapshot],
    assumptions: Assumptions,
    policy: EvidencePolicy | None = None,
) -> tuple[EvidenceState, EvidenceSnapshot | None]:
    """Evidence state and the selected snapshot for a run (snapshots of its operation run)."""
    if run.operation_run_id is None:
        return E.NO_OPERATION_RUN, None
    linked = [s for s in snapshots if s.operation_run_id == run.operation_run_id]
    chosen = select_snapshot(linked, policy or assumptions.evidence_policy, assumptions)
    return evidence_state_of(chosen, assumptions), chosen


def evidence_table(assumptions: Assumptions) -> list[TableRow]:
    """The rule table of :func:`derive_evidence`, in evaluation order."""
    a = Provenance.ASSUMED
    active = ", ".join(assumptions.active_evidence_statuses)
    rows = [
        TableRow("E1", "operation_run_id is null", E.NO_OPERATION_RUN.value, Provenance.DERIVED),
        TableRow(
            "E2",
            f"select: latest_active = newest with status in ({active}); latest_any = newest;"
            f" newest by generated_at, created_at, id (policy now {assumptions.evidence_policy})",
            "(the selected snapshot)",
            a,
        ),
        TableRow("E3", "no snapshot selected", E.NONE.value, a),
    ]
    for status, state in assumptions.evidence_by_status.items():
        rows.append(TableRow(f"E{len(rows) + 1}", f"selected status = {status}", state, a))
    for completeness, state in assumptions.evidence_by_completeness.items():
        rows.append(
            TableRow(
                f"E{len(rows) + 1}", f"otherwise, completeness_state = {completeness}", state, a
            )
        )
    rows.append(
        TableRow(f"E{len(rows) + 1}", "value outside the vocabulary", E.UNRECOGNISED.value, a)
    )
    return rows


__all__ = (
    "EvidenceState",
    "derive_evidence",
    "evidence_state_of",
    "evidence_table",
    "recency_key",
    "select_snapshot",
)
