"""The truth report on a small hand-built dataset whose answers are known."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.truth import render_markdown, truth_report
from restore_contracts.validators.source import Record

TENANT = {"workspace_id": 1, "managed_environment_id": 1}


class MemorySource:
    """Rows held in memory, served through the Source protocol."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self._tables = tables

    @property
    def name(self) -> str:
        return "memory"

    def tables(self) -> list[str]:
        return list(self._tables)

    def records(self, table: str) -> Iterator[Record]:
        for line, row in enumerate(self._tables[table], start=1):
            yield Record(table, row, table, line)

    def close(self) -> None:
        return None


def restore_run(id: int, status: str, created: str, **extra: Any) -> dict[str, Any]:
    row = {
        "id": id,
        "backup_set_id": 1,
        "is_dry_run": False,
        "status": status,
        "created_at": created,
        **TENANT,
    }
    row.update(extra)
    return row


def dataset() -> dict[str, list[dict[str, Any]]]:
    """Eight runs, three operation runs, three snapshots (one pair where policies differ)."""
    op = {"type": "restore.execute", "status": "completed", **TENANT}
    return {
        "operation_runs": [
            {"id": 10, "outcome": "succeeded", **op},
            {"id": 11, "outcome": "failed", **op},
            {"id": 12, "outcome": "succeeded", **op},
        ],
        "evidence_snapshots": [
            {
                "id": 1,
                "operation_run_id": 10,
                "status": "active",
                "completeness_state": "complete",
                "generated_at": "2026-04-01 10:00:00",
                **TENANT,
            },
            {
                "id": 2,
                "operation_run_id": 10,
                "status": "generating",
                "completeness_state": "missing",
                "generated_at": "2026-04-02 10:00:00",
                **TENANT,
            },
            {
                "id": 3,
                "operation_run_id": 11,
                "status": "active",
                "completeness_state": "partial",
                "generated_at": "2026-04-02 11:00:00",
                **TENANT,
            },
        ],
        "restore_runs": [
            restore_run(1, "completed", "2026-04-01 09:00:00", operation_run_id=10, requested_by=7),
            restore_run(
                2,
                "failed",
                "2026-04-02 09:00:00",
                operation_run_id=11,
                failure_reason="403",
                requested_by="ops@contoso.example",
            ),
            restore_run(
                3, "completed", "2026-05-01 09:00:00", operation_run_id=12, requested_by="7"
            ),
            restore_run(4, "completed", "2026-01-05 09:00:00"),
            restore_run(5, "aborted", "2026-01-10 00:00:00"),
            restore_run(6, "completed_with_errors", "2025-12-20 08:00:00"),
            restore_run(7, "draft", "2026-06-01 09:00:00", requested_by="Ada Lovelace"),
            restore_run(8, "completed", "2026-06-02 09:00:00", is_dry_run=True),
            {"id": 9, "status": "completed"},
        ],
    }


@pytest.fixture
def report() -> dict[str, Any]:
    return truth_report(
        MemorySource(dataset()), Assumptions(), report_date=date(2026, 11, 28), examples=2
    )


