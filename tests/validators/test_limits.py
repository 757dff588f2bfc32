"""Unknown columns once per column, known extra columns, and at most 20 findings per rule and row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.config import build_assumptions
from restore_contracts.validators import Finding, engine, open_source, validate

from .conftest import findings, scenario, write_ndjson

RUNS = "restore_runs"
SOURCE = "world/restore_runs"
EXTRA = build_assumptions({"extra_columns": {RUNS: ["tenant_note"]}})


def _many_runs(count: int, **extra: Any) -> dict[str, list[Any]]:
    """``count`` copies of the completed run (ids 1..count), each with ``extra`` columns."""
    run = scenario("completed").restore_run()
    rows = [{**run, "id": key, **extra} for key in range(1, count + 1)]
    return {RUNS: rows}


class TestUnknownColumns:
    def test_one_finding_per_column_with_the_row_count(self) -> None:
        """20,000 rows with one extra column give one RR103 at the first row, with the count."""
        expected = [
            Finding(
                "RR103",
                "warning",
                RUNS,
                1,
                SOURCE,
                1,
                "/tenant_note",
                'column "tenant_note" is not in the restore_runs contract (20000 rows; this is the one '
                "with the lowest id)",
            )
        ]
        assert expected == findings(_many_runs(20_000, tenant_note="acme"), codes={"RR103"})

    def test_configured_extra_columns_are_read_past_silently(self) -> None:
        """extra_columns makes the application's own column known: no finding at all."""
        expected: list[Finding] = []
        assert expected == findings(_many_runs(3, tenant_note="acme"), assumptions=EXTRA)

    def test_only_the_configured_table_knows_the_column(self) -> None:
        """A column known for restore_runs is still unknown in operation_runs."""
        world = scenario("completed")
        world.restore_run()["tenant_note"] = "acme"
        world.rows("operation_runs")[0]["tenant_note"] = "acme"
        op = world.rows("operation_runs")[0]["id"]
        expected = [
            Finding(
                "RR103",
                "warning",
                "operation_runs",
                op,
                "world/operation_runs",
                1,
                "/tenant_note",
                'column "tenant_note" is not in the operation_runs contract (1 row; this is the '
                "one with the lowest id)",
            )
        ]
        assert expected == findings(world.tables, assumptions=EXTRA)

    def test_the_fast_path_reports_extra_keys_it_hands_over(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Rows the fast decoder returns with unknown keys are counted once per column too."""
        real = engine.fast_decoder

        def with_extra(table: str, *zone: Any) -> Any:
            decode = real(table, *zone)
            if decode is None or table != RUNS:
                return decode

            def fast(text: bytes) -> Any:
                row = decode(
                    orjson.dumps({k: v for k, v in orjson.loads(text).items() if k != "x"})
                )
                return None if row is None else {**row, "x": 1}

            return fast

        monkeypatch.setattr(engine, "fast_decoder", with_extra)
        rows = _many_runs(3, x=1)[RUNS]
        world = scenario("completed")
        directory = write_ndjson({**world.tables, RUNS: rows}, tmp_path / "in")
        source = open_source(str(directory))
        try:
            found = validate(source).findings
        finally:
            source.close()
        expected = [
            Finding(
                "RR103",
                "warning",
                RUNS,
                1,
                str(directory / "restore_runs.ndjson"),
                1,
                "/x",
                'column "x" is not in the restore_runs contract (3 rows; this is the one with the lowest id)',
            )
        ]
        assert expected == found


class TestCaps:
    def test_a_row_with_100000_columns_gives_21_findings(self) -> None:
        """Twenty unknown columns are named; one more finding counts the rest."""
        run = scenario("completed").restore_run()
        wide = {**run, **{f"c{i}": i for i in range(100_000)}}
        found = findings({RUNS: [wide]}, codes={"RR103"})
        expected = [
            Finding(
                "RR103",
                "warning",
                RUNS,
                run["id"],
                SOURCE,
                1,
                f"/c{i}",
                f'column "c{i}" is not in the restore_runs contract (1 row; this is the one with the lowest id)',
            )
            for i in sorted(range(20), key=str)
        ] + [
            Finding(
                "RR103",
                "warning",
                RUNS,
                run["id"],
                SOURCE,
                1,
                "",
                "99980 more values in columns not in the restore_runs contract (only the first "
                "20 column names are listed; this is the one with the lowest id)",
            )
        ]
        assert expected == found

    def test_a_rule_lists_twenty_findings_per_row_and_counts_the_rest(self) -> None:
        """Thirty item outcomes outside the vocabulary: twenty RR306 and one saying ten more."""
        world = scenario("completed")
        run = world.restore_run()
        outcome = next(iter(run["results"]["items"].values()))
        run["results"]["items"] = {
            str(8_000_001 + i): {**outcome, "status": "odd"} for i in range(30)
        }
        found = findings(world.tables, codes={"RR306"})
        vocabulary = '"failed", "non_applied", "partial", "skipped", "succeeded"'
        expected = [
            Finding(
                "RR306",
                "error",
                RUNS,
                run["id"],
                SOURCE,
                1,
                f"/results/items/{8_000_001 + i}/status",
                f'status is "odd"; expected one of {vocabulary}',
            )
            for i in range(20)
        ] + [
            Finding(
                "RR306",
                "error",
                RUNS,
                run["id"],
                SOURCE,
                1,
                "",
                "10 more RR306 findings on this row are not listed (the first 20 are)",
            )
        ]
        assert expected == found

    def test_model_violations_are_capped_per_row_too(self) -> None:
        """Thirty unreadable item keys give twenty RR101 and one counting ten more."""
        world = scenario("completed")
        run = world.restore_run()
        outcome = next(iter(run["results"]["items"].values()))
        run["results"]["items"] = {f"x{i}": outcome for i in range(30)}
        found = findings(world.tables, codes={"RR101"})
        expected = (21, "10 more RR101 findings on this row are not listed (the first 20 are)")
        assert expected == (
            len(found),
            found[-1].message,
        )
        assert [f"/results/items/x{i}" for i in range(20)] == [f.pointer for f in found[:20]]


def _config_run(tmp_path: Path, config: str, name: str = "restore-contracts.toml") -> Any:
    world = scenario("completed")
    world.restore_run()["tenant_note"] = "acme"
    directory = write_ndjson(world.tables, tmp_path / "in")
    path = tmp_path / name
    path.write_text(config, encoding="utf-8")
    return CliRunner().invoke(
        cli, ["--config", str(path), "validate", str(directory), "--format", "json"]
    )


class TestExtraColumnsConfig:
    @pytest.mark.parametrize(
        ("config", "name"),
        [
            ('extra_columns = { restore_runs = ["tenant_note"] }\n', "restore-contracts.toml"),
            (
                '[tool.restore-contracts]\nextra_columns = { restore_runs = ["tenant_note"] }\n',
                "restore-contracts.toml",
            ),
            (
                '[tool.restore-contracts]\nextra_columns = { restore_runs = ["tenant_note"] }\n',
                "pyproject.toml",
            ),
        ],
    )
    def test_known_extra_column_validates_clean(
        self, tmp_path: Path, config: str, name: str
    ) -> None:
        """The documented key, at the top level or under [tool.restore-contracts], exits 0."""
        result = _config_run(tmp_path, config, name)
        report = orjson.loads(result.output)
        expected: tuple[int, list[Any]] = (0, [])
        assert expected == (result.exit_code, report["findings"])

    @pytest.mark.parametrize(
        ("config", "message"),
        [
            (
                'extra_columns = { restore_run = ["tenant_note"] }\n',
                "extra_columns: unknown table(s) restore_run; expected "
                "workspaces, managed_environments, backup_sets, backup_items, operation_runs, "
                "restore_runs, evidence_snapshots, restore_run_proofs",
            ),
            (
                'extra_columns = { restore_runs = "tenant_note" }\n',
                "extra_columns.restore_runs: Input should be a valid list",
            ),
        ],
    )
    def test_a_bad_value_is_one_line_exit_2(
        self, tmp_path: Path, config: str, message: str
    ) -> None:
        """An unknown table or a value that is not a list is a one-line configuration error."""
        result = _config_run(tmp_path, config)
        path = tmp_path / "restore-contracts.toml"
        assert (2, f"Error: {path}: {message}\n") == (result.exit_code, result.output)
