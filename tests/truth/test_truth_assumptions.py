"""Hold rates, vocabularies, derivation rows and question 2, exact on hand-built data."""

from __future__ import annotations

from datetime import date
from typing import Any

from restore_contracts.config import Assumptions
from restore_contracts.truth import render_markdown, truth_report
from restore_contracts.truth._stats import percent, share
from restore_contracts.truth.holds import hold_rates
from restore_contracts.truth.tallies import MAX_OUTSIDE_VALUES, OTHER_VALUES, VocabularyTally
from tests.truth.test_truth_known import TENANT, MemorySource, restore_run

DAY = date(2026, 11, 28)


def failed(id: int, **extra: Any) -> dict[str, Any]:
    """A failed run that started and ended (timestamps in order)."""
    return restore_run(
        id,
        "failed",
        "2026-04-01 09:00:00",
        started_at="2026-04-01 09:01:00",
        completed_at="2026-04-01 09:02:00",
        **extra,
    )


def holds_of(tables: dict[str, list[dict[str, Any]]], code: str) -> dict[str, Any]:
    """The hold-rate entry of one rule."""
    return next(r for r in hold_rates(MemorySource(tables), Assumptions()) if r["code"] == code)


def snapshot(id: int, op: int, status: str, generated: str, **extra: Any) -> dict[str, Any]:
    """An evidence snapshot of operation run ``op``."""
    return {
        "id": id,
        "operation_run_id": op,
        "status": status,
        "completeness_state": "complete",
        "generated_at": generated,
        **TENANT,
        **extra,
    }


class TestHoldRatesApply:
    """A rule's hold rate counts only the rows it applies to."""

    def test_rr208_counts_failed_runs_only(self) -> None:
        """Failed runs without failure_reason read 0% of 3 failed runs, not 10 of 13 runs."""
        tables = {
            "restore_runs": [failed(i) for i in (1, 2, 3)]
            + [restore_run(i, "draft", "2026-04-01 09:00:00") for i in range(4, 14)]
        }
        assert holds_of(tables, "RR208") == {
            "code": "RR208",
            "title": "Failed run without failure_reason",
            "applied": 3,
            "held": 0,
            "share": 0.0,
        }

    def test_rr208_partly_held(self) -> None:
        """One of three failed runs with a reason holds 33.3%."""
        tables = {"restore_runs": [failed(1, failure_reason="403"), failed(2), failed(3)]}
        assert tuple(holds_of(tables, "RR208")[k] for k in ("applied", "held", "share")) == (
            3,
            1,
            0.333,
        )

    def test_rows_whose_inputs_cannot_be_read_are_not_counted(self) -> None:
        """A row is counted for a rule when the columns the rule reads could be read, as the
        engine runs it: a failed run missing other columns still counts for RR208, one whose
        failure_reason cannot be read does not."""
        unreadable = {**failed(3), "failure_reason": {"not": "text"}}
        tables = {"restore_runs": [failed(1), {"id": 2, "status": "failed"}, unreadable]}
        assert tuple(holds_of(tables, "RR208")[k] for k in ("applied", "held")) == (2, 0)


class TestVocabularies:
    """Every assumed vocabulary is held against the values the data carries."""

    def test_values_outside_with_counts_and_examples(self) -> None:
        """Two unknown item statuses in two runs, one unknown outcome, one unknown tone."""
        results = {
            "foundations": [],
            "items": {"101": {"status": "succeeded"}, "102": {"status": "restored"}},
        }
        op = {"type": "restore.execute", "status": "completed", **TENANT}
        tables = {
            "operation_runs": [
                {"id": 10, "outcome": "exploded", **op},
                {"id": 11, "outcome": "failed", **op},
            ],
            "restore_runs": [
                restore_run(1, "completed", "2026-04-01 09:00:00", results=results),
                restore_run(2, "completed", "2026-04-01 09:00:00", results=results),
            ],
            "restore_run_proofs": [
                {
                    "restore_run_id": 1,
                    "attention": {"tone": "purple", "primary_next_action": "review_failure"},
                },
            ],
        }
        report = truth_report(MemorySource(tables), Assumptions(), report_date=DAY, examples=5)
        entries = {
            v["vocabulary"]: v for v in report["questions"]["vocabulary_hold_rates"]["vocabularies"]
        }
        assert entries["item_outcome_statuses"] == {
            "vocabulary": "item_outcome_statuses",
            "where": "restore_runs.results.items.*.status",
            "values": 4,
            "inside": 2,
            "share": 0.5,
            "outside": {"restored": {"count": 2, "examples": [1, 2]}},
        }
        assert (
            entries["operation_run_outcomes"]["outside"],
            entries["operation_run_outcomes"]["share"],
        ) == ({"exploded": {"count": 1, "examples": [10]}}, 0.5)
        assert entries["tone_vocabulary"]["outside"] == {"purple": {"count": 1, "examples": [1]}}
        assert (entries["next_actions"]["values"], entries["next_actions"]["inside"]) == (1, 1)
        assert entries["evidence_statuses"] == {
            "vocabulary": "evidence_statuses",
            "where": "evidence_snapshots.status",
            "values": 0,
            "inside": 0,
            "share": None,
            "outside": {},
            "skipped": "needs evidence_snapshots, not in the input",
        }
        assert report["questions"]["vocabulary_hold_rates"]["verdict"] == (
            "3 vocabulary(ies) broken somewhere: item_outcome_statuses, operation_run_outcomes, "
            "tone_vocabulary"
        )


