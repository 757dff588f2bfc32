"""The truth report counts rows with a value it cannot read, and says which values and where."""

from __future__ import annotations

from datetime import date
from typing import Any

from restore_contracts.config import Assumptions
from restore_contracts.truth import render_markdown, truth_report

from .test_truth_known import MemorySource, restore_run


def _report(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return truth_report(
        MemorySource({"restore_runs": runs}), Assumptions(), report_date=date(2026, 11, 28)
    )


RUNS = [
    restore_run(1, "completed", "2026-01-01 09:00:00", results={"items": 5}),
    restore_run(2, "failed", "2026-01-02 09:00:00", metadata='{"total": '),
    restore_run(3, "completed", "2026-01-03 09:00:00", results={"items": 7}),
    restore_run(4, "exploded", "2026-01-04 09:00:00"),
]


class TestValuesNotRead:
    def test_rows_with_an_unreadable_value_are_in_the_statistics(self) -> None:
        """Runs whose results or metadata cannot be read still count by status."""
        report = _report(RUNS)
        expected = {"completed": 2, "failed": 1}
        assert expected == {
            status: entry["count"]
            for status, entry in report["questions"]["distributions"]["status"].items()
        }

    def test_the_report_says_which_values_and_where(self) -> None:
        """Per column: values not read, the first location; a row without a status is not counted."""
        report = _report(RUNS)
        expected = (
            {"restore_runs": {"unreadable": 0, "invalid": 1}},
            {
                "restore_runs": {
                    "rows_counted_with_values_as_null": 3,
                    "columns": {
                        "metadata": {"values": 1, "first": "restore_runs:2 /metadata"},
                        "results": {"values": 2, "first": "restore_runs:1 /results/items"},
                        "status": {"values": 1, "first": "restore_runs:4 /status"},
                    },
                }
            },
        )
        assert expected == (report["rows_not_counted"], report["values_not_read"])

    def test_markdown_names_the_values_not_read(self) -> None:
        """The Markdown header carries one line per table with values not read."""
        text = render_markdown(_report(RUNS))
        line = (
            "Values not read in `restore_runs` (counted as null in 3 rows): `metadata` 1 (first "
            "restore_runs:2 /metadata); `results` 2 (first restore_runs:1 /results/items); "
            "`status` 1 (first restore_runs:4 /status)."
        )
        assert line in text.splitlines()
