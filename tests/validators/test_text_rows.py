"""CSV and TSV rows reach the fast path: the same findings as before, and as the NDJSON's."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from restore_contracts.config import Assumptions
from restore_contracts.generators import build_random
from restore_contracts.generators.mutations import MUTATIONS, mutate
from restore_contracts.generators.world import World
from restore_contracts.generators.writers import table_columns, write_worlds
from restore_contracts.validators import engine as engine_module
from restore_contracts.validators import open_source, validate
from restore_contracts.validators.fastpath import fast_converter
from restore_contracts.validators.findings import Finding
from restore_contracts.validators.readers.csvcopy import split_record, split_records
from restore_contracts.validators.source import Source
from restore_contracts.validators.textrows import text_converter

from .conftest import scenario

AWKWARD = [
    "a,b,c",
    '"",x',
    'x,""',
    ',"",',
    '"a""b",c',
    '"a,"",b",',
    'a"b,c',
    '"a"b,c',
    '"open,x',
    '""""',
    '""',
    "a,,b",
    '"x\ny",z',
    "a\rb",
    "nul\x00,x",
    '"{""k"":[""v"",1]}",,t',
    '"x,"""",y",z',
]
"""Records split_record reads or refuses for a reason: quotes, empties, strays, line ends."""


ID_OR_NAME = frozenset({"requested_by", "created_by"})
"""``int | str`` columns: text in a text export, kept as text by the model."""


def _random_records(seed: int, count: int) -> Iterator[list[str]]:
    pieces = ["a", ",", '"', '""', "\n", "\r", "b", ",,", "\x00", " ", "\\.", "{", "é"]
    rng = random.Random(seed)
    for _ in range(count):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 9))) for _ in range(4)]
        yield [text for text in texts if text] or ["x"]


class TestSplitRecords:
    def test_awkward_records_split_as_split_record_splits_them(self) -> None:
        """Each awkward record, alone and in one batch, gives split_record's fields or None."""
        expected = [split_record(text) for text in AWKWARD]
        assert expected == split_records(AWKWARD)
        assert expected == [split_records([text])[0] for text in AWKWARD]

    def test_random_records_split_as_split_record_splits_them(self) -> None:
        """Random batches of quotes, commas, line ends and NULs: split_record's fields."""
        differ = [
            texts
            for texts in _random_records(12, 20_000)
            if split_records(texts) != [split_record(text) for text in texts]
        ]
        assert differ == []


class TestTextConverter:
    def test_text_row_becomes_the_native_rows_canonical_form(self) -> None:
        """A generated row as CSV text converts to what the fast path makes of the native row
        (a user id in an id-or-name column stays text, as the model keeps it)."""
        world = next(iter(build_random(3, 1)))
        for table, rows in world.tables.items():
            convert = text_converter(table)
            fast = fast_converter(table)
            assert convert is not None
            assert fast is not None
            for row in rows:
                text = {k: _as_text(v) for k, v in row.items()}
                native = {k: _as_text(v) if k in ID_OR_NAME else v for k, v in row.items()}
                assert fast(native) == convert(text)
                assert convert(text) is not None

    @pytest.mark.parametrize(
        ("column", "value"),
        [
            ("id", "01"),
            ("id", "9223372036854775807"),
            ("id", "1\n"),
            ("id", "\u0661"),
            ("is_dry_run", "yes"),
            ("is_dry_run", "T"),
            ("preview", '"{}"'),
            ("preview", "{"),
            ("results", "NaN"),
        ],
    )
    def test_text_the_model_must_explain_is_refused(self, column: str, value: str) -> None:
        """Text no conversion reads exactly as the model would leaves the row to the model."""
        row = {k: _as_text(v) for k, v in next(iter(build_random(3, 1))).restore_run().items()}
        convert = text_converter("restore_runs")
        assert convert is not None
        assert convert(row) is not None
        assert convert({**row, column: value}) is None


def _as_text(value: Any) -> str | None:
    """A value as COPY CSV holds it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return orjson.dumps(value).decode()


def tsv_field(value: Any) -> str:
    """One value as ``mariadb --batch`` writes it: NULL, 1/0, JSON text, backslash escapes."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text.replace("\x00", "\\0")


def write_tsv(worlds: list[World], directory: Path, names: list[str]) -> None:
    """``<table>.tsv`` per table named, as ``mariadb --batch -e 'SELECT * FROM <table>'``
    writes it."""
    directory.mkdir(parents=True)
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for world in worlds:
        for table, rows in world.tables.items():
            if table in tables:
                tables[table].extend(rows)
    for table, rows in tables.items():
        columns = table_columns(table)
        columns += sorted({k for row in rows for k in row} - set(columns))
        lines = ["\t".join(columns)]
        lines += ["\t".join(tsv_field(row.get(c)) for c in columns) for row in rows]
        (directory / f"{table}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def worlds_and_mutations() -> list[World]:
    """Generated worlds, and one mutated world per rule that has a mutation."""
    worlds = list(build_random(21, 12))
    return worlds + [mutate(scenario(MUTATIONS[code].base_scenario), code) for code in MUTATIONS]


def _run(spec: str) -> list[Finding]:
    source = open_source(spec)
    try:
        return validate(source, Assumptions()).findings
    finally:
        source.close()


def _unlocated(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return [(f.code, f.table, f.id, f.pointer, f.message) for f in findings]


class _Hidden:
    """A source without its row batches: every row takes the record path."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.name = source.name

    def tables(self) -> list[str]:
        return self.source.tables()

    def records(self, table: str) -> Any:
        return self.source.records(table)

    def close(self) -> None:
        self.source.close()


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same worlds as NDJSON, CSV and TSV directories (one world per mutated rule)."""
    root = tmp_path_factory.mktemp("text-rows")
    worlds = worlds_and_mutations()
    out = {}
    for world in worlds:
        for fmt in ("ndjson", "csv"):
            written = write_worlds([world], fmt, root / fmt / world.name)
        write_tsv([world], root / "tsv" / world.name, [path.stem for path in written])
    for fmt in ("ndjson", "csv", "tsv"):
        out[fmt] = root / fmt
    return out


class TestSameFindings:
    @pytest.mark.parametrize("fmt", ["csv", "tsv"])
    def test_text_exports_find_what_ndjson_finds(self, fmt: str, exports: dict[str, Path]) -> None:
        """Every generated and mutated world as CSV or TSV: the NDJSON's findings, file and line
        apart."""
        for world in sorted(p.name for p in exports["ndjson"].iterdir()):
            expected = _unlocated(_run(str(exports["ndjson"] / world)))
            assert (world, expected) == (world, _unlocated(_run(str(exports[fmt] / world))))

    @pytest.mark.parametrize("fmt", ["csv", "tsv"])
    def test_findings_are_those_of_the_record_path(
        self, fmt: str, exports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Every world as CSV or TSV: the findings (locations and lines included) of reading every
        row as a record through the models, as before text rows reached the fast path."""
        worlds = sorted(p.name for p in exports[fmt].iterdir())
        fast = {world: _run(str(exports[fmt] / world)) for world in worlds}
        monkeypatch.setattr(engine_module, "text_converter", fast_converter)
        for world in worlds:
            source = _Hidden(open_source(str(exports[fmt] / world)))
            try:
                slow = validate(source, Assumptions()).findings  # type: ignore[arg-type]
            finally:
                source.close()
            assert (world, slow) == (world, fast[world])
