"""Scenario facts the catalogue promises, realism of random worlds, and input errors."""

from __future__ import annotations

from collections import Counter

import pytest

from restore_contracts.errors import InputError
from restore_contracts.generators import build_random, build_scenario, build_status
from restore_contracts.generators.clock import format_epoch, parse_anchor
from restore_contracts.generators.pools import pools_for


class TestCatalogueFacts:
    """Scenarios about one specific fact show exactly that fact."""

    @pytest.mark.parametrize(
        ("name", "transition"),
        [("dst_spring_forward", "2026-03-29 01:00:00"), ("dst_fall_back", "2026-10-25 01:00:00")],
    )
    def test_dst_runs_straddle_the_berlin_clock_change(self, name: str, transition: str) -> None:
        """started_at is before the UTC instant of the change and completed_at after it."""
        run = build_scenario(name, 1).restore_run()
        assert (run["started_at"] < transition, transition <= run["completed_at"]) == (True, True)

    def test_soft_deleted_backup_set_is_deleted_after_the_run(self) -> None:
        """The set carries deleted_at later than the run's completion, and still resolves."""
        world = build_scenario("soft_deleted_backup_set", 1)
        backup_set, run = world.rows("backup_sets")[0], world.restore_run()
        assert (True, backup_set["id"]) == (
            backup_set["deleted_at"] > run["completed_at"],
            run["backup_set_id"],
        )

    def test_pre_migration_runs_have_no_operation_run(self) -> None:
        """Runs created before 2026-02-10 have no operation run and no evidence."""
        worlds = [build_scenario(n, 1) for n in ("aborted", "completed_with_errors")]
        facts = [
            (
                w.restore_run()["created_at"] < "2026-02-10",
                w.restore_run()["operation_run_id"],
                w.rows("operation_runs"),
                w.rows("evidence_snapshots"),
            )
            for w in worlds
        ]
        assert facts == [(True, None, [], [])] * 2

    def test_large_run_has_ten_thousand_items(self) -> None:
        """The large scenario restores 10,000 items, all succeeded, counted in metadata."""
        run = build_scenario("large_10000_items", 1).restore_run()
        statuses = Counter(i["status"] for i in run["results"]["items"].values())
        assert (dict(statuses), run["metadata"]["total"]) == ({"succeeded": 10_000}, 10_000)

    def test_unicode_names_reach_items_and_results(self) -> None:
        """Non-ASCII display names appear in backup items and in the item outcomes."""
        world = build_scenario("unicode_display_names", 1)
        names = [i["display_name"] for i in world.rows("backup_items")]
        outcomes = [o["display_name"] for o in world.restore_run()["results"]["items"].values()]
        assert (names, True) == (outcomes, any(not n.isascii() for n in names))

    def test_failure_reasons_name_the_graph_error(self) -> None:
        """Each failure scenario's reason carries its HTTP status and the permission name."""
        reasons = {
            n: build_scenario(n, 1).restore_run()["failure_reason"]
            for n in (
                "failed",
                "failed_throttled",
                "failed_bad_request",
                "failed_not_found",
                "failed_timeout",
            )
        }
        expected = {
            "failed": ("403 Forbidden", "DeviceManagementConfiguration.ReadWrite.All"),
            "failed_throttled": ("429 Too Many Requests", "Retry-After"),
            "failed_bad_request": ("400 Bad Request", "rejected"),
            "failed_not_found": ("404 Not Found", "missing"),
            "failed_timeout": ("504 Gateway Timeout", "timed out"),
        }
        assert dict.fromkeys(expected, True) == {
            n: all(part in reasons[n] for part in parts) for n, parts in expected.items()
        }


class TestRandomRealism:
    """Random worlds come in realistic proportions and respect the migration dates."""

    @pytest.fixture(scope="class")
    @classmethod
    def runs(cls) -> list[dict[str, object]]:
        """The restore runs of 600 random worlds."""
        return [w.restore_run() for w in build_random(2, 600)]

    def test_mostly_completed_few_legacy(self, runs: list[dict[str, object]]) -> None:
        """Completed is the most common status; legacy statuses are rare; all 13 appear."""
        counts = Counter(str(r["status"]) for r in runs)
        legacy = counts["aborted"] + counts["completed_with_errors"]
        assert (
            counts.most_common(1)[0][0],
            legacy < len(runs) * 0.08,
            len(counts),
        ) == ("completed", True, 13)

    def test_spread_and_migration_dates(self, runs: list[dict[str, object]]) -> None:
        """Runs span 2025-12..2026-10; none before 2026-02-10 links an operation run."""
        created = sorted(str(r["created_at"]) for r in runs)
        early_linked = [
            r["id"]
            for r in runs
            if str(r["created_at"]) < "2026-02-10" and r["operation_run_id"] is not None
        ]
        assert (created[0][:7], created[-1][:7], early_linked) == ("2025-12", "2026-10", [])

    def test_requested_by_mixes_ids_and_text(self, runs: list[dict[str, object]]) -> None:
        """requested_by holds user ids, email addresses and nulls."""
        kinds = {type(r["requested_by"]).__name__ for r in runs}
        assert {"int", "str", "NoneType"} == kinds

    def test_status_builder(self) -> None:
        """build_status gives a world with that status; unknown statuses are refused."""
        world = build_status("running", 1)
        with pytest.raises(InputError) as refused:
            build_status("finished", 1)
        assert (
            world.restore_run()["status"],
            refused.value.format_message().startswith("unknown status 'finished'; valid"),
        ) == ("running", True)


class TestInputs:
    """Locales, anchors and names are checked with one-line errors."""

    @pytest.mark.parametrize("locale", ["de_DE", "ja_JP", "fr_FR"])
    def test_locale_pools_are_localised(self, locale: str) -> None:
        """Pools draw people and companies from the requested locale (deterministically)."""
        first, again = pools_for(3, locale), pools_for(3, locale)
        english = pools_for(3, "en_US")
        assert (first.people, True) == (again.people, first.people != english.people)

    def test_anchor_parsing(self) -> None:
        """Dates, timestamps and offsets parse to UTC; the default is 2026-06-01."""
        values = [None, "2026-07-04", "2026-07-04T12:30:00+02:00"]
        expected = ["2026-06-01 00:00:00", "2026-07-04 00:00:00", "2026-07-04 10:30:00"]
        assert expected == [format_epoch(parse_anchor(v)) for v in values]

    def test_unknown_scenario(self) -> None:
        """An unknown scenario name lists every valid one."""
        with pytest.raises(InputError) as refused:
            build_scenario("done", 1)
        assert refused.value.format_message().startswith(
            "unknown scenario 'done'; valid scenarios: draft, scoped, checked,"
        )
