"""Reports that data can take over: one row cannot make the report as long as the row is wide."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.generators import build_scenario

COLUMNS = 100_000


class TestFindingsPerRow:
    def test_a_row_with_100000_columns_gives_21_findings(self, tmp_path: Path) -> None:
        """A 100,000-column row (about 2 MB) gives 20 named unknown columns and one count."""
        run = build_scenario("completed", 1).restore_run()
        wide = {**run, **{f"c{i}": i for i in range(COLUMNS)}}
        path = tmp_path / "restore_runs.ndjson"
        path.write_bytes(orjson.dumps(wide) + b"\n")
        result = CliRunner().invoke(
            cli, ["validate", str(path), "--format", "json", "--fail-on", "warning"]
        )
        found = orjson.loads(result.output)["findings"]
        expected = (
            1,
            [f"/c{i}" for i in sorted(range(20), key=str)] + [""],
            "99980 more values in columns not in the restore_runs contract (only the first 20 "
            "column names are listed; this is the one with the lowest id)",
        )
        assert expected == (result.exit_code, [f["pointer"] for f in found], found[-1]["message"])
        assert len(result.output) < 20_000
