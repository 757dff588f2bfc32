"""Keys the toolkit invented are checked by their own rules; the row still passes every other."""

from __future__ import annotations

from restore_contracts.validators.findings import Finding

from .conftest import findings, scenario


class TestInventedKeys:
    """A real results column shaped otherwise gets RR314-RR316 and nothing else."""

    def test_items_and_foundations_shaped_otherwise(self) -> None:
        """Items keyed ``outcome`` and foundations keyed ``kind``/``result`` give only their rules."""
        world = scenario("completed")
        run = world.restore_run()
        results = run["results"]
        for outcome in results["items"].values():
            outcome["outcome"] = outcome.pop("status")
        for entry in results["foundations"]:
            entry["kind"] = entry.pop("type")
            entry["result"] = entry.pop("decision")
        key = run["id"]
        expected = [
            Finding(
                "RR314",
                "error",
                "restore_runs",
                key,
                "world/restore_runs",
                1,
                f"/results/items/{item}",
                "item outcome has no status; expected the assumed key status",
            )
            for item in results["items"]
        ]
        for code, name in (("RR315", "type"), ("RR316", "decision")):
            expected += [
                Finding(
                    code,
                    "error",
                    "restore_runs",
                    key,
                    "world/restore_runs",
                    1,
                    f"/results/foundations/{index}",
                    f"foundation entry has no {name}; expected the assumed key {name}",
                )
                for index in range(len(results["foundations"]))
            ]
        assert results["items"]
        assert results["foundations"]
        assert expected == findings(world.tables)

    def test_total_still_judged_without_item_statuses(self) -> None:
        """RR302 still holds total to the number of items when statuses cannot be counted."""
        world = scenario("completed")
        run = world.restore_run()
        for outcome in run["results"]["items"].values():
            del outcome["status"]
        run["metadata"]["total"] += 1
        found = [(f.code, f.pointer) for f in findings(world.tables) if f.code != "RR314"]
        assert found == [("RR302", "/metadata/total")]
