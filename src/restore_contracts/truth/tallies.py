"""Tallies of the assumptions the truth report measures: vocabularies and derivation rows.

Each assumed vocabulary is held against the values the data actually carries
(how many fall outside, which, with example row ids); each derivation table
counts how many runs each of its rows decided, and how many reached a
catch-all row because no specific row matched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from restore_contracts.config import Assumptions
from restore_contracts.contracts import EvidenceSnapshot, OperationRun, RestoreRun
from restore_contracts.derivations import FIELD_TABLES, Decided, DerivedView, derivation_tables
from restore_contracts.derivations.plain import TABLES
from restore_contracts.truth._stats import share
from restore_contracts.validators.findings import show

VOCABULARIES: dict[str, str] = {
    "item_outcome_statuses": "restore_runs.results.items.*.status",
    "foundation_decisions": "restore_runs.results.foundations[].decision",
    "preview_actions": "restore_runs.preview.items.*.action",
    "operation_run_statuses": "operation_runs.status",
    "operation_run_outcomes": "operation_runs.outcome",
    "evidence_statuses": "evidence_snapshots.status",
    "completeness_states": "evidence_snapshots.completeness_state",
    "next_actions": "restore_run_proofs.attention.primary_next_action",
    "cause_families": "restore_run_proofs.attention.primary_cause_family",
    "tone_vocabulary": "restore_run_proofs.attention.tone",
    "recovery_claim_boundaries": "restore_run_proofs.attention.recovery_claim_boundary",
}
"""Assumed vocabulary -> where its values are persisted (the attention ones only in an
exported derived view, restore_run_proofs)."""

FALLBACK_ROWS: dict[str, frozenset[str]] = {
    "attention_cause_family": frozenset({"F6", "F10"}),
    "operation_run_proof": frozenset({"P5"}),
    "evidence": frozenset({"E4"}),
}
"""Catch-all rows: a run they decide matched no specific row of its table."""

_RUN_VOCABULARIES = ("item_outcome_statuses", "foundation_decisions", "preview_actions")

MAX_OUTSIDE_VALUES = 100
"""Distinct values outside a vocabulary tracked one by one; the rest are counted together, so
memory stays bounded whatever the data holds."""
OTHER_VALUES = "(other values)"

_PROOF_ATTENTION = {
    "next_actions": "primary_next_action",
    "cause_families": "primary_cause_family",
    "tone_vocabulary": "tone",
    "recovery_claim_boundaries": "recovery_claim_boundary",
}


def _key(value: Any) -> str:
    return value if isinstance(value, str) else show(value)


@dataclass(slots=True)
class VocabularyTally:
    """Values seen per vocabulary, and example row ids of those outside it."""

    limit: int
    seen: dict[str, Counter[str]] = field(default_factory=dict)
    examples: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    """Tables that were read for some vocabulary."""
    bulk: Counter[tuple[tuple[Any, ...], ...]] = field(default_factory=Counter)
    """Runs whose item statuses, foundation decisions and preview actions are all inside
    their vocabularies, by those values (added up by :meth:`report`)."""

    def add(self, name: str, value: Any, row_id: Any, known: tuple[str, ...]) -> None:
        """Count one value of a vocabulary (null means the key is absent: not counted)."""
        if value is None:
            return
        seen = self.seen.get(name)
        if seen is None:
            seen = self.seen[name] = Counter()
        if isinstance(value, str) and value in known:
            seen[value] += 1
            return
        text = _key(value)
        if text not in seen:
            distinct = sum(1 for v in seen if v not in known)
            if distinct >= MAX_OUTSIDE_VALUES:
                text = OTHER_VALUES
        seen[text] += 1
        kept = self.examples.setdefault(name, {}).setdefault(text, [])
        if len(kept) < self.limit and row_id not in kept:
            kept.append(row_id)

    def observe_run_row(
        self, row: dict[str, Any], a: Assumptions, inside: Mapping[str, frozenset[str]]
    ) -> None:
        """:meth:`observe_run` of a run's plain row (as the validation engine reads it);
        ``inside`` maps each vocabulary name to its values as a set. A run whose values are
        all inside is only counted with the runs holding the same values (:attr:`bulk`)."""
        self.sources.add("restore_runs")
        statuses: list[Any] = []
        decisions: list[Any] = []
        actions: list[Any] = []
        results = row.get("results")
        if results is not None:
            items = results.get("items")
            if items:
                statuses = [outcome.get("status") for outcome in items.values()]
            foundations = results.get("foundations")
            if foundations:
                decisions = [entry.get("decision") for entry in foundations]
        preview = row.get("preview")
        if preview is not None:
            planned = preview.get("items")
            if planned:
                actions = [item.get("action") for item in planned.values()]
        if (
            inside["item_outcome_statuses"].issuperset(statuses)
            and inside["foundation_decisions"].issuperset(decisions)
            and inside["preview_actions"].issuperset(actions)
        ):
            self.bulk[tuple(statuses), tuple(decisions), tuple(actions)] += 1
            return
        row_id = row["id"]
        for name, values in (
            ("item_outcome_statuses", statuses),
            ("foundation_decisions", decisions),
            ("preview_actions", actions),
        ):
            known: tuple[str, ...] = getattr(a, name)
            for value in values:
                self.add(name, value, row_id, known)

    def _fold(self) -> None:
        """Add the runs counted in :attr:`bulk` to the values seen."""
        for values, runs in self.bulk.items():
            for name, seen_values in zip(_RUN_VOCABULARIES, values, strict=True):
                if not seen_values:
                    continue
                seen = self.seen.setdefault(name, Counter())
                for value in seen_values:
                    seen[value] += runs
        self.bulk.clear()

    def observe_run(self, run: RestoreRun, a: Assumptions) -> None:
        """The item statuses, foundation decisions and preview actions of one run."""
        self.sources.add("restore_runs")
        if run.results is not None:
            for outcome in run.results.items.values():
                self.add("item_outcome_statuses", outcome.status, run.id, a.item_outcome_statuses)
            for entry in run.results.foundations:
                self.add("foundation_decisions", entry.decision, run.id, a.foundation_decisions)
        if run.preview is not None:
            for item in run.preview.items.values():
                self.add("preview_actions", item.action, run.id, a.preview_actions)

    def observe_operation_run(self, row: OperationRun, a: Assumptions) -> None:
        """Status and outcome of one operation run."""
        self.sources.add("operation_runs")
        self.add("operation_run_statuses", row.status, row.id, a.operation_run_statuses)
        self.add("operation_run_outcomes", row.outcome, row.id, a.operation_run_outcomes)

    def observe_snapshot(self, row: EvidenceSnapshot, a: Assumptions) -> None:
        """Status and completeness of one evidence snapshot."""
        self.sources.add("evidence_snapshots")
        self.add("evidence_statuses", row.status, row.id, a.evidence_statuses)
        self.add("completeness_states", row.completeness_state, row.id, a.completeness_states)

    def observe_proof(self, data: dict[str, Any], a: Assumptions) -> None:
        """The attention vocabularies of one exported derived view (a raw row)."""
        self.sources.add("restore_run_proofs")
        attention = data.get("attention")
        if not isinstance(attention, dict):
            return
        for name, key in _PROOF_ATTENTION.items():
            known: tuple[str, ...] = getattr(a, name)
            self.add(name, attention.get(key), data.get("restore_run_id"), known)

    def report(self, a: Assumptions) -> list[dict[str, Any]]:
        """One entry per assumed vocabulary: values seen, inside, share, and those outside."""
        self._fold()
        entries = []
        for name, where in VOCABULARIES.items():
            table = where.split(".")[0]
            known: tuple[str, ...] = getattr(a, name)
            if table not in self.sources:
                entries.append(
                    {
                        "vocabulary": name,
                        "where": where,
                        "values": 0,
                        "inside": 0,
                        "share": None,
                        "outside": {},
                        "skipped": f"needs {table}, not in the input",
                    }
                )
                continue
            seen = self.seen.get(name, Counter())
            total = sum(seen.values())
            outside = {
                value: {"count": n, "examples": self.examples.get(name, {}).get(value, [])}
                for value, n in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))
                if value not in known
            }
            inside = total - sum(n for value, n in seen.items() if value not in known)
            entries.append(
                {
                    "vocabulary": name,
                    "where": where,
                    "values": total,
                    "inside": inside,
                    "share": share(inside, total),
                    "outside": outside,
                }
            )
        return entries


@dataclass(slots=True)
class DerivationTally:
    """How many runs each derivation row decided (or fed), per table."""

    limit: int
    decided: dict[str, Counter[str]] = field(default_factory=dict)
    runs: Counter[str] = field(default_factory=Counter)
    fallback_examples: dict[str, list[int]] = field(default_factory=dict)
    signatures: Counter[tuple[Any, ...]] = field(default_factory=Counter)
    """Runs by the rows that decided their tables (``rule, via`` per table, see
    :meth:`restore_contracts.derivations.plain.PlainDeriver.signature`), added up by
    :meth:`report`."""

    def _count(self, table: str, decided: Decided[Any], run_id: int) -> None:
        self._rows(table, decided.rule, decided.via, run_id)

    def _rows(self, table: str, rule: str, via: tuple[str, ...], run_id: int) -> None:
        counter = self.decided.get(table)
        if counter is None:
            counter = self.decided[table] = Counter()
        self.runs[table] += 1
        counter[rule] += 1
        for row in via:
            if row != rule:
                counter[row] += 1
        if rule in FALLBACK_ROWS.get(table, ()):
            kept = self.fallback_examples.setdefault(table, [])
            if len(kept) < self.limit:
                kept.append(run_id)

    def observe_fallbacks(self, run_id: int, rows: tuple[Any, ...]) -> None:
        """Keep ``run_id`` as an example of each catch-all row among the rows that decided
        its tables (``rule, via`` per table, see
        :meth:`restore_contracts.derivations.plain.PlainDeriver.signature`); the runs
        themselves are counted in :attr:`signatures`."""
        for index in range(len(rows) // 2):
            table = TABLES[index]
            if rows[2 * index] in FALLBACK_ROWS.get(table, ()):
                self._example(table, run_id)

    def _example(self, table: str, run_id: int) -> None:
        kept = self.fallback_examples.setdefault(table, [])
        if len(kept) < self.limit:
            kept.append(run_id)

    def _fold(self) -> None:
        """Add the runs counted by signature to the rows of each table."""
        for rows, runs in self.signatures.items():
            for index in range(len(rows) // 2):
                table = TABLES[index]
                rule, via = rows[2 * index], rows[2 * index + 1]
                counter = self.decided.setdefault(table, Counter())
                self.runs[table] += runs
                counter[rule] += runs
                for row in via:
                    if row != rule:
                        counter[row] += runs
        self.signatures.clear()

    def observe(self, run_id: int, view: DerivedView, policy: Any) -> None:
        """Count the rows that decided one run's view (evidence under ``policy``)."""
        self._count("decision_state", view.decision_state, run_id)
        self._count("counts", view.counts, run_id)
        for name, decided in view.attention.items():
            self._count(FIELD_TABLES[name], decided, run_id)
        self._count("operation_run_proof", view.operation_run_proof, run_id)
        if policy in view.evidence:
            self._count("evidence", view.evidence[policy].state, run_id)

    def report(self, a: Assumptions) -> list[dict[str, Any]]:
        """One entry per table: every row with the runs it decided, and the catch-all count."""
        self._fold()
        entries = []
        for table, rows in derivation_tables(a).items():
            counter = self.decided.get(table, Counter())
            fallbacks = FALLBACK_ROWS.get(table, frozenset())
            no_row = sum(counter[r] for r in fallbacks)
            runs = self.runs[table]
            entries.append(
                {
                    "table": table,
                    "runs": runs,
                    "rows": [
                        {
                            "rule": r.rule,
                            "then": r.then,
                            "provenance": r.provenance.value,
                            "decided": counter[r.rule],
                            "share": share(counter[r.rule], runs),
                        }
                        for r in rows
                    ],
                    "no_specific_row": {
                        "count": no_row,
                        "examples": self.fallback_examples.get(table, []),
                    },
                }
            )
        return entries


__all__ = (
    "FALLBACK_ROWS",
    "MAX_OUTSIDE_VALUES",
    "OTHER_VALUES",
    "VOCABULARIES",
    "DerivationTally",
    "VocabularyTally",
)
