"""The fast path never accepts what the models reject, and accepts the generators' rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from restore_contracts.generators import SCENARIOS
from restore_contracts.generators.mutations import MUTATIONS, mutate
from restore_contracts.validators import engine as engine_module
from restore_contracts.validators.fastpath import (
    FAST_TYPES,
    fast_converter,
    fast_decoder,
    is_timestamp,
)
from restore_contracts.validators.tables import ROW_MODELS

from ..hostile.oracle import model_row
from .conftest import findings, scenario

SCENARIO_NAMES = [name for name in SCENARIOS if not name.startswith("large")]


def _real(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


class TestTimestamps:
    @pytest.mark.parametrize("year", ["0000", "0001", "0004", "0100", "0400", "1900", "2000"])
    def test_calendar_of_special_years(self, year: str) -> None:
        """Every month-day text is accepted exactly when it names a real day of that year."""
        expected, actual = [], []
        for month in range(0, 14):
            for day in range(0, 33):
                text = f"{year}-{month:02d}-{day:02d}"
                expected.append(year != "0000" and _real(text))
                actual.append(is_timestamp(f"{text} 12:30:59"))
        assert expected == actual

    def test_every_day_of_four_centuries_of_leap_rules(self) -> None:
        """Every real day from 1896 to 2104 is accepted, in the canonical form only."""
        day = date(1896, 1, 1)
        rejected = []
        while day < date(2104, 12, 31):
            if not is_timestamp(f"{day.isoformat()} 00:00:00"):
                rejected.append(day)
            day += timedelta(days=1)
        expected = []
        assert expected == rejected

    @pytest.mark.parametrize(
        "text",
        [
            "2026-03-01T10:00:00",
            "2026-03-01 10:00:00Z",
            "2026-03-01 10:00:00.5",
            "2026-03-01 24:00:00",
            "2026-03-01 10:60:00",
            "2026-03-01 10:00:60",
            "2026-3-01 10:00:00",
            " 2026-03-01 10:00:00",
        ],
    )
    def test_other_forms_go_to_the_model(self, text: str) -> None:
        """Valid but non-canonical forms and invalid times are not fast-path timestamps."""
        assert not is_timestamp(text)


class TestFastTypes:
    @pytest.mark.parametrize("table", sorted(FAST_TYPES))
    def test_columns_and_required_columns_match_the_model(self, table: str) -> None:
        """A fast type names exactly the model's columns and requires exactly its required ones."""
        model = ROW_MODELS[table]
        row_type = FAST_TYPES[table]
        assert list(model.model_fields) == sorted(
            row_type.__struct_fields__, key=list(model.model_fields).index
        )
        required = {name for name, info in model.model_fields.items() if info.is_required()}
        defaults = row_type.__struct_defaults__
        fast_required = set(
            row_type.__struct_fields__[: len(row_type.__struct_fields__) - len(defaults)]
        )
        assert required == fast_required

    @pytest.mark.parametrize("name", SCENARIO_NAMES)
    def test_generated_rows_take_the_fast_path(self, name: str) -> None:
        """Every row the generators write is canonical: decoded and converted without the model."""
        refused = []
        for table, rows in scenario(name).tables.items():
            decode, convert = fast_decoder(table), fast_converter(table)
            assert decode is not None
            assert convert is not None
            for row in rows:
                if decode(orjson.dumps(row)) is None or convert(row) is None:
                    refused.append((table, row["id"]))
        expected = []
        assert expected == refused

    @pytest.mark.parametrize("code", sorted(MUTATIONS))
    def test_fast_and_model_paths_find_the_same(
        self, code: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With the fast path switched off every row goes through the model: same findings."""
        world = mutate(scenario(MUTATIONS[code].base_scenario), code)
        fast = findings(world.tables)
        monkeypatch.setattr(engine_module, "text_converter", lambda table, zone=None: None)
        assert fast == findings(world.tables)


class TestItemKeys:
    @pytest.mark.parametrize("where", ["results", "preview", "both"])
    @pytest.mark.parametrize("key", ["01", "1.5", "x", "1234567890123456789", "\u0661"])
    def test_bad_item_keys_go_to_the_model(self, where: str, key: str) -> None:
        """A key that is not a backup item id is refused fast, in either map or both."""
        row = scenario("completed").restore_run()
        for column in ("results", "preview") if where == "both" else (where,):
            items = row[column]["items"]
            first = next(iter(items))
            row[column]["items"] = {key if k == first else k: v for k, v in items.items()}
        convert = fast_converter("restore_runs")
        assert convert is not None
        assert convert(row) is None
        with pytest.raises(ValidationError):
            ROW_MODELS["restore_runs"].model_validate(row)


_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "0", "01", "7", "t", "completed", "2026-02-30 10:00:00"]),
    st.just([]),
    st.just({}),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    copy = orjson.loads(orjson.dumps(value))
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return copy


_BASE = scenario("completed")
_CASES = [
    (table, row, path)
    for table, rows in _BASE.tables.items()
    for row in rows[:1]
    for path in _paths(row)
]


class TestSoundness:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=st.sampled_from(_CASES), leaf=_LEAF)
    def test_fast_acceptance_implies_model_acceptance(
        self, case: tuple[str, dict[str, Any], tuple[Any, ...]], leaf: Any
    ) -> None:
        """A row with any one value replaced is accepted fast only if the model accepts it, as
        the row the model makes of it."""
        table, row, path = case
        changed = _replace(row, path, leaf)
        accepted = fast_converter(table)(changed)  # type: ignore[misc]
        if accepted is None:
            return
        expected = model_row(table, changed)
        if expected is None:  # pragma: no cover - the failure this test looks for
            pytest.fail(f"fast path accepted what the model rejects: {path} = {leaf!r}")
        assert expected == accepted
