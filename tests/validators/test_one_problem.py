"""One problem never hides another: rows are read column by column, selection changes nothing else."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from restore_contracts.cli import cli
from restore_contracts.generators.mutations import MUTATIONS, mutate
from restore_contracts.generators.world import World
from restore_contracts.validators import Finding
from restore_contracts.validators.baseline import apply_baseline, load_baseline, write_baseline
from restore_contracts.validators.rules import RULES, Rule, selected_codes
from restore_contracts.validators.tables import COLUMNS

from .conftest import findings, run, scenario, write_ndjson

RUNS = "restore_runs"
SOURCE = "world/restore_runs"


def _run_finding(world: World, code: str, severity: str, pointer: str, message: str) -> Finding:
    return Finding(code, severity, RUNS, world.restore_run()["id"], SOURCE, 1, pointer, message)  # type: ignore[arg-type]


STALE = "Graph timeout (stale)"
RR209_MESSAGE = f'failure_reason is "{STALE}"; expected null for a completed run'


class TestColumnByColumn:
    def test_a_rule_runs_whatever_happens_to_columns_it_does_not_read(self) -> None:
        """A completed run with a stale failure_reason gives RR209 beside every unreadable value."""
        world = scenario("completed")
        run = world.restore_run()
        run["results"]["items"] = 5
        run["failure_reason"] = STALE
        run["requested_by"] = True
        run["created_at"] = "yesterday"
        expected = [
            _run_finding(
                world,
                "RR101",
                "error",
                "/requested_by",
                "Input should be a valid integer or a valid string (got true)",
            ),
            _run_finding(
                world,
                "RR101",
                "error",
                "/results/items",
                "Input should be a valid dictionary (got 5)",
            ),
            _run_finding(
                world,
                "RR101",
                "error",
                "/created_at",
                "expected a timestamp as 'Y-m-d H:i:s', with fractional seconds, or ISO 8601 "
                "with Z or an offset; got 'yesterday'",
            ),
            _run_finding(world, "RR209", "error", "/failure_reason", RR209_MESSAGE),
        ]
        assert expected == findings(world.tables)

    @pytest.mark.parametrize(
        ("select", "ignore"), [(["RR2"], []), (["RR209"], []), ([], ["RR101"]), (["RR20"], ["RR1"])]
    )
    def test_empty_php_array_and_stale_reason_give_rr209_under_any_selection(
        self, select: list[str], ignore: list[str]
    ) -> None:
        """`results.items: []` never keeps RR209 from a completed run's stale failure_reason."""
        world = scenario("completed")
        run = world.restore_run()
        run["results"]["items"] = []
        run["failure_reason"] = STALE
        run["is_dry_run"] = "perhaps"
        codes = selected_codes(select, ignore) & {c for c in RULES if c.startswith("RR2")}
        expected = [_run_finding(world, "RR209", "error", "/failure_reason", RR209_MESSAGE)]
        assert expected == findings(world.tables, codes=codes)

    def test_an_unreadable_status_skips_only_the_rules_that_read_it(self) -> None:
        """With status unreadable, rules on other columns (timestamps, references) still run."""
        world = scenario("completed")
        run = world.restore_run()
        run["status"] = "exploded"
        run["updated_at"] = "2000-01-01 00:00:00"
        run["requested_items"].append(9_000_000_001)
        expected = [
            _run_finding(
                world,
                "RR101",
                "error",
                "/status",
                "Input should be 'draft', 'scoped', 'checked', 'previewed', 'pending', 'queued', "
                "'running', 'completed', 'partial', 'failed', 'cancelled', 'aborted' or "
                "'completed_with_errors' (got \"exploded\")",
            ),
            _run_finding(
                world,
                "RR207",
                "error",
                "/updated_at",
                f'updated_at "2000-01-01 00:00:00" is before created_at "{run["created_at"]}"',
            ),
            _run_finding(
                world,
                "RR207",
                "error",
                "/updated_at",
                f'updated_at "2000-01-01 00:00:00" is before completed_at "{run["completed_at"]}"',
            ),
            _run_finding(
                world,
                "RR706",
                "error",
                f"/requested_items/{len(run['requested_items']) - 1}",
                "backup item 9000000001 does not exist in backup_items",
            ),
        ]
        assert expected == findings(world.tables)

    def test_unparsable_json_text_in_a_required_column_is_one_finding(self) -> None:
        """A proof whose attention is broken JSON text: RR102 only, not also "missing"."""
        world = scenario("completed")
        MUTATIONS["RR402"].apply(world)
        proof = world.rows("restore_run_proofs")[0]
        proof["attention"] = '{"state": '
        expected = [
            Finding(
                "RR102",
                "error",
                "restore_run_proofs",
                proof["restore_run_id"],
                "world/restore_run_proofs",
                1,
                "/attention",
                'attention: unexpected end of data: line 1 column 11 (char 10) (got "{\\"state\\": ")',
            )
        ]
        assert expected == findings(world.tables)

    def test_a_referenced_row_with_a_bad_column_is_still_looked_up(self) -> None:
        """An operation run whose type is unreadable still exists and still carries its tenancy."""
        world = scenario("completed")
        world.rows("operation_runs")[0]["type"] = 42
        world.restore_run()["workspace_id"] = world.rows("workspaces")[0]["id"]
        op = world.rows("operation_runs")[0]
        expected = [
            Finding(
                "RR101",
                "error",
                "operation_runs",
                op["id"],
                "world/operation_runs",
                1,
                "/type",
                "Input should be a valid string (got 42)",
            )
        ]
        assert expected == findings(world.tables)


