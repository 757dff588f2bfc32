"""The world builder: one :class:`Spec` plus a seeded Random in, one consistent World out.

A spec says what a world must show (status, dry run, outcome mix, operation
run, evidence snapshots, dates); the builder fills in everything else from
the world's own Random and the Faker pools, so that every row satisfies the
lifecycle, results, tenancy, operation-run and evidence invariants by
construction. Rows are plain dicts in export encoding; nothing here touches
pydantic, Faker or the clock, because this is the hot path of
``generate --scenario random``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from restore_contracts.generators.clock import (
    DAY,
    EVIDENCE_TABLE_SINCE,
    HOUR,
    OPERATION_RUN_COLUMN_SINCE,
    format_epoch,
)
from restore_contracts.generators.ids import BLOCK_SIZE, MAX_ITEMS, TABLE_SLOTS
from restore_contracts.generators.pools import Pools
from restore_contracts.generators.vocab import (
    BLOCKED_REASONS,
    CANCELLED_ITEM_REASON,
    DRY_RUN_REASONS,
    ENVIRONMENT_KINDS,
    EVIDENCE_SECTIONS,
    FAILURE_MODES,
    FOUNDATION_KINDS,
    FOUNDATION_SKIP_REASONS,
    NON_APPLIED_REASONS,
    PARTIAL_REASONS,
    POLICY_KINDS,
    POLICY_WEIGHTS,
    SAFETY_WARNINGS,
    SKIPPED_REASONS,
    UNICODE_DISPLAY_NAMES,
)
from restore_contracts.generators.world import Row, World

LARGE_RUN = 1000
"""Items from which a run counts as large."""
DST_TRANSITIONS = ("2026-03-29 01:00:00", "2026-10-25 01:00:00")
"""Europe/Berlin's 2026 clock changes, in UTC as the rows store time."""

PRE_EXECUTION = ("draft", "scoped", "checked", "previewed", "pending")
EXECUTION = ("queued", "running")
TERMINAL = ("completed", "partial", "failed", "cancelled")
LEGACY = ("aborted", "completed_with_errors")
ALL_STATUSES = PRE_EXECUTION + EXECUTION + TERMINAL + LEGACY
BASIS_KEYS = ("scope_basis", "check_basis", "preview_basis")
_BASES_BY_STATUS = {"draft": 0, "scoped": 1, "checked": 2}
"""How many links of the basis chain a pre-execution status has (others: all three)."""

MIXES = (
    "clean",
    "follow_up",
    "partial",
    "failed",
    "cancelled_applied",
    "cancelled_none",
    "dry",
    "none",
)
"""Outcome mixes: what the items of an executed run ended as (``none``: results is null)."""

_KIND_TABLE: tuple[int, ...] = tuple(
    index
    for index, weight in enumerate(POLICY_WEIGHTS)
    for _ in range(round(256 * weight / sum(POLICY_WEIGHTS)))
)
"""256-ish entries: a policy-kind index repeated by weight, indexed by 8 random bits."""
_KIND_SPAN = len(_KIND_TABLE)
_ACTIONS = ("update", "update", "update", "update", "update", "create", "create", "no_change")
"""Preview actions indexed by 3 random bits (mostly updates)."""
_BACKUP_SET_NAMES = (
    "Nightly backup {day}",
    "Weekly full backup {day}",
    "Before change window {day}",
    "Manual backup {day}",
)


