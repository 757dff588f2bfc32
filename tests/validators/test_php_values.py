"""Values PHP writes that drift from the contract, and JSON columns encoded twice, from every file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from restore_contracts.generators.world import World
from restore_contracts.generators.writers import write_worlds
from restore_contracts.validators import Finding, open_source, validate
from restore_contracts.validators.findings import show
from restore_contracts.validators.tables import JSON_COLUMNS

from .conftest import findings, scenario

RUNS = "restore_runs"
SOURCE = "world/restore_runs"


def on_run(world: World, code: str, severity: str, pointer: str, message: str) -> Finding:
    """A finding on the world's restore run (line 1 of the in-memory source)."""
    return Finding(code, severity, RUNS, world.restore_run()["id"], SOURCE, 1, pointer, message)  # type: ignore[arg-type]


NUMERIC_TEXT_CAUSE = (
    "(a PHP string, e.g. a request value or string arithmetic without an (int) cast, "
    "written by json_encode)"
)


class TestDrift:
    def test_numeric_text_is_read_as_its_number_for_the_other_rules(self) -> None:
        """A count stored as "7" is RR106, and RR302 still compares the number 7 to the items."""
        world = scenario("completed")
        meta = world.restore_run()["metadata"]
        meta["total"] = "7"
        meta["succeeded"] = "6"
        items = len(world.restore_run()["results"]["items"])
        expected = [
            on_run(
                world,
                "RR106",
                "warning",
                "/metadata/total",
                f'total is the text "7"; expected the number 7 {NUMERIC_TEXT_CAUSE}',
            ),
            on_run(
                world,
                "RR106",
                "warning",
                "/metadata/succeeded",
                f'succeeded is the text "6"; expected the number 6 {NUMERIC_TEXT_CAUSE}',
            ),
            on_run(
                world,
                "RR302",
                "error",
                "/metadata/total",
                f"total is 7; expected {items} (results.items has {items} entries)",
            ),
        ]
        assert expected == findings(world.tables)

    def test_reading_a_drifted_value_leaves_the_source_row_alone(self) -> None:
        """The number read for numeric text inside results is not written back into the row."""
        world = scenario("completed")
        run = world.restore_run()
        key = next(iter(run["results"]["items"]))
        run["results"]["items"][key]["http_status"] = "404"
        before = orjson.dumps(world.tables)
        found = [(f.code, f.pointer) for f in findings(world.tables)]
        expected = ([("RR106", f"/results/items/{key}/http_status")], before)
        assert expected == (found, orjson.dumps(world.tables))

    def test_negative_numeric_text_is_drift_and_a_model_violation(self) -> None:
        """ "-3" for a count is numeric text and, read as -3, still below the minimum."""
        world = scenario("completed")
        world.restore_run()["metadata"]["foundations_skipped"] = "-3"
        expected = [
            on_run(
                world,
                "RR101",
                "error",
                "/metadata/foundations_skipped",
                "Input should be greater than or equal to 0 (got -3)",
            ),
            on_run(
                world,
                "RR106",
                "warning",
                "/metadata/foundations_skipped",
                f'foundations_skipped is the text "-3"; expected the number -3 {NUMERIC_TEXT_CAUSE}',
            ),
        ]
        assert expected == findings(world.tables)

    def test_a_list_rekeyed_by_array_filter_is_read_as_its_values(self) -> None:
        """requested_items {"0": a, "2": b} is RR108, and RR305 still sees which items were asked."""
        world = scenario("completed")
        run = world.restore_run()
        kept = run["requested_items"][1:]
        run["requested_items"] = {str(i + 1): item for i, item in enumerate(kept)}
        dropped = str(
            world.restore_run()["results"]["items"] and next(iter(run["results"]["items"]))
        )
        keys = ", ".join(f'"{i + 1}"' for i in range(min(5, len(kept)))) + (
            ", …" if len(kept) > 5 else ""
        )
        expected = [
            on_run(
                world,
                "RR108",
                "warning",
                "/requested_items",
                f"requested_items is an object with keys {keys}; expected a list (a PHP array "
                "left with gaps in its keys by array_filter or unset, written as an object by "
                "json_encode; array_values keeps it a list)",
            ),
            on_run(
                world,
                "RR305",
                "error",
                f"/results/items/{dropped}",
                f"backup item {dropped} has a result but was not requested",
            ),
        ]
        assert expected == findings(world.tables)

    def test_a_fraction_is_not_rounded_and_other_columns_are_still_checked(self) -> None:
        """A fractional duration_ms is RR107 (not RR101); results is unread, RR209 still runs."""
        world = scenario("completed")
        run = world.restore_run()
        key = next(iter(run["results"]["items"]))
        run["results"]["items"][key]["duration_ms"] = 1200.25
        run["results"]["items"][key]["status"] = "exploded"
        run["failure_reason"] = "stale"
        expected = [
            on_run(
                world,
                "RR107",
                "warning",
                f"/results/items/{key}/duration_ms",
                "duration_ms is 1200.25; expected a whole number (PHP float arithmetic, e.g. "
                "(microtime(true) - $start) * 1000, stored without an (int) cast)",
            ),
            on_run(
                world,
                "RR209",
                "error",
                "/failure_reason",
                'failure_reason is "stale"; expected null for a completed run',
            ),
        ]
        assert expected == findings(world.tables)

    def test_an_object_with_other_keys_is_a_model_violation(self) -> None:
        """An object keyed by names is no PHP list: RR101, not RR108."""
        world = scenario("completed")
        world.restore_run()["requested_items"] = {"first": 1}
        expected = [
            on_run(
                world,
                "RR101",
                "error",
                "/requested_items",
                'Input should be a valid list (got {"first":1})',
            )
        ]
        assert expected == findings(world.tables)