class TestDerivationRows:
    """How many runs each derivation row decided, and which reached a catch-all row."""

    def test_rows_decided_and_catch_all(self) -> None:
        """Two linked runs (one to an operation run in an unknown status), one unlinked."""
        op = {"type": "restore.execute", **TENANT}
        tables = {
            "operation_runs": [
                {"id": 10, "status": "completed", "outcome": "succeeded", **op},
                {"id": 11, "status": "paused", "outcome": "pending", **op},
            ],
            "restore_runs": [
                restore_run(1, "completed", "2026-04-01 09:00:00", operation_run_id=10),
                restore_run(2, "running", "2026-04-01 09:00:00", operation_run_id=11),
                restore_run(3, "draft", "2026-04-01 09:00:00", is_dry_run=True),
            ],
        }
        report = truth_report(MemorySource(tables), Assumptions(), report_date=DAY)
        answer = report["questions"]["derivation_rows"]
        proof = next(t for t in answer["tables"] if t["table"] == "operation_run_proof")
        decided = {r["rule"]: r["decided"] for r in proof["rows"] if r["decided"]}
        assert (
            decided,
            proof["no_specific_row"],
            proof["runs"],
        ) == ({"P1": 1, "P.succeeded": 1, "P5": 1}, {"count": 1, "examples": [2]}, 3)
        decision = next(t for t in answer["tables"] if t["table"] == "decision_state")
        assert {r["rule"]: r["decided"] for r in decision["rows"] if r["decided"]} == {
            "D1": 1,
            "D.completed": 1,
            "D.running": 1,
        }
        assert answer["verdict"] == "1 decision(s) fell to a catch-all row"
        assert "evidence" not in {t["table"] for t in answer["tables"] if t["runs"]}


class TestQuestionTwo:
    """Per policy what the page would show, how often they differ, sequences, a data verdict."""

    op = {"type": "restore.execute", "status": "completed", "outcome": "succeeded", **TENANT}

    def answer(self, snapshots: list[dict[str, Any]]) -> dict[str, Any]:
        """Question 2 over operation runs 10 and 11 and the given snapshots."""
        tables = {
            "operation_runs": [{"id": 10, **self.op}, {"id": 11, **self.op}],
            "evidence_snapshots": snapshots,
            "restore_runs": [],
        }
        report = truth_report(MemorySource(tables), Assumptions(), report_date=DAY)
        answer: dict[str, Any] = report["questions"]["multiple_snapshots"]
        return answer

    def test_no_active_snapshot_favours_latest_any(self) -> None:
        """Where no snapshot is active, latest_active would show nothing: the data says latest_any."""
        answer = self.answer(
            [
                snapshot(1, 10, "superseded", "2026-04-01 10:00:00"),
                snapshot(2, 10, "superseded", "2026-04-02 10:00:00"),
                snapshot(3, 11, "active", "2026-04-01 10:00:00"),
                snapshot(4, 11, "active", "2026-04-02 10:00:00"),
            ]
        )
        assert answer == {
            "verdict": "latest_any: they differ for 1 of 2 (50.0%), each time no snapshot is "
            "active, so latest_active would show no evidence at all",
            "operation_runs_with_snapshots": 2,
            "with_several": 2,
            "policies_disagree": 1,
            "share": 0.5,
            "detail_page_shows": {
                "latest_active": {
                    "complete": {"count": 1, "share": 0.5},
                    "none": {"count": 1, "share": 0.5},
                },
                "latest_any": {"complete": {"count": 2, "share": 1.0}},
            },
            "when_disagreeing": {"latest_active_shows_nothing": 1, "latest_active_hides_newer": {}},
            "status_sequences": {
                "active -> active": {"count": 1, "share": 0.5},
                "superseded -> superseded": {"count": 1, "share": 0.5},
            },
            "examples": {"operation_run_ids": [10]},
            "question": "With several snapshots for one operation run, which one should be "
            "linked (latest active or latest any)?",
        }

    def test_mixed_evidence_is_not_settled(self) -> None:
        """One run without an active snapshot, one whose active one hides a newer failed one."""
        answer = self.answer(
            [
                snapshot(1, 10, "generating", "2026-04-01 10:00:00"),
                snapshot(2, 10, "failed", "2026-04-02 10:00:00"),
                snapshot(3, 11, "active", "2026-04-01 10:00:00"),
                snapshot(4, 11, "failed", "2026-04-02 10:00:00"),
            ]
        )
        assert answer["verdict"] == (
            "not settled by the data: they differ for 2 of 2 (100.0%); 1 with no active "
            "snapshot (latest_active shows none); 1 where an older active one hides a newer "
            "(unavailable 1)"
        )
        assert answer["status_sequences"] == {
            "generating -> failed": {"count": 1, "share": 0.5},
            "active -> failed": {"count": 1, "share": 0.5},
        }

    def test_same_snapshot_either_policy(self) -> None:
        """When the newest snapshot is the active one everywhere, either policy does."""
        answer = self.answer(
            [
                snapshot(1, 10, "superseded", "2026-04-01 10:00:00"),
                snapshot(2, 10, "active", "2026-04-02 10:00:00"),
            ]
        )
        assert (
            answer["verdict"],
            answer["policies_disagree"],
            answer["share"],
        ) == ("either: both policies select the same snapshot for all 1", 0, 0.0)

    def test_single_snapshots_give_no_data(self) -> None:
        """No operation run has two snapshots: nothing to decide between."""
        answer = self.answer([snapshot(1, 10, "active", "2026-04-01 10:00:00")])
        assert (
            answer["verdict"],
            answer["share"],
        ) == ("no data: no operation run has more than one snapshot", None)