class TestKnownAnswers:
    """Each figure is the one counted by hand from the dataset."""

    def test_header(self, report: dict[str, Any]) -> None:
        """Date, source, policy, rows per table, rows not counted and missing tables."""
        assert {k: v for k, v in report.items() if k != "questions"} == {
            "date": "2026-11-28",
            "source": "memory",
            "evidence_policy": "latest_active",
            "rows": {"operation_runs": 3, "restore_runs": 9, "evidence_snapshots": 3},
            "rows_not_counted": {"restore_runs": {"unreadable": 0, "invalid": 1}},
            "values_not_read": {
                "restore_runs": {
                    "rows_counted_with_values_as_null": 0,
                    "columns": {
                        column: {"values": 1, "first": f"restore_runs:9 /{column}"}
                        for column in (
                            "backup_set_id",
                            "is_dry_run",
                            "managed_environment_id",
                            "workspace_id",
                        )
                    },
                }
            },
            "missing_tables": ["workspaces", "managed_environments", "backup_sets", "backup_items"],
        }

    def test_evidence_for_executions(self, report: dict[str, Any]) -> None:
        """Three executed runs have an operation run; two of them have evidence."""
        assert report["questions"]["evidence_for_executions"] == {
            "question": "Do restore executions produce an EvidenceSnapshot linked to their OperationRun?",
            "verdict": "sometimes (66.7%)",
            "executed_with_operation_run": 3,
            "with_evidence": 2,
            "share": 0.667,
            "by_status": {
                "completed": {"runs": 2, "with_evidence": 1, "share": 0.5},
                "failed": {"runs": 1, "with_evidence": 1, "share": 1.0},
            },
            "examples": {"with_evidence": [1, 2], "without_evidence": [3]},
        }

    def test_multiple_snapshots(self, report: dict[str, Any]) -> None:
        """Operation run 10 has an older active and a newer generating snapshot."""
        assert report["questions"]["multiple_snapshots"] == {
            "question": "With several snapshots for one operation run, which one should be linked (latest active or latest any)?",
            "verdict": "latest_active: they differ for 1 of 1 (100.0%), each time an active snapshot exists and latest_any would show a newer one without usable evidence (pending 1)",
            "operation_runs_with_snapshots": 2,
            "with_several": 1,
            "policies_disagree": 1,
            "share": 1.0,
            "detail_page_shows": {
                "latest_active": {"complete": {"count": 1, "share": 1.0}},
                "latest_any": {"pending": {"count": 1, "share": 1.0}},
            },
            "when_disagreeing": {
                "latest_active_shows_nothing": 0,
                "latest_active_hides_newer": {"pending": 1},
            },
            "status_sequences": {"active -> generating": {"count": 1, "share": 1.0}},
            "examples": {"operation_run_ids": [10]},
        }

    def test_operation_run_coverage(self, report: dict[str, Any]) -> None:
        """Three of eight valid runs are linked, none before the migration."""
        coverage = report["questions"]["operation_run_coverage"]
        assert {k: v for k, v in coverage.items() if k != "question"} == {
            "verdict": "sometimes (37.5%)",
            "runs": 8,
            "with_operation_run": 3,
            "share": 0.375,
            "migration": "2026-02-10",
            "first_linked_created_at": "2026-04-01 09:00:00",
            "by_status": {
                "draft": {"runs": 1, "with_operation_run": 0, "share": 0.0},
                "completed": {"runs": 4, "with_operation_run": 2, "share": 0.5},
                "failed": {"runs": 1, "with_operation_run": 1, "share": 1.0},
                "aborted": {"runs": 1, "with_operation_run": 0, "share": 0.0},
                "completed_with_errors": {"runs": 1, "with_operation_run": 0, "share": 0.0},
            },
            "by_month": {
                "2025-12": {"runs": 1, "with_operation_run": 0, "share": 0.0},
                "2026-01": {"runs": 2, "with_operation_run": 0, "share": 0.0},
                "2026-04": {"runs": 2, "with_operation_run": 2, "share": 1.0},
                "2026-05": {"runs": 1, "with_operation_run": 1, "share": 1.0},
                "2026-06": {"runs": 2, "with_operation_run": 0, "share": 0.0},
            },
            "examples": {"without_operation_run": [4, 5]},
        }

    def test_legacy_statuses(self, report: dict[str, Any]) -> None:
        """One aborted and one completed_with_errors run, with their creation times."""
        legacy = report["questions"]["legacy_statuses"]
        assert {k: v for k, v in legacy.items() if k != "question"} == {
            "verdict": "2 of 8 runs (25.0%)",
            "statuses": {
                "aborted": {
                    "count": 1,
                    "share": 0.125,
                    "latest_created_at": "2026-01-10 00:00:00",
                    "examples": [5],
                },
                "completed_with_errors": {
                    "count": 1,
                    "share": 0.125,
                    "latest_created_at": "2025-12-20 08:00:00",
                    "examples": [6],
                },
            },
        }

    def test_requested_by_types(self, report: dict[str, Any]) -> None:
        """The value types seen in requested_by; 7 and "7" are one type (integer)."""
        assert report["questions"]["nullability"]["requested_by_types"] == {
            "null": {"count": 4, "share": 0.5},
            "integer": {"count": 2, "share": 0.25},
            "email": {"count": 1, "share": 0.125},
            "text": {"count": 1, "share": 0.125},
        }

    def test_nullable_column_rates(self, report: dict[str, Any]) -> None:
        """operation_run_id is filled in three of eight valid runs; failure_reason in one."""
        columns = report["questions"]["nullability"]["columns"]["restore_runs"]
        assert columns["operation_run_id"] == {"rows": 8, "non_null": 3, "share": 0.375}
        assert columns["failure_reason"] == {"rows": 8, "non_null": 1, "share": 0.125}

    def test_distributions(self, report: dict[str, Any]) -> None:
        """Statuses and every derived state under the default policy."""
        dist = report["questions"]["distributions"]
        assert dist["status"] == {
            "completed": {"count": 4, "share": 0.5},
            "aborted": {"count": 1, "share": 0.125},
            "completed_with_errors": {"count": 1, "share": 0.125},
            "draft": {"count": 1, "share": 0.125},
            "failed": {"count": 1, "share": 0.125},
        }
        assert dist["evidence_state"] == {
            "no_operation_run": {"count": 5, "share": 0.625},
            "complete": {"count": 1, "share": 0.125},
            "none": {"count": 1, "share": 0.125},
            "partial": {"count": 1, "share": 0.125},
        }
        assert dist["operation_run_proof_state"] == {
            "not_linked": {"count": 5, "share": 0.625},
            "succeeded": {"count": 2, "share": 0.25},
            "failed": {"count": 1, "share": 0.125},
        }

    def test_policy_changes_evidence_state(self) -> None:
        """Under latest_any, run 1 shows the pending snapshot instead of the complete one."""
        report = truth_report(
            MemorySource(dataset()),
            Assumptions(),
            report_date=date(2026, 11, 28),
            policy=EvidencePolicy.LATEST_ANY,
        )
        assert report["questions"]["distributions"]["evidence_state"] == {
            "no_operation_run": {"count": 5, "share": 0.625},
            "none": {"count": 1, "share": 0.125},
            "partial": {"count": 1, "share": 0.125},
            "pending": {"count": 1, "share": 0.125},
        }

    def test_rbac_is_not_answerable(self, report: dict[str, Any]) -> None:
        """RBAC is stated as unanswerable from tables, with what would answer it."""
        rbac = report["questions"]["rbac"]
        assert (
            rbac["answerable"],
            rbac["verdict"],
            len(rbac["would_answer"]),
        ) == (False, "not answerable from table exports", 4)

    def test_without_evidence_table(self) -> None:
        """No evidence_snapshots table: the evidence questions say no data, never a guess."""
        tables = dataset()
        del tables["evidence_snapshots"]
        report = truth_report(MemorySource(tables), Assumptions(), report_date=date(2026, 11, 28))
        assert {
            k: v
            for k, v in report["questions"]["evidence_for_executions"].items()
            if k != "question"
        } == {"verdict": "no data", "reason": "the source has no evidence_snapshots table"}


