"""The engine: skipped rules, every finding collected, configuration, selection, indexes."""

from __future__ import annotations

from restore_contracts.config import build_assumptions
from restore_contracts.generators.world import World
from restore_contracts.validators import Finding
from restore_contracts.validators.index import IdSet

from .conftest import findings, run, scenario

RUN_SOURCE = "world/restore_runs"


class TestSkipping:
    def test_rules_needing_an_absent_table_are_skipped_not_passed(self, completed: World) -> None:
        """Without operation_runs the RR5xx cross-table rules are skipped, each with the reason."""
        tables = {t: rows for t, rows in completed.tables.items() if t != "operation_runs"}
        result = run(tables)
        expected = []
        assert expected == result.findings
        expected = {
            "RR501": "needs operation_runs, not in the input",
            "RR502": "needs operation_runs, not in the input",
            "RR503": "needs operation_runs, not in the input",
            "RR504": "needs operation_runs, not in the input",
            "RR505": "needs operation_runs, not in the input",
            "RR601": "needs operation_runs, not in the input",
            "RR602": "needs operation_runs, not in the input",
        }
        assert expected == {c: r for c, r in result.skipped.items() if not c.startswith("RR4")}
        assert not set(result.skipped) & set(result.applied)

    def test_rows_read_per_table_in_reading_order(self, completed: World) -> None:
        """The summary counts rows per table, referenced tables first."""
        expected = {
            "workspaces": 1,
            "managed_environments": 1,
            "backup_sets": 1,
            "backup_items": 6,
            "operation_runs": 1,
            "evidence_snapshots": 1,
            "restore_runs": 1,
        }
        assert expected == run(completed.tables).rows


class TestCollecting:
    def test_every_finding_of_a_row_is_reported(self, completed: World) -> None:
        """One row breaking three rules gives all three findings, in rule order."""
        row = completed.restore_run()
        row["failure_reason"] = "boom"
        row["updated_at"] = "2000-01-01 00:00:00"
        del row["metadata"]["check_basis"]
        key = row["id"]
        expected = [
            ("RR207", "/updated_at"),
            ("RR207", "/updated_at"),
            ("RR209", "/failure_reason"),
            ("RR309", "/metadata/check_basis"),
        ]
        assert expected == [(f.code, f.pointer) for f in findings(completed.tables)]
        assert {key} == {f.id for f in findings(completed.tables)}

    def test_model_errors_point_into_json_columns(self, completed: World) -> None:
        """A model violation inside a JSON column has the pointer of the bad value."""
        row = completed.restore_run()
        key = next(iter(row["results"]["items"]))
        row["results"]["items"][key]["http_status"] = "forbidden"
        row["requested_by"] = True
        assert [
            Finding(
                "RR101",
                "error",
                "restore_runs",
                row["id"],
                RUN_SOURCE,
                1,
                "/requested_by",
                "Input should be a valid integer or a valid string (got true)",
            ),
            Finding(
                "RR101",
                "error",
                "restore_runs",
                row["id"],
                RUN_SOURCE,
                1,
                f"/results/items/{key}/http_status",
                'Input should be a valid integer (got "forbidden")',
            ),
        ] == findings(completed.tables)

    def test_text_encodings_are_normalised_not_reported(self, completed: World) -> None:
        """Ids as text, 't'/'f', JSON text and ISO timestamps with offsets are valid encodings."""
        import orjson

        row = completed.restore_run()
        row["id"] = str(row["id"])
        row["is_dry_run"] = "f"
        for column in ("requested_items", "preview", "results", "metadata"):
            row[column] = orjson.dumps(row[column]).decode()  # JSON columns read as text
        row["created_at"] = row["created_at"].replace(" ", "T") + "+00:00"
        expected = []
        assert expected == findings(completed.tables)

    def test_duplicate_keys_small_and_large(self) -> None:
        """Duplicates are found for bitmap-sized and for huge ids alike."""
        rows = [{"id": i, "name": "w"} for i in (5, 2**40, 5, 2**40)]
        expected = [(3, 5), (4, 2**40)]
        assert expected == [
            (f.line, f.id) for f in findings({"workspaces": rows}) if f.code == "RR006"
        ]

    def test_unknown_table_is_noted(self) -> None:
        """A table the contracts do not know is an info finding, not silently passed."""
        assert [
            Finding(
                "RR105",
                "info",
                "users",
                None,
                "world/users",
                None,
                "",
                "table 'users' is not covered by the contracts; its rows were not read",
            )
        ] == findings({"users": [{"id": 1}]})


class TestConfiguration:
    def test_severity_override(self, completed: World) -> None:
        """A configured severity replaces the rule's default in the findings."""
        completed.restore_run()["failure_reason"] = "boom"
        assumptions = build_assumptions({"severity": {"RR209": "warning"}})
        expected = ["warning"]
        assert expected == [f.severity for f in findings(completed.tables, assumptions=assumptions)]

    def test_vocabulary_comes_from_the_configuration(self, completed: World) -> None:
        """A status outside the default vocabulary passes when the configuration adds it."""
        row = completed.restore_run()
        key = next(iter(row["results"]["items"]))
        old = row["results"]["items"][key]["status"]
        row["metadata"][old] -= 1
        row["results"]["items"][key]["status"] = "restored"
        expected = ["RR306"]
        assert expected == [f.code for f in findings(completed.tables)]
        statuses = ("succeeded", "failed", "skipped", "partial", "non_applied", "restored")
        assumptions = build_assumptions({"item_outcome_statuses": statuses})
        expected = []
        assert expected == findings(completed.tables, assumptions=assumptions)

    def test_selection_limits_the_rules(self, completed: World) -> None:
        """Only selected codes run; the others neither report nor count as applied."""
        completed.restore_run()["failure_reason"] = "boom"
        result = run(completed.tables, codes={"RR208"})
        expected = ([], ["RR208"])
        assert expected == (result.findings, result.applied)


class TestLegacyStatuses:
    def test_aborted_is_read_as_cancelled(self) -> None:
        """The legacy aborted status is an info finding and otherwise checked as cancelled."""
        world = scenario("aborted")
        expected = ["RR104", "RR506"]
        assert expected == [f.code for f in findings(world.tables)]


class TestIdSet:
    def test_membership_and_duplicates(self) -> None:
        """add() says whether an id is new; membership works for small and huge ids."""
        ids = IdSet()
        expected = [True, True, False, True, False]
        assert expected == [ids.add(i) for i in (1, 2**62, 1, 8, 2**62)]
        expected = (3, True, False, False)
        assert expected == (len(ids), 8 in ids, 9 in ids, "8" in ids)
