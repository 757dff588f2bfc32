"""Differential test: the fast path accepts exactly what the models accept, as the same row.

Rows the generators write are mutated field by field with hostile and
Laravel-style values (commas and separators, Unicode digits, ``[]`` maps, 0/1,
integral and huge numbers, ISO timestamps with and without zones, keys with
commas, unknown columns, escaped JSON text, duplicate keys) and fed, in three
timezones, to both fast entries of the engine (the decoder of NDJSON text and
the converter of parsed rows) and to the model. A fast entry may send a row to
the model (None); when it accepts one, the model must accept it too and make
the same row of it.

Runs briefly by default; ``RESTORE_CONTRACTS_FUZZ_EXAMPLES=5000`` runs longer.
"""

from __future__ import annotations

import copy
import json
import os
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from restore_contracts.generators import SCENARIOS, build_scenario
from restore_contracts.validators.fastpath import (
    FAST_TYPES,
    fast_converter,
    fast_decoder,
    is_timestamp,
)

from .oracle import model_row

EXAMPLES = int(os.environ.get("RESTORE_CONTRACTS_FUZZ_EXAMPLES", "200"))
settings.register_profile(
    "fastpath-differential",
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("fastpath-differential")

ZONES: list[tzinfo] = [UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Kathmandu")]
"""UTC, a zone with DST (both 2026 changes are in the pool), a zone 5:45 ahead."""


def _base_rows() -> list[tuple[str, dict[str, Any]]]:
    rows: list[tuple[str, dict[str, Any]]] = []
    for name in sorted(SCENARIOS):
        if name.startswith("large"):
            continue
        world = build_scenario(name, 1)
        for table, table_rows in world.tables.items():
            if table in FAST_TYPES:
                rows.extend((table, row) for row in table_rows[:2])
    return rows


BASES = _base_rows()
TABLES = sorted(FAST_TYPES) + ["restore_runs"] * 5
"""Tables to mutate a row of; restore runs, with their nested JSON, most often."""

TIMESTAMP_TEXTS = [
    "2026-03-01 10:00:00",
    "2026-03-01T10:00:00",
    "2026-03-01T10:00:00.000000Z",
    "2026-03-01T10:00:00.123456Z",
    "2026-03-01T10:00:00Z",
    "2026-03-01T10:00:00+00:00",
    "2026-03-01T10:00:00-00:00",
    "2026-03-01T10:00:00+0000",
    "2026-03-01T10:00:00+00",
    "2026-03-01T10:00:00+01:00",
    "2026-03-01T10:00:00.5-05:30",
    "2026-03-01 10:00:00.000000",
    "2026-03-01 10:00:00.1234567",
    "2026-10-25 02:30:00",
    "2026-10-25T02:30:00",
    "2026-03-29 02:30:00",
    "2026-03-29 03:00:00",
    "2024-02-29 00:00:00",
    "2026-02-29 00:00:00",
    "2026-03-01 24:00:00",
    "2026-03-01 23:59:60",
    "0001-01-01 00:00:00",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31 23:59:59",
    "2026-03-07 15:04:43,1999-01-01 00:00:00",
    "2026-03-07 15:04:43,",
    "2026-03-01 10:00:00\n",
    " 2026-03-01 10:00:00",
    "2026-03-01t10:00:00z",
    "2026-03-0\u0661 10:00:00",
    "\uff12026-03-01 10:00:00",
    "2026-03-01 10:00",
    "2026-03-01T10:00:00.123456.000000Z",
    "2026-03-01T10:00:00.123456.000000",
    "2026-03-01T10:00:00.000000.000000",
    "2026-03-01T10:00:00Z.000000Z",
    "2026-03-01T10:00:00+00:00Z",
    "2026-03-01T10:00:00Z+00:00",
    "2026-03-01T10:00:00.000000+00:00Z",
    "2026-03-01 10:00:00ZZ",
    "2026-03-01TT10:00:00",
    "2026-03-01T10:00:0Z0",
]
SUFFIXES = [".000000Z", ".123456Z", "Z", "+00:00", ".000000", ".000000+00:00", ""]
"""Zone and fraction suffixes as Carbon, psql and MySQL write them (all UTC or naive)."""
TEXTS = [
    "",
    "x",
    ",",
    ";",
    "1,2",
    "2,9000001",
    "2;9000001",
    "\u0661\u0662",
    "\u0968",
    "12",
    "012",
    "12\n",
    " 12",
    "+12",
    "1e3",
    "1_000",
    "t",
    "true",
    "TRUE",
    "1",
    "0",
    "null",
    "[]",
    "{}",
    '{"total": 1}',
    "completed",
    "succeeded",
    "https:/\\/x",
    "caf\u00e9 \u2603 \U0001f600",
]
NUMBERS = [
    0,
    1,
    -1,
    2,
    422,
    2**53,
    2**63 - 1,
    2**63,
    2**64 - 1,
    2**64,
    10**30,
    -(2**63),
    -(2**63) - 1,
    0.0,
    -0.0,
    1.0,
    1200.0,
    1.5,
    1e20,
    1e300,
    -3.0,
]
NUMBER_VALUES = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(NUMBERS),
    st.sampled_from(NUMBERS),
    st.sampled_from(NUMBERS).map(str),
    st.integers(min_value=-(2**66), max_value=2**66),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([True, False, "", "12\n", "\u0661"]),
)
"""Values for a number: edges of PHP's int and of the parsers, text, booleans."""
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(2**66), max_value=2**66),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(TEXTS),
    st.sampled_from(TIMESTAMP_TEXTS),
    st.text(max_size=6),
    st.sampled_from([[], {}, [1], ["12"], {"a": 1}, [[]], [{}], {"12": {}}]),
).map(copy.deepcopy)
"""Values a mutation sets (copied: later mutations may change containers in place)."""
KEYS = st.one_of(
    st.sampled_from(["2,9000001", "2;3", ",2", "01", "0", "\u0662", "2\n", "9" * 18, "9" * 19]),
    st.text(max_size=4),
    st.integers(min_value=1, max_value=10**18).map(str),
)


