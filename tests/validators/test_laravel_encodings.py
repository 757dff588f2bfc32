"""What a Laravel application legitimately writes is accepted: no error, no warning.

Every generated world is rewritten as PHP and Laravel write it (``[]`` for an
empty map, Carbon's ISO times inside JSON, Eloquent's and psql's ISO times in
the columns, 0/1 flags, integral floats, ids as digit text, ``json_encode``'s
``\\/`` and ``\\uXXXX`` escapes, JSON ``null``) and must give exactly the
findings of the canonical world, from rows in memory and from NDJSON text.
The shapes that real exports carry on every row also stay on the fast path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from restore_contracts.generators import SCENARIOS
from restore_contracts.validators import open_source, validate
from restore_contracts.validators.fastpath import FAST_TYPES, fast_converter, fast_decoder
from restore_contracts.validators.readers.memory import RowsSource

from .conftest import scenario

Tables = dict[str, list[dict[str, Any]]]
NAMES = [name for name in sorted(SCENARIOS) if not name.startswith("large")]
TOP_LEVEL_JSON = (
    "preview",
    "results",
    "metadata",
    "summary_counts",
    "context",
    "payload",
    "summary",
)


def _carbon(text: str) -> str:
    return f"{text[:10]}T{text[11:19]}.000000Z"


def _php_json(value: Any) -> Any:
    """A JSON column's value as PHP writes it: [] for an empty map, Carbon times, 0/1 flags."""
    if isinstance(value, dict):
        if not value:
            return []
        out = {}
        for key, item in value.items():
            if key.endswith("_at") and isinstance(item, str):
                out[key] = _carbon(item)
            elif key == "checks_passed" and isinstance(item, bool):
                out[key] = int(item)
            else:
                out[key] = _php_json(item)
        return out
    if isinstance(value, list):
        return [_php_json(item) for item in value]
    return value


def laravel_row(row: dict[str, Any]) -> dict[str, Any]:
    """A canonical row as Eloquent's toArray() (even ids) or psql's row_to_json (odd ids)
    writes it, its JSON columns as PHP's json_encode wrote them."""
    shaped: dict[str, Any] = {}
    for column, value in row.items():
        if column in TOP_LEVEL_JSON:
            shaped[column] = _php_json(value)
        elif column.endswith("_at") and isinstance(value, str):
            eloquent = isinstance(row["id"], int) and row["id"] % 2 == 0
            shaped[column] = _carbon(value) if eloquent else value.replace(" ", "T")
        else:
            shaped[column] = value
    return shaped


def _drifted(row: dict[str, Any]) -> dict[str, Any]:
    """Laravel values the fast path leaves to the model: integral floats and digit-text ids."""
    shaped = laravel_row(row)
    metadata = shaped.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("total"), int):
        metadata["total"] = float(metadata["total"])
    items = (shaped.get("results") or {}).get("items")
    if isinstance(items, dict):
        for outcome in items.values():
            if isinstance(outcome.get("duration_ms"), int):
                outcome["duration_ms"] = float(outcome["duration_ms"])
    if isinstance(shaped.get("requested_items"), list):
        shaped["requested_items"] = [str(i) for i in shaped["requested_items"]]
    if "item_count" in shaped and isinstance(shaped["item_count"], int):
        shaped["item_count"] = str(shaped["item_count"])
    return shaped


def _php_text(row: dict[str, Any]) -> str:
    """PHP's json_encode with default flags: escaped slashes and \\uXXXX for non-ASCII."""
    return json.dumps(row, ensure_ascii=True).replace("/", "\\/")


def _found(tables: Tables, source: str, tmp_path: Path) -> list[tuple[Any, ...]]:
    if source == "memory":
        result = validate(RowsSource(tables, "world"))
    else:
        for table, rows in tables.items():
            (tmp_path / f"{table}.ndjson").write_text("".join(_php_text(r) + "\n" for r in rows))
        result = validate(open_source(str(tmp_path)))
    return [(f.code, f.table, f.id, f.pointer, f.message) for f in result.findings]


def _shaped(name: str, shape: Callable[[dict[str, Any]], dict[str, Any]]) -> Tables:
    world = scenario(name)
    return {table: [shape(row) for row in rows] for table, rows in world.tables.items()}


@pytest.mark.parametrize("source", ["memory", "ndjson"])
@pytest.mark.parametrize("name", NAMES)
def test_laravel_world_gives_the_canonical_findings(name: str, source: str, tmp_path: Path) -> None:
    """A world as Laravel writes it gives exactly the findings of the world as generated."""
    canonical = _found(scenario(name).tables, "memory", tmp_path)
    assert _found(_shaped(name, laravel_row), source, tmp_path) == canonical


@pytest.mark.parametrize("source", ["memory", "ndjson"])
@pytest.mark.parametrize("name", ["completed", "requested_subset", "partial", "dry_run_completed"])
def test_integral_floats_and_digit_ids_are_accepted(name: str, source: str, tmp_path: Path) -> None:
    """Counts as integral floats (1200.0) and ids as digit text are the values they spell."""
    canonical = _found(scenario(name).tables, "memory", tmp_path)
    assert _found(_shaped(name, _drifted), source, tmp_path) == canonical


@pytest.mark.parametrize("name", NAMES)
def test_laravel_rows_stay_on_the_fast_path(name: str) -> None:
    """Every row in Laravel's everyday shape, plus an application column, is read by the
    fast path (decoder and converter), never by the model."""
    refused = []
    for table, rows in _shaped(name, laravel_row).items():
        if table not in FAST_TYPES:
            continue
        decode, convert = fast_decoder(table), fast_converter(table)
        assert decode is not None
        assert convert is not None
        for row in rows:
            extended = {**row, "tenant_note": "kept by the application"}
            decoded = decode(_php_text(extended).encode())
            if decoded is None or convert(extended) is None:
                refused.append((table, row["id"]))
            elif decoded["tenant_note"] != "kept by the application":
                refused.append((table, row["id"], "extra column lost"))
    expected: list[Any] = []
    assert expected == refused


class TestJsonNull:
    def test_json_null_text_in_a_nullable_json_column(self) -> None:
        """A JSON column holding the text 'null' (json_encode(null)) is SQL NULL."""
        tables: Tables = {
            table: [dict(row) for row in rows] for table, rows in scenario("draft").tables.items()
        }
        run = tables["restore_runs"][0]
        for column in ("requested_items", "metadata"):
            run[column] = orjson.dumps(run[column]).decode()  # a row read as text
        run["results"] = "null"
        run["preview"] = "[]"
        assert _found(tables, "memory", Path()) == _found(
            scenario("draft").tables, "memory", Path()
        )