def _double(value: Any) -> str:
    """JSON text of JSON text: json_encode before the model's array cast encodes again."""
    return orjson.dumps(orjson.dumps(value).decode()).decode()


def _validate_path(path: Path) -> list[Finding]:
    source = open_source(str(path))
    try:
        return validate(source).findings
    finally:
        source.close()


def _identity(found: list[Finding]) -> list[tuple[str, str, Any, str]]:
    return [(f.code, f.table, f.id, f.pointer) for f in found]


class TestDoubleEncoding:
    def _world(self) -> World:
        world = scenario("completed")
        run = world.restore_run()
        run["metadata"] = _double(run["metadata"])
        return world

    def test_one_finding_and_the_inner_value_is_read(self) -> None:
        """Metadata encoded twice is one RR109; the counts inside are still checked (RR302)."""
        world = scenario("completed")
        run = world.restore_run()
        run["metadata"]["total"] = 99
        inner = orjson.dumps(run["metadata"]).decode()
        run["metadata"] = orjson.dumps(inner).decode()
        items = len(run["results"]["items"])
        text = orjson.dumps(inner).decode()
        shown = f"{text[:80]}…(shortened from {len(text)} characters)"
        expected = [
            on_run(
                world,
                "RR109",
                "error",
                "/metadata",
                f"metadata is JSON text of the text {shown}, which is JSON again: encoded twice, "
                "e.g. json_encode on a value the model's array or json cast encodes again; the "
                "application reads a string, not the object inside",
            ),
            on_run(
                world,
                "RR302",
                "error",
                "/metadata/total",
                f"total is 99; expected {items} (results.items has {items} entries)",
            ),
        ]
        assert expected == findings(world.tables)

    def test_json_text_of_an_object_is_the_export_encoding_not_a_finding(self) -> None:
        """JSON columns as JSON text once (CSV, NDJSON, MySQL text) are a valid encoding."""
        world = scenario("completed")
        run = world.restore_run()
        for column in JSON_COLUMNS["restore_runs"]:
            run[column] = orjson.dumps(run[column]).decode()
        expected: list[Finding] = []
        assert expected == findings(world.tables)

    def test_json_text_beside_decoded_columns_was_encoded_twice(self) -> None:
        """An Eloquent toArray() dump decodes every cast column once: metadata left as JSON
        text beside decoded results was stored as JSON text of its JSON (RR109)."""
        world = scenario("completed")
        run = world.restore_run()
        text = orjson.dumps(run["metadata"]).decode()
        run["metadata"] = text
        shown = show(text)
        expected = [
            on_run(
                world,
                "RR109",
                "error",
                "/metadata",
                f"metadata is JSON text of the text {shown}, which is JSON again: encoded twice, "
                "e.g. json_encode on a value the model's array or json cast encodes again; the "
                "application reads a string, not the object inside",
            )
        ]
        assert expected == findings(world.tables)

    def test_text_that_is_a_plain_string_is_a_model_violation(self) -> None:
        """A JSON string that is not JSON inside is no double encoding: RR101."""
        world = scenario("completed")
        world.restore_run()["metadata"] = '"done"'
        expected = [
            on_run(
                world,
                "RR101",
                "error",
                "/metadata",
                'Input should be a valid dictionary or instance of RestoreRunMetadata (got "done")',
            )
        ]
        assert expected == findings(world.tables)

    @pytest.mark.parametrize("fmt", ["ndjson", "csv", "json"])
    def test_every_file_format_gives_the_same_finding(self, fmt: str, tmp_path: Path) -> None:
        """NDJSON lines, COPY CSV cells and a JSON document (toArray dump) give one RR109."""
        world = self._world()
        expected = _identity(findings(world.tables))
        write_worlds([world], fmt, tmp_path)
        found = _validate_path(tmp_path)
        assert [("RR109", RUNS, world.restore_run()["id"], "/metadata")] == expected
        assert expected == _identity(found)

    def test_a_row_to_json_line_of_a_string_column_gives_the_same_finding(
        self, tmp_path: Path
    ) -> None:
        """An NDJSON line whose jsonb column was a string (as text of it) reads as RR109."""
        world = self._world()
        path = tmp_path / "restore_runs.ndjson"
        path.write_bytes(orjson.dumps(world.restore_run()) + b"\n")
        found = _validate_path(path)
        assert [("RR109", RUNS, world.restore_run()["id"], "/metadata")] == _identity(found)