class TestFromTheCommandLine:
    @pytest.mark.parametrize("option", [["--select", "RR2"], ["--ignore", "RR101,RR3"]])
    def test_validate_reports_rr209_beside_an_empty_php_array(
        self, option: list[str], tmp_path: Path
    ) -> None:
        """`validate` on NDJSON: the stale failure_reason is reported under either option."""
        world = scenario("completed")
        run = world.restore_run()
        run["results"]["items"] = []
        run["failure_reason"] = STALE
        directory = write_ndjson(world.tables, tmp_path / "export")
        result = CliRunner().invoke(cli, ["validate", str(directory), "--format", "json", *option])
        expected = (
            1,
            [
                {
                    "code": "RR209",
                    "severity": "error",
                    "table": RUNS,
                    "id": run["id"],
                    "source": str(directory / "restore_runs.ndjson"),
                    "line": 1,
                    "pointer": "/failure_reason",
                    "message": RR209_MESSAGE,
                }
            ],
        )
        findings_of = [f for f in orjson.loads(result.output)["findings"] if f["code"] == "RR209"]
        assert expected == (result.exit_code, findings_of)


def _worlds() -> Iterator[tuple[str, World]]:
    """Every mutation's world, and one world carrying several problems at once."""
    for code in sorted(MUTATIONS):
        yield code, mutate(scenario(MUTATIONS[code].base_scenario), code)
    world = scenario("completed")
    MUTATIONS["RR402"].apply(world)
    for code in ("RR101", "RR103", "RR106", "RR302", "RR707"):
        MUTATIONS[code].apply(world)
    yield "several", world


WORLDS = dict(_worlds())


