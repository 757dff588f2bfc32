"""Post-run evidence state under the two selection policies the truth map leaves open.

Evidence snapshots are foundation-real; the post-run evidence state is *not
available* in the attention contract, and whether restore execution produces
a snapshot, and which one to show when there are several (latest active or
latest any), are deferred. Both policies are implemented; the default and the
recency order are configurable and the truth report measures how often the
policies disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts.evidence_snapshot import EvidenceSnapshot
from restore_contracts.contracts.proof import EvidenceState
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.derivations._table import Decided, TableRow
from restore_contracts.provenance import Provenance

_EPOCH = datetime.min
TABLE = "evidence"
_DEFERRED_NOTE = "whether restore execution produces evidence snapshots is deferred"

E = EvidenceState


def recency_key(snapshot: EvidenceSnapshot, columns: Iterable[str]) -> tuple[Any, ...]:
    """Order snapshots by ``columns``; a null timestamp falls back to the next timestamp listed."""
    names = list(columns)
    key: list[Any] = []
    for index, name in enumerate(names):
        if name == "id":
            key.append(snapshot.id)
            continue
        value = None
        for later in names[index:]:
            if later != "id":
                value = getattr(snapshot, later)
                if value is not None:
                    break
        key.append(value.replace(tzinfo=None) if value is not None else _EPOCH)
    return tuple(key)


def select_snapshot(
    snapshots: Iterable[EvidenceSnapshot], policy: EvidencePolicy, assumptions: Assumptions
) -> EvidenceSnapshot | None:
    """The snapshot that stands for an operation run's evidence under a policy."""
    candidates = list(snapshots)
    if policy is EvidencePolicy.LATEST_ACTIVE:
        candidates = [s for s in candidates if s.status in assumptions.active_evidence_statuses]
    columns = assumptions.evidence_recency
    return max(candidates, key=lambda s: recency_key(s, columns), default=None)


def decide_evidence_state(
    snapshot: EvidenceSnapshot | None, assumptions: Assumptions
) -> Decided[EvidenceState]:
    """The evidence state a selected snapshot (or its absence) shows, and the deciding row."""
    if snapshot is None:
        return Decided(E.NONE, "E3")
    by_status = assumptions.evidence_by_status.get(snapshot.status)
    if by_status is not None:
        return Decided(by_status, f"E.status.{snapshot.status}")
    if snapshot.status not in assumptions.evidence_statuses:
        return Decided(E.UNRECOGNISED, "E4")
    by_completeness = assumptions.evidence_by_completeness.get(snapshot.completeness_state)
    if by_completeness is None:
        return Decided(E.UNRECOGNISED, "E4")
    return Decided(by_completeness, f"E.completeness.{snapshot.completeness_state}")


def evidence_state_of(snapshot: EvidenceSnapshot | None, assumptions: Assumptions) -> EvidenceState:
    """The evidence state a selected snapshot (or its absence) shows."""
    return decide_evidence_state(snapshot, assumptions).value


def decide_evidence(
    run: RestoreRun,
    snapshots: Iterable[EvidenceSnapshot],
    assumptions: Assumptions,
    policy: EvidencePolicy | None = None,
) -> tuple[Decided[EvidenceState], EvidenceSnapshot | None]:
    """Evidence state (with its deciding row) and the selected snapshot for a run."""
    if run.operation_run_id is None:
        return Decided(E.NO_OPERATION_RUN, "E1"), None
    linked = [s for s in snapshots if s.operation_run_id == run.operation_run_id]
    chosen = select_snapshot(linked, policy or assumptions.evidence_policy, assumptions)
    decided = decide_evidence_state(chosen, assumptions)
    return Decided(decided.value, decided.rule, ("E2",)), chosen


def derive_evidence(
    run: RestoreRun,
    snapshots: Iterable[EvidenceSnapshot],
    assumptions: Assumptions,
    policy: EvidencePolicy | None = None,
) -> tuple[EvidenceState, EvidenceSnapshot | None]:
    """Evidence state and the selected snapshot for a run (snapshots of its operation run)."""
    decided, chosen = decide_evidence(run, snapshots, assumptions, policy)
    return decided.value, chosen


def evidence_table(assumptions: Assumptions) -> list[TableRow]:
    """The rule table of :func:`derive_evidence`, in evaluation order."""
    d = Provenance.DEFERRED
    active = ", ".join(assumptions.active_evidence_statuses)
    order = ", ".join(assumptions.evidence_recency)
    rows = [
        TableRow(
            "E1",
            "operation_run_id is null",
            E.NO_OPERATION_RUN.value,
            Provenance.ASSUMED,
            note="the nullable link is repo-verified; the state it gives is assumed",
        ),
        TableRow(
            "E2",
            f"select among the operation run's snapshots: latest_active = newest with status in"
            f" ({active}); latest_any = newest; newest by {order} (a null timestamp falls back"
            f" to the next one; policy now {assumptions.evidence_policy})",
            "(the selected snapshot)",
            d,
            note="which snapshot to link when there are several is deferred (open question 2)",
        ),
        TableRow("E3", "no snapshot selected", E.NONE.value, d, note=_DEFERRED_NOTE),
    ]
    for status, state in assumptions.evidence_by_status.items():
        rows.append(TableRow(f"E.status.{status}", f"selected status = {status}", state.value, d))
    for completeness, state in assumptions.evidence_by_completeness.items():
        rows.append(
            TableRow(
                f"E.completeness.{completeness}",
                f"otherwise, completeness_state = {completeness}",
                state.value,
                d,
            )
        )
    rows.append(
        TableRow("E4", "value outside the vocabulary", E.UNRECOGNISED.value, d, note=_DEFERRED_NOTE)
    )
    return rows


__all__ = (
    "TABLE",
    "EvidenceState",
    "decide_evidence",
    "decide_evidence_state",
    "derive_evidence",
    "evidence_state_of",
    "evidence_table",
    "recency_key",
    "select_snapshot",
)