def _guid_prefixes() -> tuple[str, ...]:
    """4,096 fixed GUID heads (version 4, RFC 4122 variant); a record adds 48 random bits."""
    source = random.Random(0x6F5A)
    heads = []
    for _ in range(4096):
        text = f"{source.getrandbits(80):020x}"
        variant = "89ab"[int(text[16], 16) & 3]
        heads.append(f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{variant}{text[17:20]}-")
    return tuple(heads)


_GUID_HEADS = _guid_prefixes()


@dataclass(slots=True)
class Spec:
    """What one world must show; everything not fixed here is drawn from the world's Random.

    Not frozen only because a frozen dataclass is three times slower to create, and
    random worlds create one each; treat it as immutable.
    """

    status: str
    dry_run: bool = False
    items: int = 6
    """Items the run covers (0 only for runs without results)."""
    extra_set_items: int = 0
    """Items in the backup set that the run did not request (forces a requested_items list)."""
    requested: str = "list"
    """``list`` (requested_items holds the ids) or ``null`` (the whole set)."""
    mix: str = "none"
    failure: str = "forbidden"
    """Key of :data:`FAILURE_MODES` for failed and partial items."""
    operation: tuple[str, str] | None = None
    """(status, outcome) of the linked operation run, or None for no operation run."""
    blocked: bool = False
    """A failed run stopped by the safety check before any item ran (results null)."""
    evidence: tuple[tuple[str, str], ...] = ()
    """(status, completeness_state) of each evidence snapshot, oldest first."""
    started: bool = True
    """False: cancelled while queued (started_at null, results null)."""
    deleted_set: bool = False
    at: int = -2 * DAY
    """created_at: seconds relative to the anchor, or absolute epoch seconds when pinned."""
    pinned: bool = False
    start_gap: int | None = None
    """Fixed seconds from created_at to started_at (the steps between are spread evenly)."""
    unicode: bool = False
    requester: str = "user"
    """``user`` (an id), ``email`` (text) or ``none``."""
    foundations: int = 2
    foundation_skipped: bool = False

    def check(self) -> None:
        """Refuse a spec whose world would break an invariant (a mistake in a scenario)."""
        if self.status not in ALL_STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.mix not in MIXES:
            raise ValueError(f"unknown mix {self.mix!r}")
        executed = self.status in TERMINAL or self.status in LEGACY
        if self.dry_run and (self.status not in ("previewed", "completed") or self.operation):
            raise ValueError("a dry run is previewed or completed and has no operation run")
        if executed and self.mix == "none" and self.started and not self.blocked:
            raise ValueError(f"{self.status} run needs an outcome mix")
        if not executed and self.mix != "none":
            raise ValueError(f"{self.status} run has no results")
        if self.evidence and self.operation is None:
            raise ValueError("evidence snapshots need an operation run")
        if not 0 <= self.items + self.extra_set_items <= MAX_ITEMS:
            raise ValueError(f"at most {MAX_ITEMS} items per world")
        if self.mix == "partial" and self.items < 2:
            raise ValueError("a partial mix needs at least two items")


def guid(rng: random.Random) -> str:
    """A version-4 GUID from 60 bits of the record's Random (never ``uuid4``).

    Formatting 128 random bits costs more than the rest of an item; a fixed
    table of heads picked by 12 bits plus 48 bits of tail keeps 60 bits of
    entropy per id, plenty for ids that need only look real and differ.
    """
    bits = rng.getrandbits(60)
    return _GUID_HEADS[bits & 4095] + "%012x" % (bits >> 12)


def _fingerprint(rng: random.Random) -> str:
    return f"sha256:{rng.getrandbits(256):064x}"


def _requester(rng: random.Random, pools: Pools, kind: str) -> int | str | None:
    if kind == "user":
        return 1 + int(rng.random() * 480)
    if kind == "email":
        return pools.emails[int(rng.random() * len(pools.emails))]
    return None


def _statuses(rng: random.Random, spec: Spec, n: int) -> list[str]:
    """The outcome status of each of ``n`` items under the spec's mix."""
    mix = spec.mix
    rand = rng.random
    if mix == "clean":
        return ["succeeded"] * n
    if mix == "failed":
        return ["failed"] * n
    if mix == "cancelled_none":
        return ["non_applied"] * n
    if mix == "dry":
        return ["skipped" if rand() < 0.3 else "non_applied" for _ in range(n)]
    if mix == "cancelled_applied":
        done = 1 + int(rand() * max(1, n - 1))
        return ["succeeded"] * done + ["non_applied"] * (n - done)
    statuses = ["succeeded"] * n
    if mix == "follow_up":
        # at least one item needs follow-up; positions may repeat, so "at most" count
        for _ in range(1 + int(rand() * max(1, n // 4))):
            statuses[int(rand() * n)] = "skipped" if rand() < 0.5 else "non_applied"
        return statuses
    # partial: at most n - 1 positions change, so one item stays applied; the first fails
    for index in range(min(1 + int(rand() * max(1, n // 2)), n - 1)):
        statuses[int(rand() * n)] = "failed" if index == 0 or rand() < 0.6 else "partial"
    if "failed" not in statuses:
        statuses[statuses.index("partial")] = "failed"
    return statuses


class WorldBuilder:
    """Builds worlds for one (pools, anchor); owns no state between worlds."""

    __slots__ = ("anchor", "pools")

    def __init__(self, pools: Pools, anchor: int) -> None:
        self.pools = pools
        self.anchor = anchor

    def build(self, name: str, block: int, rng: random.Random, spec: Spec) -> World:
        """One world in id block ``block`` (covers are filled in by the caller)."""
        return self.build_keyed(name, block, rng, spec)[0]

    def build_keyed(
        self, name: str, block: int, rng: random.Random, spec: Spec
    ) -> tuple[World, tuple[Any, ...]]:
        """One world and its cover key: every value its derived covers depend on.

        The key holds what :func:`restore_contracts.generators.covers.signature` and
        :func:`~restore_contracts.generators.covers.traits_of` would read back from the
        rows, taken from the builder's own variables, so a cover cache can skip
        re-reading the rows (a test checks the two agree).

        The spec is trusted: catalogue specs are checked when built by name and
        random specs are valid by construction (both are tested).
        """
        pools = self.pools
        fmt = format_epoch
        rand = rng.random
        bits64 = rng.getrandbits
        created = spec.at if spec.pinned else self.anchor + spec.at
        status = spec.status
        dry = spec.dry_run
        executed = status in TERMINAL or status in LEGACY
        in_execution = status in EXECUTION
        if spec.operation is not None and created < OPERATION_RUN_COLUMN_SINCE:
            raise ValueError(f"{name}: runs created before 2026-02-10 have no operation run")
        if spec.evidence and created < EVIDENCE_TABLE_SINCE:
            raise ValueError(f"{name}: runs created before 2026-03-19 have no evidence")

        # --- tenancy -------------------------------------------------------------------------
        n = spec.items
        n_set = n + spec.extra_set_items
        heads = _GUID_HEADS
        # 48-bit GUID tails for every item (identifier, request id) and the tenant,
        # formatted in one go: one big format is cheaper than one per GUID
        tails = f"{bits64(96 * n_set + 48):0{24 * n_set + 12}x}"
        companies = pools.companies
        company, slug = companies[int(rand() * len(companies))]
        base_id = block * BLOCK_SIZE + 1
        ws_id = base_id + TABLE_SLOTS["workspaces"]
        env_id = base_id + TABLE_SLOTS["managed_environments"]
        set_id = base_id + TABLE_SLOTS["backup_sets"]
        run_id = base_id + TABLE_SLOTS["restore_runs"]
        ws_created = created - 30 * DAY - int(rand() * 400 * DAY)
        env_created = ws_created + DAY + int(rand() * 20 * DAY)
        env_created_text = fmt(env_created)
        workspace = {
            "id": ws_id,
            "name": company,
            "slug": f"{slug or 'workspace'}-{block}",
            "created_at": fmt(ws_created),
            "updated_at": env_created_text,
        }
        environment = {
            "id": env_id,
            "workspace_id": ws_id,
            "name": f"{company} {ENVIRONMENT_KINDS[int(rand() * len(ENVIRONMENT_KINDS))]}",
            "tenant_id": heads[int(rand() * 4096)] + tails[-12:],
            "created_at": env_created_text,
            "updated_at": env_created_text,
        }

        # --- timeline of the run ------------------------------------------------------------
        n_bases = _BASES_BY_STATUS.get(status, 3)
        if spec.start_gap is not None:
            step = spec.start_gap // 5
            bases = [created + step, created + 2 * step, created + 3 * step]
            queued_at = created + step * 4
            started_at = created + spec.start_gap
        else:
            scope = created + 20 + int(rand() * 600)
            check = scope + 20 + int(rand() * 600)
            bases = [scope, check, check + 20 + int(rand() * 600)]
            queued_at = bases[2] + 15 + int(rand() * 1800)
            started_at = queued_at + 1 + int(rand() * 90)
        base_texts = [fmt(when) for when in bases[:n_bases]]
        set_completed = created - HOUR - int(rand() * 20 * DAY)
        set_created = set_completed - 60 - int(rand() * 1500)
        # Items are captured while the backup runs; four capture instants are enough to look
        # real and save formatting a timestamp per item.
        set_created_text = fmt(set_created)
        set_completed_text = fmt(set_completed)
        capture_step = (set_completed - set_created) // 3
        captured_texts = (
            set_created_text,
            fmt(set_created + capture_step),
            fmt(set_created + 2 * capture_step),
            set_completed_text,
        )

        # --- backup set, items, preview and results in one pass -----------------------------
        requester = _requester(rng, pools, spec.requester)
        policy_names = pools.policy_names
        unicode_names = UNICODE_DISPLAY_NAMES
        first_item = base_id + TABLE_SLOTS["backup_items"]
        item_keys = list(map(str, range(first_item, first_item + n)))
        unicode = spec.unicode
        mode = FAILURE_MODES[spec.failure]
        http_status = mode.http_status
        item_reasons = mode.item_reasons
        counts = {"succeeded": 0, "failed": 0, "skipped": 0, "partial": 0, "non_applied": 0}
        foundations_skipped = 0
        duration_total = 0
        has_results = executed and spec.started and not spec.blocked
        statuses = _statuses(rng, spec, n) if has_results else []
        cancelled = spec.mix in ("cancelled_applied", "cancelled_none")
        preview_items: dict[str, Row] | None = {} if n_bases == 3 else None
        items: dict[str, Row] | None = {} if has_results else None
        item_rows: list[Row] = []
        ascii_names = True
        # The run covers the first n items of the set; the rest exist but were not requested.
        for position in range(n_set):
            # One 80-bit draw feeds every per-item choice: cheaper than eight Random calls.
            bits = bits64(80)
            offset = 24 * position
            kind_index = _KIND_TABLE[(bits & 255) * _KIND_SPAN >> 8]
            kind = POLICY_KINDS[kind_index]
            policy_type = kind.policy_type
            if unicode and not position & 1:
                display = unicode_names[(position >> 1) % len(unicode_names)]
            else:
                choices = policy_names[kind_index]
                display = choices[(bits >> 8 & 255) % len(choices)]
            ascii_names = ascii_names and display.isascii()
            identifier = heads[bits >> 56 & 4095] + tails[offset : offset + 12]
            item_id = first_item + position
            item_rows.append(
                {
                    "id": item_id,
                    "backup_set_id": set_id,
                    "policy_identifier": identifier,
                    "policy_type": policy_type,
                    "display_name": display,
                    "platform": kind.platform,
                    "payload": {
                        "@odata.type": kind.odata_type,
                        "id": identifier,
                        "displayName": display,
                        "roleScopeTagIds": ["0"],
                        "version": 1 + (bits >> 19 & 7),
                    },
                    "captured_at": captured_texts[bits >> 22 & 3],
                    "created_at": set_created_text,
                    "updated_at": set_created_text,
                }
            )
            if position >= n:
                continue
            key = item_keys[position]
            if preview_items is not None:
                preview_items[key] = {
                    "action": _ACTIONS[bits >> 16 & 7],
                    "policy_type": policy_type,
                    "display_name": display,
                }
            if items is None:
                continue
            outcome = statuses[position]
            counts[outcome] += 1
            duration = 150 + (bits >> 24 & 2047)
            reason = None
            http = None
            request_id: str | None = heads[bits >> 68 & 4095] + tails[offset + 12 : offset + 24]
            if outcome != "succeeded":
                pick = bits >> 35 & 1
                if outcome == "failed":
                    http = http_status
                    reason = item_reasons[pick]
                    if "{retry}" in reason:
                        reason = reason.format(retry=5 + (bits >> 36 & 127))
                    duration += 1000 + (bits >> 43 & 8191)
                elif outcome == "partial":
                    reason = PARTIAL_REASONS[pick]
                elif outcome == "skipped":
                    reason = SKIPPED_REASONS[pick]
                elif dry:
                    reason = DRY_RUN_REASONS[pick]
                elif cancelled:
                    reason = CANCELLED_ITEM_REASON
                    duration = 0
                    request_id = None
                else:
                    reason = NON_APPLIED_REASONS[pick]
            duration_total += duration
            items[key] = {
                "status": outcome,
                "policy_type": policy_type,
                "display_name": display,
                "policy_identifier": identifier,
                "reason": reason,
                "http_status": http,
                "graph_request_id": request_id,
                "duration_ms": duration,
            }

        preview = None
        if preview_items is not None:
            preview = {"generated_at": base_texts[2], "items": preview_items}

        results = None
        if items is not None:
            foundations = []
            n_found = max(spec.foundations, 1 if spec.foundation_skipped else 0)
            for index in range(n_found):
                k = int(rand() * len(FOUNDATION_KINDS))
                kind_name = FOUNDATION_KINDS[k][0]
                skipped = spec.foundation_skipped and index == 0
                decision = "skipped" if skipped else ("created", "mapped_existing")[index & 1]
                foundations_skipped += skipped
                tag = kind_name == "scopeTag"
                source = str(1 + int(rand() * 40)) if tag else guid(rng)
                target = None
                if not skipped:
                    target = str(41 + int(rand() * 40)) if tag else guid(rng)
                found_names = pools.foundation_names[k]
                foundations.append(
                    {
                        "type": kind_name,
                        "source_id": source,
                        "source_name": found_names[int(rand() * len(found_names))],
                        "target_id": target,
                        "decision": decision,
                        "reason": FOUNDATION_SKIP_REASONS[index & 1] if skipped else None,
                    }
                )
            results = {"foundations": foundations, "items": items}

        # --- lifecycle timestamps -----------------------------------------------------------
        run_started: int | None = None
        run_completed: int | None = None
        if status == "running":
            run_started = started_at
        elif executed:
            if spec.started:
                run_started = started_at
                run_completed = started_at + 2 + duration_total // 1000 + int(rand() * 30)
            else:
                run_completed = queued_at + 60 + int(rand() * 3 * HOUR)
        last = run_completed or run_started or (queued_at if in_execution else None)
        if last is None:
            last = bases[n_bases - 1] if n_bases else created + 5 + int(rand() * 300)
        updated = last + int(rand() * 5)
        updated_text = fmt(updated)
        started_text = fmt(run_started) if run_started is not None else None
        completed_text = fmt(run_completed) if run_completed is not None else None
        queued_text = fmt(queued_at) if executed or in_execution else None

        # --- metadata -----------------------------------------------------------------------
        metadata: Row | None = None
        if n_bases:
            metadata = {}
            if results is not None:
                metadata["total"] = n
                metadata.update(counts)
                metadata["foundations_skipped"] = foundations_skipped
            fingerprints = f"{rng.getrandbits(768):0192x}"
            for index, when in enumerate(base_texts[:n_bases]):
                key = BASIS_KEYS[index]
                metadata[key] = {
                    "fingerprint": "sha256:" + fingerprints[index * 64 : index * 64 + 64],
                    "recorded_at": when,
                    "item_count": n,
                }
            if not dry and (executed or in_execution):
                warnings = [] if rand() < 0.7 else [SAFETY_WARNINGS[int(rand() * 3)]]
                if spec.blocked:
                    warnings = [BLOCKED_REASONS[0]]
                metadata["execution_safety_snapshot"] = {
                    "captured_at": queued_text,
                    "checks_passed": not spec.blocked,
                    "warnings": warnings,
                }

        failure_reason = None
        if status == "failed":
            if spec.blocked:
                failure_reason = BLOCKED_REASONS[int(rand() * len(BLOCKED_REASONS))]
            else:
                failure_reason = mode.run_reason.format(failed=counts["failed"], total=n)

        # --- operation run ------------------------------------------------------------------
        op_rows: list[Row] = []
        op_id = None
        if spec.operation is not None:
            op_status, op_outcome = spec.operation
            op_id = base_id + TABLE_SLOTS["operation_runs"]
            failures = counts["failed"] + counts["partial"]
            failure_summary: list[Row] | None = None
            if op_status == "completed":
                failure_summary = []
                if spec.blocked and failure_reason:
                    failure_summary.append(
                        {"reason_code": "restore.blocked", "message": failure_reason, "count": 1}
                    )
                elif failures:
                    failure_summary.append(
                        {
                            "reason_code": mode.operation_code,
                            "message": mode.item_reasons[0].replace("{retry}", "60"),
                            "count": failures,
                        }
                    )
            processed = n - counts["non_applied"] if results is not None else 0
            if status == "running":
                processed = int(rand() * (n + 1))
            op_rows.append(
                {
                    "id": op_id,
                    "workspace_id": ws_id,
                    "managed_environment_id": env_id,
                    "user_id": requester if isinstance(requester, int) else None,
                    "type": "restore.execute",
                    "status": op_status,
                    "outcome": op_outcome,
                    "summary_counts": {
                        "total": n,
                        "processed": processed,
                        "succeeded": counts["succeeded"],
                        "failed": counts["failed"],
                        "skipped": counts["skipped"] + counts["non_applied"],
                    },
                    "failure_summary": failure_summary,
                    "context": {
                        "restore_run_id": run_id,
                        "backup_set_id": set_id,
                        "item_count": n,
                        "source": "restore_run",
                    },
                    "started_at": started_text,
                    "completed_at": completed_text,
                    "created_at": queued_text,
                    "updated_at": updated_text,
                }
            )

        # --- evidence snapshots -------------------------------------------------------------
        evidence_rows: list[Row] = []
        t = (run_completed or updated) + 30 + int(rand() * 600)
        for position, (ev_status, completeness) in enumerate(spec.evidence):
            generated = None
            if ev_status not in ("queued", "generating", "failed"):
                generated = t + 20 + int(rand() * 300)
            expires = None
            if generated is not None:
                expires = generated + (30 if ev_status == "expired" else 90) * DAY
            last_touch = generated or t + 5
            if ev_status in ("superseded", "expired"):
                last_touch += DAY
            summary = None
            if generated is not None:
                captured = n if completeness == "complete" else n // 2
                if completeness == "missing":
                    captured = 0
                summary = {
                    "restore_run_id": run_id,
                    "sections": list(EVIDENCE_SECTIONS[: 2 + int(rand() * 3)]),
                    "items_expected": n,
                    "items_captured": captured,
                    "checksum": _fingerprint(rng),
                }
            evidence_rows.append(
                {
                    "id": base_id + TABLE_SLOTS["evidence_snapshots"] + position,
                    "workspace_id": ws_id,
                    "managed_environment_id": env_id,
                    "operation_run_id": op_id,
                    "status": ev_status,
                    "completeness_state": completeness,
                    "generated_at": fmt(generated) if generated is not None else None,
                    "expires_at": fmt(expires) if expires is not None else None,
                    "summary": summary,
                    "created_at": fmt(t),
                    "updated_at": fmt(last_touch),
                }
            )
            t += 6 * HOUR + int(rand() * 2 * DAY)

        deleted_at = None
        if spec.deleted_set:
            deleted_at = fmt(max(updated, t) + DAY + int(rand() * 5 * DAY))
        backup_set = {
            "id": set_id,
            "workspace_id": ws_id,
            "managed_environment_id": env_id,
            "name": _BACKUP_SET_NAMES[int(rand() * 4)].format(day=set_created_text[:10]),
            "status": "completed",
            "item_count": n_set,
            "created_by": _requester(rng, pools, "user" if rand() < 0.5 else "email"),
            "completed_at": set_completed_text,
            "created_at": set_created_text,
            "updated_at": deleted_at or set_completed_text,
            "deleted_at": deleted_at,
        }

        requested_items = None
        if spec.requested == "list" or spec.extra_set_items:
            requested_items = list(range(first_item, first_item + n))
        run = {
            "id": run_id,
            "managed_environment_id": env_id,
            "workspace_id": ws_id,
            "backup_set_id": set_id,
            "requested_by": requester,
            "is_dry_run": dry,
            "status": status,
            "requested_items": requested_items,
            "preview": preview,
            "results": results,
            "metadata": metadata,
            "failure_reason": failure_reason,
            "started_at": started_text,
            "completed_at": completed_text,
            "operation_run_id": op_id,
            "created_at": fmt(created),
            "updated_at": updated_text,
        }
        world = World(
            name=name,
            tables={
                "workspaces": [workspace],
                "managed_environments": [environment],
                "backup_sets": [backup_set],
                "backup_items": item_rows,
                "operation_runs": op_rows,
                "restore_runs": [run],
                "evidence_snapshots": evidence_rows,
            },
        )
        traits = []
        if dry:
            traits.append("dry_run")
        if deleted_at is not None:
            traits.append("soft_deleted_backup_set")
        if created < OPERATION_RUN_COLUMN_SINCE:
            traits.append("created_before_operation_run_column")
        elif executed and not dry and op_id is None:
            traits.append("executed_without_operation_run")
        if run_started is None and status in ("cancelled", "aborted"):
            traits.append("cancelled_while_queued")
        if requested_items is None:
            traits.append("whole_set_requested")
        elif n < n_set:
            traits.append("requested_subset")
        if requester is None:
            traits.append("requested_by_null")
        elif isinstance(requester, str):
            traits.append("requested_by_text")
        if n_set >= LARGE_RUN:
            traits.append("large_run")
        if not ascii_names:
            traits.append("unicode_display_names")
        if (
            started_text
            and completed_text
            and any(started_text < t <= completed_text for t in DST_TRANSITIONS)
        ):
            traits.append("dst_boundary")
        if op_id is not None and len(evidence_rows) > 1:
            traits.append("several_evidence_snapshots")
        unclean = n - counts["succeeded"] + foundations_skipped if results is not None else 0
        applied = counts["succeeded"] + counts["partial"]
        cover_key = (
            status,
            dry,
            applied > 0,
            unclean > 0,
            op_id is None,
            spec.operation,
            spec.evidence if op_id is not None else (),
            tuple(traits),
        )
        return world, cover_key


__all__ = (
    "ALL_STATUSES",
    "BASIS_KEYS",
    "EXECUTION",
    "LEGACY",
    "MIXES",
    "PRE_EXECUTION",
    "TERMINAL",
    "Spec",
    "WorldBuilder",
    "guid",
)
