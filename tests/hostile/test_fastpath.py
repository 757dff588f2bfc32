"""Regressions of the fast path and the types: each value once passed, crashed or differed.

Every case runs through both fast entries of the engine (NDJSON text through the
fast decoder, parsed rows through the fast converter) and must give the model's
verdict, as one finding at the value's pointer, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from restore_contracts.generators import build_scenario
from restore_contracts.validators import open_source, validate
from restore_contracts.validators.fastpath import fast_converter, fast_decoder
from restore_contracts.validators.readers.memory import RowsSource

from .oracle import model_row

Change = Callable[[dict[str, Any]], None]
TIMESTAMP_MESSAGE = (
    "expected a timestamp as 'Y-m-d H:i:s', with fractional seconds, "
    "or ISO 8601 with Z or an offset; got {!r}"
)


def _tables() -> dict[str, list[dict[str, Any]]]:
    world = build_scenario("completed", 1)
    copied: dict[str, list[dict[str, Any]]] = json.loads(json.dumps(world.tables))
    return copied


def _findings(tables: dict[str, list[dict[str, Any]]], source: str, tmp_path: Path) -> list[Any]:
    if source == "memory":
        result = validate(RowsSource(tables, "world"))
    else:
        for table, rows in tables.items():
            (tmp_path / f"{table}.ndjson").write_text(
                "".join(json.dumps(row) + "\n" for row in rows)
            )
        result = validate(open_source(str(tmp_path)))
    return [(f.code, f.table, f.id, f.pointer, f.message) for f in result.findings]


def _first_item_key(run: dict[str, Any]) -> str:
    return next(iter(run["results"]["items"]))


def _rename_item(run: dict[str, Any], new: str, *, both: bool) -> None:
    old = _first_item_key(run)
    for column in ("results", "preview") if both else ("results",):
        items = run[column]["items"]
        run[column]["items"] = {new if k == old else k: v for k, v in items.items()}


SOURCES = ["memory", "ndjson"]


@pytest.mark.parametrize("source", SOURCES)
class TestOnceWrong:
    def test_comma_joined_timestamps_are_one_bad_value(self, source: str, tmp_path: Path) -> None:
        """Two timestamps joined by a comma in one column are one invalid value (it passed)."""
        tables = _tables()
        run = tables["restore_runs"][0]
        value = "2026-03-07 15:04:43,1999-01-01 00:00:00"
        run["created_at"] = value
        assert _findings(tables, source, tmp_path) == [
            ("RR101", "restore_runs", run["id"], "/created_at", TIMESTAMP_MESSAGE.format(value))
        ]

    def test_column_named_with_a_newline_and_quote_is_one_finding(
        self, source: str, tmp_path: Path
    ) -> None:
        """An extra column msgspec cannot name a field after (newline, quote, backslash) is
        one RR103, not a traceback from the fast decoder learning it."""
        tables = _tables()
        run = tables["restore_runs"][0]
        name = 'a\n"\\::error::x'
        run[name] = 1
        message = (
            f"column {json.dumps(name)} is not in the restore_runs contract "
            "(1 row; this is the one with the lowest id)"
        )
        assert _findings(tables, source, tmp_path) == [
            ("RR103", "restore_runs", run["id"], f"/{name}", message)
        ]

    def test_comma_joined_basis_time_is_one_bad_value(self, source: str, tmp_path: Path) -> None:
        """The same inside the metadata JSON: a comma cannot split one value into two."""
        tables = _tables()
        run = tables["restore_runs"][0]
        value = "2026-03-07 15:04:43,1999-01-01 00:00:00"
        run["metadata"]["scope_basis"]["recorded_at"] = value
        assert _findings(tables, source, tmp_path) == [
            (
                "RR101",
                "restore_runs",
                run["id"],
                "/metadata/scope_basis/recorded_at",
                TIMESTAMP_MESSAGE.format(value),
            )
        ]

    @pytest.mark.parametrize("both", [False, True], ids=["results", "results-and-preview"])
    def test_item_key_with_a_comma_is_one_finding(
        self, source: str, both: bool, tmp_path: Path
    ) -> None:
        """An item key "2,9000001" is one bad key at its pointer (it crashed the whole run)."""
        tables = _tables()
        run = tables["restore_runs"][0]
        _rename_item(run, "2,9000001", both=both)
        message = "key string should match pattern '^[1-9][0-9]{0,17}$' (got \"2,9000001\")"
        expected = [("RR101", "restore_runs", run["id"], "/results/items/2,9000001", message)]
        if both:
            expected.insert(
                0, ("RR101", "restore_runs", run["id"], "/preview/items/2,9000001", message)
            )
        assert _findings(tables, source, tmp_path) == expected

    def test_offset_beyond_year_one_is_a_finding(self, source: str, tmp_path: Path) -> None:
        """Midnight of year 1 at +01:00 has no UTC time: a finding (it raised OverflowError)."""
        tables = _tables()
        run = tables["restore_runs"][0]
        run["created_at"] = "0001-01-01T00:00:00+01:00"
        assert _findings(tables, source, tmp_path) == [
            (
                "RR101",
                "restore_runs",
                run["id"],
                "/created_at",
                "outside the range of representable times: '0001-01-01T00:00:00+01:00' "
                '(got "0001-01-01T00:00:00+01:00")',
            )
        ]

    def test_id_with_a_trailing_newline_is_not_an_id(self, source: str, tmp_path: Path) -> None:
        """ "12\\n" is not the id 12 (the model's ``$`` let it pass)."""
        tables = _tables()
        tables["operation_runs"][0]["user_id"] = "12\n"
        op = tables["operation_runs"][0]
        assert _findings(tables, source, tmp_path) == [
            (
                "RR101",
                "operation_runs",
                op["id"],
                "/user_id",
                'Input should be a valid integer (got "12\\n")',
            )
        ]

    def test_count_beyond_php_int_is_refused(self, source: str, tmp_path: Path) -> None:
        """A count PHP cannot write as an integer is refused on both paths (the fast path kept
        it exact while the model path read it as a rounded float)."""
        tables = _tables()
        run = tables["restore_runs"][0]
        run["metadata"]["total"] = 2**70
        assert _findings(tables, source, tmp_path) == [
            (
                "RR101",
                "restore_runs",
                run["id"],
                "/metadata/total",
                "Input should be less than or equal to 9223372036854775807 (got "
                f"{2**70 if source == 'memory' else int(float(2**70))})",
            )
        ]


class TestFastEntriesAgree:
    @pytest.mark.parametrize(
        ("column", "value"),
        [
            ("created_at", "2026-03-07 15:04:43,1999-01-01 00:00:00"),
            ("started_at", "2026-03-07 15:04:43,"),
            ("completed_at", ",2026-03-07 15:04:43"),
            ("updated_at", "2026-03-07T15:04:43Z,2026-03-07T15:04:44Z"),
        ],
    )
    def test_commas_in_timestamps_never_pass(self, column: str, value: str) -> None:
        """Neither fast entry accepts a timestamp holding a comma; the model rejects it."""
        run = _tables()["restore_runs"][0]
        run[column] = value
        decode = fast_decoder("restore_runs")
        convert = fast_converter("restore_runs")
        assert decode is not None
        assert convert is not None
        verdicts = (decode(json.dumps(run).encode()), convert(run), model_row("restore_runs", run))
        assert verdicts == (None, None, None)

    @pytest.mark.parametrize(
        "key", ["2,9000001", "2;9000001", ",2", "2,", "", "\u0662", "2\n", "9" * 19]
    )
    def test_hostile_item_keys_never_pass(self, key: str) -> None:
        """Neither fast entry accepts an item key that is not one backup item id."""
        run = _tables()["restore_runs"][0]
        _rename_item(run, key, both=True)
        decode = fast_decoder("restore_runs")
        convert = fast_converter("restore_runs")
        assert decode is not None
        assert convert is not None
        verdicts = (decode(json.dumps(run).encode()), convert(run), model_row("restore_runs", run))
        assert verdicts == (None, None, None)

    @pytest.mark.parametrize("suffix", [".000000Z", ".000000", ".000000+00:00", "Z", "+00:00"])
    @pytest.mark.parametrize(
        "garbage",
        [".123456{}", ".5{}", "Z{}", "+00:00{}", "{}Z", "{}{}", "T{}", ".000000{}"],
    )
    def test_suffixes_never_combine_into_a_valid_time(self, suffix: str, garbage: str) -> None:
        """With every time of a run in one ISO form, one time carrying two suffixes (such as
        '.123456.000000Z') is refused by both fast entries, as by the model."""
        run = _tables()["restore_runs"][0]
        meta = run["metadata"]
        holders = [(run, c) for c in ("created_at", "updated_at", "started_at", "completed_at")]
        holders += [(meta[f"{b}_basis"], "recorded_at") for b in ("scope", "check", "preview")]
        holders += [
            (meta["execution_safety_snapshot"], "captured_at"),
            (run["preview"], "generated_at"),
        ]
        for holder, name in holders:
            holder[name] = holder[name].replace(" ", "T") + suffix
        run["created_at"] = run["created_at"][:19] + garbage.format(suffix, suffix)
        decode = fast_decoder("restore_runs")
        convert = fast_converter("restore_runs")
        assert decode is not None
        assert convert is not None
        verdicts = (decode(json.dumps(run).encode()), convert(run), model_row("restore_runs", run))
        expected = (None, None, None)
        if model_row("restore_runs", run) is not None:  # a valid spelling after all
            expected = (model_row("restore_runs", run),) * 3
        assert verdicts == expected
