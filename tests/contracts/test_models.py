"""The row models: what real exports look like parses; what is malformed fails with a location."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from restore_contracts.contracts import RestoreRun, RestoreRunStatus, StatusGroup, group_of
from restore_contracts.contracts.status import DEFAULT_LEGACY_MAPPING, STATUS_GROUPS
from tests.contracts.conftest import run


def errors(row: dict[str, Any]) -> list[tuple[str, tuple[int | str, ...]]]:
    """(error type, location) of every error the model reports for a row."""
    with pytest.raises(ValidationError) as caught:
        RestoreRun.model_validate(row)
    return [(e["type"], tuple(e["loc"])) for e in caught.value.errors()]


class TestStatuses:
    """The 13 persisted values and their groups, as the truth map lists them."""

    def test_thirteen_values_in_four_groups(self) -> None:
        """Five pre-execution, two execution, four terminal, two legacy."""
        by_group: dict[str, list[str]] = {}
        for status in RestoreRunStatus:
            by_group.setdefault(group_of(status).value, []).append(status.value)
        assert by_group == {
            "pre_execution": ["draft", "scoped", "checked", "previewed", "pending"],
            "execution": ["queued", "running"],
            "terminal": ["completed", "partial", "failed", "cancelled"],
            "legacy": ["aborted", "completed_with_errors"],
        }
        assert set(RestoreRunStatus) == set(STATUS_GROUPS)

    def test_legacy_mapping_targets_terminal_statuses(self) -> None:
        """aborted stands for cancelled, completed_with_errors for partial (assumed)."""
        assert {k.value: v.value for k, v in DEFAULT_LEGACY_MAPPING.items()} == {
            "aborted": "cancelled",
            "completed_with_errors": "partial",
        }
        assert all(group_of(v) is StatusGroup.TERMINAL for v in DEFAULT_LEGACY_MAPPING.values())


class TestEncodings:
    """The same row, as PostgreSQL, MySQL, SQLite and CSV exports write it."""

    def test_csv_style_row(self) -> None:
        """Text ids, 't' booleans, JSON text and 'Y-m-d H:i:s' timestamps parse to one value."""
        parsed = RestoreRun.model_validate(
            {
                "id": "7",
                "managed_environment_id": "2",
                "workspace_id": "3",
                "backup_set_id": "4",
                "requested_by": "ops@contoso.example",
                "is_dry_run": "t",
                "status": "completed",
                "requested_items": "[101, 102]",
                "results": '{"foundations": [], "items": {"101": {"status": "succeeded"}}}',
                "metadata": '{"total": 1, "succeeded": 1}',
                "started_at": "2026-03-29 00:59:59",
                "completed_at": "2026-03-29T03:00:00.250+02:00",
                "operation_run_id": "9",
            }
        )
        assert {
            "id": 7,
            "is_dry_run": True,
            "requested_items": [101, 102],
            "started_at": datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
            "completed_at": datetime(2026, 3, 29, 1, 0, 0, 250000, tzinfo=UTC),
            "operation_run_id": 9,
            "item_status": "succeeded",
            "total": 1,
        } == {
            "id": parsed.id,
            "is_dry_run": parsed.is_dry_run,
            "requested_items": parsed.requested_items,
            "started_at": parsed.started_at,
            "completed_at": parsed.completed_at,
            "operation_run_id": parsed.operation_run_id,
            "item_status": parsed.results.items["101"].status if parsed.results else None,
            "total": parsed.metadata.total if parsed.metadata else None,
        }

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (True, True),
            (False, False),
            (1, True),
            (0, False),
            ("t", True),
            ("f", False),
            ("true", True),
            ("FALSE", False),
            ("1", True),
            ("0", False),
        ],
    )
    def test_booleans(self, value: object, expected: bool) -> None:
        """Every boolean encoding of the three databases and CSV."""
        assert expected is run(is_dry_run=value).is_dry_run

    @pytest.mark.parametrize(
        "text",
        [
            "2026-01-02 03:04:05",
            "2026-01-02T03:04:05Z",
            "2026-01-02T04:04:05+01:00",
            "2026-01-02 03:04:05+00",
            "2026-01-02T02:34:05-0030",
            "2026-01-02 03:04:05.000000",
        ],
    )
    def test_timestamps_normalise_to_utc(self, text: str) -> None:
        """Naive values are UTC; offsets are applied; the result is always aware UTC."""
        assert datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC) == run(started_at=text).started_at

    def test_serialises_as_the_database_stores_it(self) -> None:
        """model_dump(mode="json") writes 'Y-m-d H:i:s' in UTC, the export encoding."""
        dumped = run(started_at="2026-01-02T04:04:05+01:00", is_dry_run="f").model_dump(mode="json")
        assert (dumped["started_at"], dumped["is_dry_run"]) == ("2026-01-02 03:04:05", False)

    def test_unknown_columns_are_kept(self) -> None:
        """A column the contract does not know survives for the validators to report."""
        assert run(legacy_flag="x").model_extra == {"legacy_flag": "x"}


class TestMalformed:
    """Malformed input: a ValidationError whose every error has a location."""

    def test_each_bad_column_is_located(self) -> None:
        """Several bad columns are all reported, each at its own location."""
        assert errors(
            {
                "id": 0,
                "managed_environment_id": 2,
                "backup_set_id": 4,
                "is_dry_run": "yes",
                "status": "done",
                "started_at": "last tuesday",
            }
        ) == [
            ("greater_than_equal", ("id",)),
            ("missing", ("workspace_id",)),
            ("bool_type", ("is_dry_run",)),
            ("enum", ("status",)),
            ("value_error", ("started_at",)),
        ]

    def test_nested_errors_point_into_the_json(self) -> None:
        """An error inside results names the item key and field."""
        located = errors(
            {
                "id": 1,
                "managed_environment_id": 2,
                "workspace_id": 3,
                "backup_set_id": 4,
                "is_dry_run": False,
                "status": "completed",
                "results": {"items": {"101": {"status": "failed", "http_status": "403"}}},
                "metadata": {"total": -1},
            }
        )
        assert located == [
            ("int_type", ("results", "items", "101", "http_status")),
            ("greater_than_equal", ("metadata", "total")),
        ]

    def test_json_text_that_is_not_json(self) -> None:
        """A JSON column holding broken text is a located value error, not a crash."""
        located = errors(
            {
                "id": 1,
                "managed_environment_id": 2,
                "workspace_id": 3,
                "backup_set_id": 4,
                "is_dry_run": False,
                "status": "completed",
                "metadata": "{total: 1",
            }
        )
        assert located == [("value_error", ("metadata",))]

    def test_not_a_mapping(self) -> None:
        """A row that is not an object fails as a whole, still as a ValidationError."""
        with pytest.raises(ValidationError) as caught:
            RestoreRun.model_validate(["not", "a", "row"])
        assert [(e["type"], tuple(e["loc"])) for e in caught.value.errors()] == [("model_type", ())]
