"""RR4xx: an exported derived view (``restore_run_proofs``) equals what the derivations give.

Derived values are never columns of ``restore_runs``; generators may export
the view as its own table. When it is there, each proof row is held to the
reference derivations for its run, its tone follows its state, and it never
claims recovery from execution alone (repo-verified: completed is not
recovery proven). Without the table these rules are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from restore_contracts.config import EvidencePolicy
from restore_contracts.contracts import EvidenceSnapshot, OperationRun, RestoreRun
from restore_contracts.derivations import (
    derive_attention,
    derive_decision_state,
    derive_evidence,
    derive_operation_run_proof,
)
from restore_contracts.provenance import Provenance
from restore_contracts.validators.context import RuleContext
from restore_contracts.validators.findings import Hit, one_of, show
from restore_contracts.validators.rules._registry import NO_HITS, Row, declare, rule
from restore_contracts.validators.tables import (
    COLUMNS,
    EVIDENCE,
    OPERATION_RUNS,
    PROOFS,
    RESTORE_RUNS,
)

RUNS = RESTORE_RUNS
EVERY_RUN_COLUMN = tuple(sorted(COLUMNS[RUNS]))
"""What a rule reads that rebuilds the run's model to derive from it."""
ORPHAN_PROOF = "RR404"
_POLICIES = frozenset(p.value for p in EvidencePolicy)


def _at(row: Row, ctx: RuleContext, ptr: str, message: str) -> Hit:
    """A hit on the proof row of ``row``'s run (the finding belongs to the proof, not the run)."""
    _, source, line = ctx.indexes.proofs[row["id"]]
    return Hit(ptr, message, table=PROOFS, id=row["id"], source=source, line=line)


def _differs(found: Any, expected: Any, name: str) -> str:
    return f"{name} is {show(found)}; the derivation gives {show(expected)}"


def _specific_violation(proof: Row, field: str, ctx: RuleContext) -> bool:
    """Whether a more specific rule (RR402, RR403, RR405) already reports this field."""
    attention = proof["attention"]
    value = attention[field]
    if field == "tone":
        return bool(value != ctx.tones.get(attention["state"]))
    if field == "recovery_claim_boundary":
        return value not in ctx.recovery_boundaries
    if field == "primary_next_action":
        return value not in ctx.next_actions
    if field == "primary_cause_family":
        return value not in ctx.cause_families
    return False


_ATTENTION_FIELDS = (
    "state",
    "summary",
    "primary_next_action",
    "primary_cause_family",
    "recovery_claim_boundary",
    "tone",
)