class TestMarkdown:
    """The Markdown rendering of the same figures."""

    def test_header_and_sections(self, report: dict[str, Any]) -> None:
        """A header with date, source and row counts, then the eight numbered questions."""
        text = render_markdown(report)
        assert text.startswith(
            "## Truth report\n\n- Date: 2026-11-28\n- Source: `memory`\n"
            "- Evidence policy: `latest_active`\n"
            "- Missing tables: workspaces, managed_environments, backup_sets, backup_items\n\n"
            "| table | rows |\n|---|---|\n| `operation_runs` | 3 |\n| `restore_runs` | 9 |\n"
            "| `evidence_snapshots` | 3 |\n\nNot counted in `restore_runs`: 0 unreadable, 1 invalid rows.\n"
        )
        headings = [line for line in text.splitlines() if line.startswith("### ")]
        assert headings == [
            "### 1. Do restore executions produce an EvidenceSnapshot linked to their OperationRun? (`evidence_for_executions`)",
            "### 2. With several snapshots for one operation run, which one should be linked (latest active or latest any)? (`multiple_snapshots`)",
            "### 3. What are the RBAC rules for viewing evidence and operation runs from the detail page? (`rbac`)",
            "### 4. How many restore runs carry an operation_run_id? (`operation_run_coverage`)",
            "### 5. How common are the legacy statuses, and how recent? (`legacy_statuses`)",
            "### 6. How often does each assumed rule hold? (`assumption_hold_rates`)",
            "### 7. How often is each nullable column filled, and what is requested_by? (`nullability`)",
            "### 8. How are statuses and derived states distributed? (`distributions`)",
            "### 9. How often does each assumed vocabulary hold? (`vocabulary_hold_rates`)",
            "### 10. How many runs did each derivation row decide? (`derivation_rows`)",
        ]
        assert (
            "Verdict: **sometimes (66.7%)**. Of 3 executed restore runs with an operation run, 2 (66.7%) have at least one linked evidence snapshot."
            in text
        )
