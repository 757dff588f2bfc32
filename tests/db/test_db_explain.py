"""``explain`` reads one run from a database exactly as from files."""

from __future__ import annotations

from pathlib import Path

from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.urls import parse_url
from restore_contracts.generators import build_scenario, write_worlds
from tests.test_explain import explain_json


def test_database_explanation_equals_files(db_url: str, tmp_path: Path) -> None:
    """Derived view, rows behind it and findings agree; the database row is read by the driver."""
    worlds = [build_scenario(name, seed=3) for name in ("failed", "evidence_latest_any_pending")]
    write_worlds(worlds, "ndjson", tmp_path / "files")
    seed_worlds(parse_url(db_url), worlds)
    for world in worlds:
        run_id = world.restore_run()["id"]
        files = explain_json(str(tmp_path / "files"), run_id)
        database = explain_json(db_url, run_id)
        assert (files["derived"], True) == (
            database["derived"],
            database["restore_run"]["matches_contract"],
        )
        assert [(f["code"], f["pointer"]) for f in files["findings"]] == [
            (f["code"], f["pointer"]) for f in database["findings"]
        ]
        assert (run_id, database["operation_run"]["id"]) == (
            database["restore_run"]["row"]["id"],
            world.restore_run()["operation_run_id"],
        )