class TestSelectionChangesNothingElse:
    @pytest.mark.parametrize("name", sorted(WORLDS))
    def test_select_and_ignore_give_exactly_the_subset(self, name: str) -> None:
        """For each code, --select gives exactly its findings of the full run, --ignore the rest."""
        tables = WORLDS[name].tables
        full = findings(tables)
        for code in sorted({f.code for f in full} | ({name} if name in RULES else set())):
            assert [f for f in full if f.code == code] == findings(
                tables, codes=selected_codes([code])
            )
            assert [f for f in full if f.code != code] == findings(
                tables, codes=selected_codes([], [code])
            )

    def test_a_baseline_accepting_one_code_leaves_the_others(self, tmp_path: Path) -> None:
        """A baseline of the RR101 findings removes exactly them; every other finding stays."""
        tables = WORLDS["several"].tables
        full = run(tables)
        path = tmp_path / "known.json"
        write_baseline(path, [f for f in full.findings if f.code == "RR101"])
        result = run(tables)
        apply_baseline(result, load_baseline(path))
        expected = [f for f in full.findings if f.code != "RR101"]
        assert (expected, 1) == (result.findings, result.baselined)

    def test_the_combined_world_has_every_problem(self) -> None:
        """The world with several problems reports each of them (so the subset test means it)."""
        found = {f.code for f in findings(WORLDS["several"].tables)}
        expected = {"RR101", "RR103", "RR106", "RR302", "RR305", "RR402", "RR707"}
        assert expected == found


_ON_COMPLETED = sorted(
    code for code, m in MUTATIONS.items() if m.base_scenario == "completed" and code != "RR006"
)


class TestSelectionOnCombinedProblems:
    @settings(max_examples=25, deadline=None)
    @given(
        codes=st.lists(st.sampled_from(_ON_COMPLETED), min_size=1, max_size=6, unique=True),
        pick=st.integers(min_value=0),
    )
    def test_any_combination_of_problems_keeps_selection_a_filter(
        self, codes: list[str], pick: int
    ) -> None:
        """Any set of mutations on one run: --select X gives exactly the X findings of the whole run."""
        world = scenario("completed")
        for code in codes:
            try:
                MUTATIONS[code].apply(world)
            except (LookupError, KeyError, TypeError, AttributeError, ValueError):
                continue  # an earlier mutation took away what this one changes
        full = findings(world.tables)
        present = sorted({f.code for f in full} | set(codes))
        chosen = present[pick % len(present)]
        assert [f for f in full if f.code == chosen] == findings(
            world.tables, codes=selected_codes([chosen])
        )
        assert [f for f in full if f.code != chosen] == findings(
            world.tables, codes=selected_codes([], [chosen])
        )


class _Recording(dict[str, Any]):
    """A row that records which columns are read."""

    def __init__(self, row: dict[str, Any]) -> None:
        super().__init__(row)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self.read.update(self.keys())
        return super().__iter__()


class TestDeclaredInputs:
    def test_every_rule_reads_only_the_columns_it_declares(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Run on every mutation world, no check reads a column outside its ``reads``."""
        undeclared: dict[str, set[str]] = {}
        calls: dict[str, int] = {}

        def recording(entry: Rule) -> Rule:
            check = entry.check
            assert check is not None

            def wrapped(row: dict[str, Any], ctx: Any) -> Any:
                seen = _Recording(row)
                hits = check(seen, ctx)
                calls[entry.code] = calls.get(entry.code, 0) + 1
                extra = seen.read - entry.reads
                if extra:
                    undeclared.setdefault(entry.code, set()).update(extra)
                return hits

            return dataclasses.replace(entry, check=wrapped)

        for code, entry in list(RULES.items()):
            if entry.check is not None:
                monkeypatch.setitem(RULES, code, recording(entry))
        for world in WORLDS.values():
            findings(world.tables)
        expected: dict[str, set[str]] = {}
        assert expected == undeclared
        assert {c for c, e in RULES.items() if e.check is not None} == set(calls)

    def test_declared_columns_are_columns_of_the_rule_table(self) -> None:
        """A rule's ``reads`` names columns of the table it checks, and every check has some."""
        wrong = {
            code: sorted(entry.reads - COLUMNS[entry.table])
            for code, entry in RULES.items()
            if entry.check is not None and (not entry.reads or entry.reads - COLUMNS[entry.table])
        }
        expected: dict[str, list[str]] = {}
        assert expected == wrong