class TestRounding:
    """A share is rounded once, half up, from the exact fraction."""

    def test_half_up_from_the_exact_fraction(self) -> None:
        """1371/2000 is 68.55%: shown as 68.6%, and 1/16 (6.25%) as 6.3%."""
        assert (
            share(1371, 2000),
            percent(share(1371, 2000)),
            share(1, 16),
            percent(share(1, 16)),
            share(2, 3),
        ) == (0.686, "68.6%", 0.063, "6.3%", 0.667)

    def test_report_prints_the_rounded_share(self) -> None:
        """One legacy run among sixteen reads 6.3% in the verdict and in the Markdown table."""
        runs = [restore_run(1, "aborted", "2026-01-01 00:00:00")] + [
            restore_run(i, "draft", "2026-01-01 00:00:00") for i in range(2, 17)
        ]
        report = truth_report(MemorySource({"restore_runs": runs}), Assumptions(), report_date=DAY)
        legacy = report["questions"]["legacy_statuses"]
        assert (
            legacy["verdict"],
            legacy["statuses"]["aborted"]["share"],
        ) == ("1 of 16 runs (6.3%)", 0.063)
        assert "| `aborted` | 1 | 6.3% |" in render_markdown(report)


class TestHoldRatesMarkdown:
    """The Markdown table says why a rule was not applied instead of a bare n/a."""

    def test_skipped_rule_names_its_missing_table(self) -> None:
        """Without restore_run_proofs, RR401's row says it needs that table."""
        source = MemorySource({"restore_runs": [failed(1)]})
        report = truth_report(
            source,
            Assumptions(),
            report_date=DAY,
            hold_rates=hold_rates(source, Assumptions()),
        )
        assert (
            "| `RR401` | Exported decision or attention differs from the derivation | 0 | 0 | "
            "not applied: needs restore_run_proofs, not in the input |"
        ) in render_markdown(report).splitlines()


class TestVocabularyMemory:
    """Distinct values outside a vocabulary are tracked up to a bound, the rest together."""

    def test_many_distinct_outside_values_are_bounded(self) -> None:
        """Past MAX_OUTSIDE_VALUES distinct values, further ones are counted as other values."""
        tally = VocabularyTally(limit=1)
        known = ("active",)
        for index in range(MAX_OUTSIDE_VALUES + 5):
            tally.add("evidence_statuses", f"s{index:03d}", index, known)
        tally.add("evidence_statuses", "active", 999, known)
        seen = tally.seen["evidence_statuses"]
        assert (
            len(seen),
            seen[OTHER_VALUES],
            seen["active"],
            tally.examples["evidence_statuses"][OTHER_VALUES],
        ) == (MAX_OUTSIDE_VALUES + 2, 5, 1, [MAX_OUTSIDE_VALUES])
