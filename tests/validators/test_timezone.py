"""The application's timezone: configuration, and ordering across both DST changes of 2026.

Naive timestamps are wall-clock times in ``timezone`` (Europe/Berlin here),
values with ``Z`` or an offset are instants as given; the ordering rules compare
instants and never report an order that only the repeated hour of the autumn
change makes look wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.config import Assumptions, build_assumptions, load_assumptions
from restore_contracts.errors import ConfigError
from restore_contracts.validators import open_source, validate
from restore_contracts.validators.readers.memory import RowsSource

from .conftest import scenario

BERLIN = Assumptions(timezone="Europe/Berlin")
ORDERING = ("RR206", "RR207", "RR311", "RR313")


class TestConfiguration:
    def test_default_is_utc(self, tmp_path: Path) -> None:
        """Without the key, naive timestamps are UTC (Laravel's default app.timezone)."""
        assert load_assumptions(cwd=tmp_path).timezone == "UTC"

    @pytest.mark.parametrize(
        "text",
        ['timezone = "Europe/Berlin"\n', '[tool.restore-contracts]\ntimezone = "Europe/Berlin"\n'],
        ids=["top-level", "tool-table"],
    )
    def test_own_file(self, tmp_path: Path, text: str) -> None:
        """restore-contracts.toml takes the key at its top level or under [tool.restore-contracts]."""
        (tmp_path / "restore-contracts.toml").write_text(text)
        assert load_assumptions(cwd=tmp_path).timezone == "Europe/Berlin"

    def test_pyproject(self, tmp_path: Path) -> None:
        """pyproject.toml takes it under [tool.restore-contracts]."""
        (tmp_path / "pyproject.toml").write_text(
            '[tool.restore-contracts]\ntimezone = "America/New_York"\n'
        )
        assert load_assumptions(cwd=tmp_path).timezone == "America/New_York"

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            (
                "Europe/Berln",
                "unknown timezone 'Europe/Berln' (expected an IANA name such as 'Europe/Berlin')",
            ),
            ("", "unknown timezone '' (expected an IANA name such as 'Europe/Berlin')"),
            (
                "../../etc/passwd",
                "unknown timezone '../../etc/passwd' (expected an IANA name such as 'Europe/Berlin')",
            ),
            (1, "Input should be a valid string"),
        ],
    )
    def test_unknown_zone_is_one_line(self, value: object, reason: str) -> None:
        """A zone that is not an IANA name is a one-line error naming the key."""
        with pytest.raises(ConfigError) as caught:
            build_assumptions({"timezone": value}, source="cfg")
        assert caught.value.format_message() == f"cfg: tool.restore-contracts.timezone: {reason}"

    def test_cli_exit_2(self, tmp_path: Path) -> None:
        """validate with an unknown zone stops with exit 2 and one line, before reading."""
        config = tmp_path / "restore-contracts.toml"
        config.write_text('timezone = "Mars/Olympus_Mons"\n')
        data = tmp_path / "restore_runs.ndjson"
        data.write_text("{}\n")
        result = CliRunner().invoke(cli, ["--config", str(config), "validate", str(data)])
        assert (result.exit_code, result.stderr.splitlines()) == (
            2,
            [
                f"Error: {config}: timezone: unknown timezone "
                "'Mars/Olympus_Mons' (expected an IANA name such as 'Europe/Berlin')"
            ],
        )


def _run(**changes: Any) -> dict[str, Any]:
    """The completed scenario's run with its timestamps replaced (JSON ones by Carbon's form)."""
    run: dict[str, Any] = json.loads(json.dumps(scenario("completed").restore_run()))
    meta = run["metadata"]
    for key, value in changes.items():
        if key in ("scope", "check", "preview"):
            meta[f"{key}_basis"]["recorded_at"] = value
        elif key == "captured":
            meta["execution_safety_snapshot"]["captured_at"] = value
        else:
            run[key] = value
    return run


def _ordering(run: dict[str, Any], assumptions: Assumptions, source: str, tmp: Path) -> list[Any]:
    tables = {"restore_runs": [run]}
    if source == "model":  # a digit-text id sends the row through the pydantic model
        tables = {"restore_runs": [{**run, "id": str(run["id"])}]}
    if source in ("memory", "model"):
        result = validate(RowsSource(tables, "world"), assumptions, codes=ORDERING)
    else:
        (tmp / "restore_runs.ndjson").write_text(json.dumps(run) + "\n")
        result = validate(open_source(str(tmp)), assumptions, codes=ORDERING)
    return [(f.code, f.pointer, f.message) for f in result.findings]


# Basis times inside JSON, as Carbon writes them (UTC), far enough before every start below.
EARLY = {
    "scope": "2026-01-01T00:00:00.000000Z",
    "check": "2026-01-01T00:01:00.000000Z",
    "preview": "2026-01-01T00:02:00.000000Z",
}


def _local(**times: str) -> dict[str, Any]:
    """A run whose top-level times are Berlin wall-clock times (created = updated unless set)."""
    values = {**EARLY, **times}
    values.setdefault("updated_at", values.get("completed_at", values["created_at"]))
    return _run(**values)


