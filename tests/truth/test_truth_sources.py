"""The same rows give the same truth figures from every file format."""

from __future__ import annotations

from pathlib import Path

from restore_contracts.generators import build_scenario, write_worlds
from tests.db.test_db_truth import normalised, truth
from tests.truth.test_truth_generated import SCENARIOS


def test_csv_report_equals_ndjson(tmp_path: Path) -> None:
    """CSV cells are text, yet every figure (requested_by's types included) equals NDJSON's."""
    worlds = [build_scenario(name, seed=3) for name in SCENARIOS]
    write_worlds(worlds, "ndjson", tmp_path / "ndjson")
    write_worlds(worlds, "csv", tmp_path / "csv")
    ndjson = normalised(truth(str(tmp_path / "ndjson")))
    csv = normalised(truth(str(tmp_path / "csv")))
    assert "integer" in ndjson["questions"]["nullability"]["requested_by_types"]
    assert {k: v for k, v in ndjson.items() if k != "source"} == {
        k: v for k, v in csv.items() if k != "source"
    }