def _same_instant(text: str, draw: st.DrawFn) -> str:
    """A Laravel/psql spelling of the same canonical time (an offset shifts the clock)."""
    moment = datetime.fromisoformat(text)
    form = draw(st.sampled_from(["T", "carbon", "Z", "+00:00", "offset", "fraction", "same"]))
    if form == "T":
        return moment.isoformat()
    if form == "carbon":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if form == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == "+00:00":
        return moment.isoformat() + "+00:00"
    if form == "offset":
        hours = draw(st.integers(min_value=-12, max_value=14))
        zone = timezone(timedelta(hours=hours))
        try:
            return moment.replace(tzinfo=UTC).astimezone(zone).isoformat()
        except OverflowError:
            return text
    if form == "fraction":
        return f"{text}.{draw(st.sampled_from(['000000', '5', '123456', '1234567', '000001']))}"
    return text


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


def _containers(value: Any, found: list[Any]) -> list[Any]:
    if isinstance(value, dict):
        found.append(value)
        for child in value.values():
            _containers(child, found)
    elif isinstance(value, list):
        for child in value:
            _containers(child, found)
    return found


def _parent(row: dict[str, Any], path: tuple[Any, ...]) -> Any:
    target: Any = row
    for part in path[:-1]:
        target = target[part]
    return target