@pytest.mark.parametrize("source", ["memory", "ndjson", "model"])
class TestBerlin:
    def test_summer_offset_applies_to_naive_times(self, source: str, tmp_path: Path) -> None:
        """In July 10:00 Berlin is 08:00 UTC: a safety snapshot at 08:30Z comes after the start,
        which only the configured timezone shows."""
        run = _local(
            created_at="2026-07-01 09:59:00",
            started_at="2026-07-01 10:00:00",
            completed_at="2026-07-01 10:05:00",
            captured="2026-07-01T08:30:00.000000Z",
        )
        message = 'captured_at "2026-07-01 10:30:00+02:00" is after started_at "2026-07-01 10:00:00+02:00"'
        assert _ordering(run, Assumptions(), source, tmp_path) == []
        assert _ordering(run, BERLIN, source, tmp_path) == [
            ("RR313", "/metadata/execution_safety_snapshot/captured_at", message)
        ]

    def test_winter_offset_is_one_hour(self, source: str, tmp_path: Path) -> None:
        """In January 10:00 Berlin is 09:00 UTC: 08:59Z is before the start, 09:30Z after it."""
        before = _local(
            created_at="2026-01-15 09:59:00",
            started_at="2026-01-15 10:00:00",
            completed_at="2026-01-15 10:05:00",
            captured="2026-01-15T08:59:00.000000Z",
        )
        after = {**before, "metadata": json.loads(json.dumps(before["metadata"]))}
        after["metadata"]["execution_safety_snapshot"]["captured_at"] = "2026-01-15T09:30:00Z"
        assert _ordering(before, BERLIN, source, tmp_path) == []
        assert _ordering(after, BERLIN, source, tmp_path) == [
            (
                "RR313",
                "/metadata/execution_safety_snapshot/captured_at",
                'captured_at "2026-01-15 10:30:00+01:00" is after started_at '
                '"2026-01-15 10:00:00+01:00"',
            )
        ]

    def test_spring_forward_is_ordered_by_instants(self, source: str, tmp_path: Path) -> None:
        """On 2026-03-29 the clock jumps from 02:00 to 03:00: 01:59:30 CET, 03:00:10 CEST and
        03:01 CEST are in order, and a snapshot at 01:00:30Z (03:00:30 CEST) is after the
        start at 03:00:10 CEST."""
        run = _local(
            created_at="2026-03-29 01:59:30",
            started_at="2026-03-29 03:00:10",
            completed_at="2026-03-29T03:01:00",
            captured="2026-03-29T01:00:30.000000Z",
        )
        assert _ordering(run, BERLIN, source, tmp_path) == [
            (
                "RR313",
                "/metadata/execution_safety_snapshot/captured_at",
                'captured_at "2026-03-29 03:00:30+02:00" is after started_at '
                '"2026-03-29 03:00:10+02:00"',
            )
        ]

    def test_spring_forward_reversed_order_is_reported(self, source: str, tmp_path: Path) -> None:
        """A completion at 01:59 CET, before a start at 03:00:10 CEST (one real minute later),
        is reported: neither time is ambiguous."""
        run = _local(
            created_at="2026-03-29 01:50:00",
            started_at="2026-03-29 03:00:10",
            completed_at="2026-03-29 01:59:00",
            captured="2026-03-29T00:55:00Z",
        )
        assert _ordering(run, BERLIN, source, tmp_path) == [
            (
                "RR206",
                "/completed_at",
                'completed_at "2026-03-29 01:59:00+01:00" is before started_at '
                '"2026-03-29 03:00:10+02:00"',
            )
        ]

    def test_repeated_hour_never_alone_makes_an_error(self, source: str, tmp_path: Path) -> None:
        """On 2026-10-25 02:00-02:59 happens twice: created at 02:50 (first pass) and started at
        02:10 (second pass) are in order, and updated at 02:15 after completion at 02:45 is
        possible too: no finding (read as UTC, the same text gives three)."""
        run = _local(
            created_at="2026-10-25 02:50:00",
            started_at="2026-10-25 02:10:00",
            completed_at="2026-10-25 02:45:00",
            updated_at="2026-10-25 02:15:00",
            captured="2026-10-25T00:05:00.000000Z",
        )
        assert _ordering(run, BERLIN, source, tmp_path) == []
        assert [code for code, _, _ in _ordering(run, Assumptions(), source, tmp_path)] == [
            "RR206",
            "RR207",
            "RR207",
        ]

    def test_repeated_hour_wrong_under_every_reading(self, source: str, tmp_path: Path) -> None:
        """Started at 01:59 CEST (before the repeated hour) but created at 02:30 (either pass)
        is out of order whichever pass 02:30 was: reported."""
        run = _local(
            created_at="2026-10-25 02:30:00",
            started_at="2026-10-25 01:59:00",
            completed_at="2026-10-25 03:10:00",
            captured="2026-10-24T23:00:00.000000Z",
        )
        assert _ordering(run, BERLIN, source, tmp_path) == [
            (
                "RR206",
                "/started_at",
                'started_at "2026-10-25 01:59:00+02:00" is before created_at '
                '"2026-10-25 02:30:00+02:00"',
            )
        ]

    def test_after_the_repeated_hour(self, source: str, tmp_path: Path) -> None:
        """03:05 CET comes after 02:30 on either pass; 02:30 after 01:10 CEST too: no finding,
        and a basis recorded at 01:40Z (02:40 CET) after a start at 02:30 CEST is reported."""
        run = _local(
            created_at="2026-10-25 01:10:00",
            started_at="2026-10-25 02:30:00",
            completed_at="2026-10-25 03:05:00",
        )
        assert _ordering(run, BERLIN, source, tmp_path) == []
        late = _local(
            created_at="2026-10-25 01:10:00",
            started_at="2026-10-25 01:20:00",
            completed_at="2026-10-25 03:05:00",
            preview="2026-10-25T01:40:00.000000Z",
            captured="2026-10-24T23:00:00Z",
        )
        assert _ordering(late, BERLIN, source, tmp_path) == [
            (
                "RR311",
                "/started_at",
                'started_at "2026-10-25 01:20:00+02:00" is before preview_basis.recorded_at '
                '"2026-10-25 02:40:00+01:00"',
            )
        ]