@rule(
    "RR401",
    "Exported decision or attention differs from the derivation",
    table=RUNS,
    needs=(PROOFS,),
    provenance=Provenance.ASSUMED,
    note="the attention contract is repo-verified; the derivation and the exported view "
    "(restore_run_proofs, this toolkit's proposal) are assumed",
    reads=EVERY_RUN_COLUMN,
)
def attention_matches(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A derived view is only trustworthy if it is what the derivation gives for the
    persisted run: decision state, every attention field and the linked operation run.
    Fields a more specific rule reports (tone, recovery claim, vocabularies) are left to it."""
    stored = ctx.indexes.proofs.get(row["id"])
    if stored is None:
        return NO_HITS
    proof = stored[0]
    run = RestoreRun.model_validate(row)
    hits = []
    decision = derive_decision_state(run, ctx.assumptions).value
    if "decision_state" in proof and proof["decision_state"] != decision:
        hits.append(
            _at(
                row,
                ctx,
                "/decision_state",
                _differs(proof["decision_state"], decision, "decision_state"),
            )
        )
    derived = derive_attention(run, ctx.assumptions).model_dump(mode="json")
    for name in _ATTENTION_FIELDS if "attention" in proof else ():
        if proof["attention"][name] != derived[name] and not _specific_violation(proof, name, ctx):
            hits.append(
                _at(
                    row,
                    ctx,
                    f"/attention/{name}",
                    _differs(proof["attention"][name], derived[name], name),
                )
            )
    if "operation_run_id" in proof and proof["operation_run_id"] != row.get("operation_run_id"):
        hits.append(
            _at(
                row,
                ctx,
                "/operation_run_id",
                _differs(
                    proof["operation_run_id"], row.get("operation_run_id"), "operation_run_id"
                ),
            )
        )
    return hits


@rule("RR402", "Tone does not follow the attention state", table=PROOFS, reads=("attention",))
def tone_follows_state(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The tone colours the surface by state (configured tones); a tone from another state
    tells the operator the wrong thing at a glance."""
    state = row["attention"]["state"]
    expected = ctx.tones.get(state)
    tone = row["attention"]["tone"]
    if tone == expected:
        return NO_HITS
    return (
        Hit(
            "/attention/tone", f"tone is {show(tone)}; expected {show(expected)} for state {state}"
        ),
    )


@rule(
    "RR403",
    "Attention claims recovery",
    table=PROOFS,
    provenance=Provenance.ASSUMED,
    note="'completed != recovery proven' is repo-verified; the boundary values it judges "
    "against are assumed",
    reads=("attention",),
)
def no_recovery_claim(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """RestoreResultAttention enforces that completed is not recovery proven: execution alone
    never proves recovery, so the boundary is one of the non-claiming values."""
    boundary = row["attention"]["recovery_claim_boundary"]
    if boundary in ctx.recovery_boundaries:
        return NO_HITS
    allowed = sorted(ctx.recovery_boundaries)
    return (
        Hit(
            "/attention/recovery_claim_boundary",
            f"recovery_claim_boundary is {show(boundary)}; expected {one_of(allowed)}",
        ),
    )


declare(
    ORPHAN_PROOF,
    "Derived view for a restore run that does not exist",
    severity="error",
    provenance=Provenance.ASSUMED,
    note="restore_run_proofs is this toolkit's proposal, not a table the truth map names",
    table=PROOFS,
    needs=(RUNS,),
    why="A derived view is computed from its run; a view whose run is not in restore_runs "
    "was derived from something else.",
)


def orphan_proofs(ctx: RuleContext) -> Iterator[Hit]:
    """RR404 hits for proof rows whose restore run never streamed by (after restore_runs)."""
    runs = ctx.indexes.ids_of(RUNS)
    for run_id, (_, source, line) in ctx.indexes.proofs.items():
        if run_id not in runs:
            yield Hit(
                "/restore_run_id",
                f"restore run {run_id} does not exist in restore_runs",
                table=PROOFS,
                id=run_id,
                source=source,
                line=line,
            )


@rule("RR405", "Attention value outside its vocabulary", table=PROOFS, reads=("attention",))
def attention_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """primary_next_action and primary_cause_family drive what the surface offers next
    (fields repo-verified, vocabularies assumed and configurable)."""
    attention = row["attention"]
    hits = []
    for name, known in (
        ("primary_next_action", ctx.next_actions),
        ("primary_cause_family", ctx.cause_families),
    ):
        if attention[name] not in known:
            hits.append(
                Hit(
                    f"/attention/{name}",
                    f"{name} is {show(attention[name])}; expected {one_of(known)}",
                )
            )
    return hits


@rule(
    "RR406",
    "Exported operation-run proof state differs from the derivation",
    table=RUNS,
    needs=(PROOFS, OPERATION_RUNS),
    provenance=Provenance.ASSUMED,
    note="the operation-run proof state is not available in the attention contract; "
    "its states and table are assumed",
    reads=EVERY_RUN_COLUMN,
)
def operation_run_proof_matches(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The proof state is read from the linked operation run; an exported one that differs
    would show proof the data does not give."""
    stored = ctx.indexes.proofs.get(row["id"])
    if stored is None:
        return NO_HITS
    proof = stored[0]
    if "operation_run_proof_state" not in proof:
        return NO_HITS
    op_id = row.get("operation_run_id")
    found = ctx.indexes.operation_runs.get(op_id) if op_id is not None else None
    if found is None and op_id in ctx.indexes.ids_of(OPERATION_RUNS):
        return NO_HITS  # the operation run is there but its status or outcome was unreadable
    operation_run = (
        None if found is None else OperationRun.model_construct(status=found[2], outcome=found[3])
    )
    run = RestoreRun.model_validate(row)
    expected = derive_operation_run_proof(run, operation_run, ctx.assumptions).value
    if proof["operation_run_proof_state"] == expected:
        return NO_HITS
    name = "operation_run_proof_state"
    return (_at(row, ctx, f"/{name}", _differs(proof[name], expected, name)),)


@rule(
    "RR407",
    "Exported evidence state differs from the derivation",
    table=RUNS,
    needs=(PROOFS, EVIDENCE),
    provenance=Provenance.ASSUMED,
    note="evidence state not available in the attention contract; evidence from restore "
    "execution deferred; the selection policy (latest_active or latest_any) is the proof row's",
    reads=EVERY_RUN_COLUMN,
)
def evidence_matches(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The evidence state and the selected snapshot follow from the run's operation run's
    snapshots under the view's selection policy; a view that differs shows other evidence
    than the data holds."""
    stored = ctx.indexes.proofs.get(row["id"])
    if stored is None:
        return NO_HITS
    proof = stored[0]
    op_id = row.get("operation_run_id")
    if "evidence_policy" not in proof or op_id in ctx.indexes.unread_snapshots:
        return NO_HITS  # what the view says, or the evidence it derives from, is unreadable
    policy = proof["evidence_policy"]
    if policy not in _POLICIES:
        return (
            _at(
                row,
                ctx,
                "/evidence_policy",
                f"evidence_policy is {show(policy)}; expected {one_of(_POLICIES)}",
            ),
        )
    snapshots = [
        EvidenceSnapshot.model_validate(s) for s in ctx.indexes.snapshots.get(op_id or 0, ())
    ]
    run = RestoreRun.model_validate(row)
    state, chosen = derive_evidence(run, snapshots, ctx.assumptions, EvidencePolicy(policy))
    hits = []
    if "evidence_state" in proof and proof["evidence_state"] != state.value:
        hits.append(
            _at(
                row,
                ctx,
                "/evidence_state",
                _differs(proof["evidence_state"], state.value, "evidence_state"),
            )
        )
    chosen_id = chosen.id if chosen is not None else None
    if "evidence_snapshot_id" in proof and proof["evidence_snapshot_id"] != chosen_id:
        hits.append(
            _at(
                row,
                ctx,
                "/evidence_snapshot_id",
                _differs(proof["evidence_snapshot_id"], chosen_id, "evidence_snapshot_id"),
            )
        )
    return hits


__all__ = (
    "ORPHAN_PROOF",
    "attention_matches",
    "attention_vocabulary",
    "evidence_matches",
    "no_recovery_claim",
    "operation_run_proof_matches",
    "orphan_proofs",
    "tone_follows_state",
)