def _stamp_paths(row: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [p for p in _paths(row) if is_timestamp(_parent(row, p)[p[-1]])]


def _number_paths(row: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        p
        for p in _paths(row)
        if isinstance(_parent(row, p)[p[-1]], int | float)
        and not isinstance(_parent(row, p)[p[-1]], bool)
    ]


def _item_maps(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        c
        for c in _containers(row, [])
        if c and c is not row and all(isinstance(k, str) and k.isdigit() for k in c)
    ]


@st.composite
def stamp_texts(draw: st.DrawFn, old: str) -> str:
    """A timestamp value: the same instant spelt otherwise, one of the pool, or two joined."""
    kind = draw(st.sampled_from(["same", "same", "pool", "joined"]))
    if kind == "same":
        return _same_instant(old, draw)
    if kind == "pool":
        return draw(st.sampled_from(TIMESTAMP_TEXTS))
    other = draw(st.sampled_from([old, "1999-01-01 00:00:00", "2026-03-01T10:00:00Z"]))
    separator = draw(st.sampled_from([",", ";", ", ", ""]))
    return f"{old}{separator}{other}"


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A generated row with one to three values, keys or columns changed; timestamps and
    item keys, where the fast path does its own matching, are chosen more often."""
    table = draw(st.sampled_from(TABLES))
    base = draw(st.sampled_from([r for t, r in BASES if t == table]))
    row: dict[str, Any] = json.loads(json.dumps(base))
    kinds = ["stamp", "stamp", "number", "number", "value", "key", "key", "column", "nested"]
    kinds.extend(["empty", "suffix", "suffix"])
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        kind = draw(st.sampled_from(kinds))
        stamps = _stamp_paths(row)
        numbers = _number_paths(row)
        if kind == "suffix" and stamps:
            # every time in one form (as one writer writes a row), one of them then changed
            suffix = draw(st.sampled_from(SUFFIXES))
            separator = draw(st.sampled_from(["T", " "]))
            for path in stamps:
                old = _parent(row, path)[path[-1]]
                _parent(row, path)[path[-1]] = f"{old[:10]}{separator}{old[11:]}{suffix}"
            path = draw(st.sampled_from(stamps))
            old = _parent(row, path)[path[-1]]
            extra = draw(st.sampled_from([".123456", ".5", "Z", "+00:00", ".000000", "T", ""]))
            _parent(row, path)[path[-1]] = draw(
                st.sampled_from([f"{old[:19]}{extra}{suffix}", f"{old}{extra}"])
                | st.sampled_from(TIMESTAMP_TEXTS)
            )
        elif kind == "number" and numbers:
            path = draw(st.sampled_from(numbers))
            _parent(row, path)[path[-1]] = draw(NUMBER_VALUES)
        elif kind == "stamp" and stamps:
            path = draw(st.sampled_from(stamps))
            parent = _parent(row, path)
            parent[path[-1]] = draw(stamp_texts(parent[path[-1]]))
        elif kind in ("value", "stamp", "number"):
            path = draw(st.sampled_from(_paths(row)))
            parent = _parent(row, path)
            if draw(st.integers(min_value=0, max_value=9)) == 0 and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(LEAVES)
        elif kind == "key":
            maps = _item_maps(row) or [c for c in _containers(row, []) if c and c is not row]
            if maps:
                target = draw(st.sampled_from(maps))
                old_key = draw(st.sampled_from(sorted(target)))
                new_key = draw(KEYS)
                renamed = {new_key if k == old_key else k: v for k, v in target.items()}
                target.clear()
                target.update(renamed)
        elif kind == "column":
            name = draw(st.sampled_from(["tenant_note", "deleted_at", "x,y", "", "id2", "Status"]))
            row.setdefault(name, draw(LEAVES))
        elif kind == "nested":
            target = draw(st.sampled_from(_containers(row, [])))
            name = draw(st.sampled_from(["extra", "attempts", "checks_passed"]))
            target.setdefault(name, draw(LEAVES))
        else:
            paths = [p for p in _paths(row) if isinstance(_parent(row, p)[p[-1]], dict)]
            if paths:
                path = draw(st.sampled_from(paths))
                _parent(row, path)[path[-1]] = draw(st.sampled_from([[], {}, "[]"]))
    return table, row


@st.composite
def encoded(draw: st.DrawFn, row: dict[str, Any]) -> bytes:
    """The row as JSON text: plain, as PHP's json_encode writes it (``\\/``, ``\\uXXXX``), or
    with a column repeated (the last one counts for every parser)."""
    form = draw(st.sampled_from(["plain", "php", "duplicate"]))
    if form == "php":
        return json.dumps(row, ensure_ascii=True).replace("/", "\\/").encode()
    text = json.dumps(row, ensure_ascii=False)
    if form == "duplicate" and row:
        name = draw(st.sampled_from(sorted(row)))
        extra = json.dumps({name: draw(LEAVES)}, ensure_ascii=False)
        text = text[:-1] + ", " + extra[1:]
    return text.encode()


def _model_path(table: str, text: bytes, zone: tzinfo) -> tuple[Any, dict[str, Any] | None]:
    """What the engine's record path reads from the text (orjson), and the model's row."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(data, dict):
        return data, None
    return data, model_row(table, data, zone)


@PROFILE
@given(case=mutated(), zone=st.sampled_from(ZONES), data=st.data())
def test_fast_path_accepts_what_the_model_accepts_as_the_same_row(
    case: tuple[str, dict[str, Any]], zone: tzinfo, data: st.DataObject
) -> None:
    """For any mutated row in any timezone, each fast entry either leaves the row to the model
    or accepts it exactly when the model does, normalised to the model's row."""
    table, row = case
    text = data.draw(encoded(row))
    parsed, expected = _model_path(table, text, zone)
    decode = fast_decoder(table, zone)
    convert = fast_converter(table, zone)
    assert decode is not None
    assert convert is not None
    decoded = decode(text)
    if decoded is not None:
        assert (text, expected) == (text, decoded)
    if isinstance(parsed, dict):
        converted = convert(parsed)
        if converted is not None:
            assert (text, expected) == (text, converted)


@PROFILE
@given(case=mutated(), zone=st.sampled_from(ZONES))
def test_a_decoder_that_learnt_columns_still_agrees(
    case: tuple[str, dict[str, Any]], zone: tzinfo
) -> None:
    """A decoder that has learnt an application column from an earlier row gives the model's
    verdict on later rows too, with or without that column."""
    table, row = case
    base = next(r for t, r in BASES if t == table)
    decode = fast_decoder(table, zone)
    assert decode is not None
    first = json.dumps({**base, "tenant_note": "learnt"}).encode()
    assert decode(first) == model_row(table, orjson.loads(first), zone)
    text = json.dumps(row).encode()
    decoded = decode(text)
    if decoded is not None:
        assert (text, decoded) == (text, _model_path(table, text, zone)[1])
