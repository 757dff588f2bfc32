"""CSV and TSV read a block of records at a time: the findings of reading them one by one.

Every export here is written with hostile text in it: quotes, doubled quotes,
commas, backslashes, tabs, line ends inside values, NULL beside empty text,
records with a column too few or too many, lines that are not UTF-8, blank
lines, CRLF, stray quotes, quotes that never close, escaped line ends, JSON
nested too deep, JSON text of JSON text, text in id, boolean and JSON columns,
and columns the contract does not know; in worlds of generated rows and of
every mutation of the catalogue (RR106 to RR109 among them). Reading them a
block at a time must find exactly what reading them record by record finds,
file and line included, also when the input comes in small chunks (runs of
records split across reads). The CSV and TSV of the same rows, hostile string
values included, must also find what their NDJSON finds (file and line apart).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from restore_contracts.config import Assumptions
from restore_contracts.generators.world import World
from restore_contracts.generators.writers import table_columns, write_worlds
from restore_contracts.validators import engine as engine_module
from restore_contracts.validators import open_source, validate
from restore_contracts.validators.fastpath import fast_converter
from restore_contracts.validators.findings import Finding
from restore_contracts.validators.readers import _common, csvcopy, tsv
from restore_contracts.validators.readers.csvcopy import Block
from restore_contracts.validators.textrows import text_block_converter, text_converter

from .test_text_rows import (
    _as_text,
    _Hidden,
    _unlocated,
    tsv_field,
    worlds_and_mutations,
    write_tsv,
)

TEXT_COLUMNS = ("name", "slug", "display_name", "failure_reason", "policy_identifier", "tenant_id")
"""Free text columns whose values are made hostile (every format can hold any text)."""

HOSTILE_TEXT = [
    "",
    " ",
    '"',
    '""',
    'say "hi"',
    'a,"b",c',
    ',"",',
    '"",',
    ',""',
    "a\\b",
    "\\",
    "\\N",
    "back\\slash\\n",
    "tab\there",
    "line\nend",
    "cr\rlf\r\n",
    "{not json",
    '{"k": "v"}',
    "[1, 2]",
    "é ü 漢字 😀",
    "t",
    "1",
]
"""Text values that every export format must carry through unchanged."""

HOSTILE_CELLS = {
    "id": ["", "0", "01", "1.0", "-1", " 1", "1 ", "99999999999999999999", "1,2", "x"],
    "workspace_id": ["", "0", "abc", "1e3", "+5"],
    "is_dry_run": ["", "yes", "T", "2", "True", "null"],
    "item_count": ["-1", "01", "1.5", ""],
    "preview": ['"text"', "{", '{"items": []}', '""{}""', "[1]", "null", "1", '"{\\"a\\":1}"'],
    "results": ["[]", "{}", '{"items": {"1": {"status": 5}}}', '"[]"', "[[[[[]]]]]", "tru"],
    "metadata": ['{"total": -1}', '{"total": 1.0}', '{"a":1,"a":2}', "[{}]"],
    "payload": ['"double"', '"{\\"x\\": 1}"', "[]", "[1]", "{}", "12", '{"deep": ' * 3 + "1}}}"],
    "summary": ['"{}"', "{", "[]"],
    "requested_items": ["[1,2]", "[0]", '["1"]', "[1.0]", "{}", "[]"],
    "context": ['{"k": [1, {"v": null}]}', '"x"'],
}
"""Text the converters must refuse or read as the models do, by column."""


def _hostile_worlds(seed: int) -> list[World]:
    """The generated and mutated worlds with hostile text in some text columns."""
    rng = random.Random(seed)
    worlds = [world.clone() for world in worlds_and_mutations()]
    for world in worlds:
        for rows in world.tables.values():
            for row in rows:
                for column in TEXT_COLUMNS:
                    if isinstance(row.get(column), str) and rng.random() < 0.3:
                        row[column] = rng.choice(HOSTILE_TEXT)
    return worlds


def _csv_field(text: str | None, rng: random.Random) -> str:
    """A value as COPY CSV writes it (NULL empty, quotes when needed), sometimes quoted
    without need, as other writers do."""
    if text is None:
        return ""
    if text == "" or any(c in text for c in ',"\r\n') or rng.random() < 0.1:
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_record(row: dict[str, Any], columns: list[str], rng: random.Random) -> str:
    values = {c: _as_text(row.get(c)) for c in columns}
    for column, cells in HOSTILE_CELLS.items():
        if column in values and rng.random() < 0.08:
            values[column] = rng.choice(cells)
    return ",".join(_csv_field(values[c], rng) for c in columns)


def _tsv_record(row: dict[str, Any], columns: list[str], rng: random.Random) -> str:
    fields = [tsv_field(row.get(c)) for c in columns]
    for index, column in enumerate(columns):
        if column in HOSTILE_CELLS and rng.random() < 0.08:
            fields[index] = tsv_field(rng.choice(HOSTILE_CELLS[column]))
        elif fields[index] == "NULL" and rng.random() < 0.3:
            fields[index] = "\\N"
        elif "\\" not in fields[index] and rng.random() < 0.02:
            fields[index] = fields[index][:3] + "\\" + fields[index][3:]  # a needless escape
    return "\t".join(fields)


def _damage(record: str, rng: random.Random, separator: str) -> bytes:
    """A record as written, or damaged one of the ways exports are damaged."""
    choice = rng.random()
    if choice < 0.02:
        return (record + separator + "extra").encode()
    if choice < 0.04:
        return record.rsplit(separator, 1)[0].encode()
    if choice < 0.05:
        return record.encode()[:20] + b"\xff\xfe" + record.encode()[20:]
    if choice < 0.06:
        return b""
    if choice < 0.07:
        return (record + "\r").encode()
    if choice < 0.075:
        return (record[:10] + '"' + record[10:]).encode()  # a stray or opening quote
    if choice < 0.08:
        return (record + separator + "{" * 140 + "}" * 140).encode()
    if choice < 0.085 and separator == "\t":
        return (record[:15] + "\\\n" + record[15:]).encode()  # an escaped line end
    if choice < 0.09:
        return (record + separator + "\\").encode()
    return record.encode()


def _write(worlds: list[World], root: Path, fmt: str, seed: int) -> None:
    """One directory per world: a hostile export of each table, an unknown column in some."""
    rng = random.Random(seed)
    separator = "," if fmt == "csv" else "\t"
    record = _csv_record if fmt == "csv" else _tsv_record
    for world in worlds:
        directory = root / world.name
        directory.mkdir(parents=True)
        for table, rows in world.tables.items():
            columns = table_columns(table)
            columns += sorted({k for row in rows for k in row} - set(columns))
            if rng.random() < 0.3:
                columns.append("tenant_note")
            if rng.random() < 0.15:  # a column missing from the export (required or not)
                columns.remove(rng.choice(columns))
            lines = [separator.join(columns).encode()]
            if rng.random() < 0.5:  # half the files with hostile values only
                lines += [record(row, columns, rng).encode() for row in rows]
            else:
                lines += [_damage(record(row, columns, rng), rng, separator) for row in rows]
            end = b"\r\n" if rng.random() < 0.2 else b"\n"
            tail = b"" if rng.random() < 0.2 else end
            (directory / f"{table}.{fmt}").write_bytes(end.join(lines) + tail)


def _findings(spec: str) -> list[Finding]:
    source = open_source(spec)
    try:
        return list(validate(source, Assumptions()).findings)
    finally:
        source.close()


def _record_path(spec: str) -> list[Finding]:
    """The findings of reading every row as a record through the models."""
    source = _Hidden(open_source(spec))
    try:
        return list(validate(source, Assumptions()).findings)  # type: ignore[arg-type]
    finally:
        source.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Hostile CSV and TSV exports of the generated and mutated worlds."""
    root = tmp_path_factory.mktemp("text-blocks")
    worlds = _hostile_worlds(7)
    for fmt in ("csv", "tsv"):
        _write(worlds, root / fmt, fmt, 11)
    return {fmt: root / fmt for fmt in ("csv", "tsv")}


def _no_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read records one by one, as before blocks: the readers never make one."""
    monkeypatch.setattr(csvcopy, "_block", lambda *args: None)
    monkeypatch.setattr(tsv, "_block", lambda *args: None)


def _blocks_read(spec: str) -> int:
    """How many records of an export were read in blocks."""
    source = open_source(spec)
    try:
        return sum(
            len(item.lines)
            for table in source.tables()
            for _, batch in source.row_batches(table)  # type: ignore[attr-defined]
            for _, item in batch
            if type(item) is Block
        )
    finally:
        source.close()


class TestBlocks:
    @pytest.mark.parametrize("fmt", ["csv", "tsv"])
    @pytest.mark.parametrize("chunk", [None, 97, 4096])
    def test_blocks_find_what_records_one_by_one_find(
        self,
        fmt: str,
        chunk: int | None,
        hostile: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Every hostile export: the same findings, file and line included, in blocks and
        record by record (read whole, and in chunks that split runs of records)."""
        if chunk is not None:
            monkeypatch.setattr(_common, "CHUNK", chunk)
        worlds = sorted(p.name for p in hostile[fmt].iterdir())
        read = {world: _findings(str(hostile[fmt] / world)) for world in worlds}
        assert sum(_blocks_read(str(hostile[fmt] / world)) for world in worlds) > 500  # of ~1,200
        _no_blocks(monkeypatch)
        for world in worlds:
            assert (world, _findings(str(hostile[fmt] / world))) == (world, read[world])

    @pytest.mark.parametrize("fmt", ["csv", "tsv"])
    def test_blocks_find_what_the_models_find(
        self, fmt: str, hostile: dict[str, Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Every hostile export: the findings of reading every row through the models."""
        worlds = sorted(p.name for p in hostile[fmt].iterdir())
        read = {world: _findings(str(hostile[fmt] / world)) for world in worlds}
        monkeypatch.setattr(engine_module, "text_converter", fast_converter)
        for world in worlds:
            assert (world, _record_path(str(hostile[fmt] / world))) == (world, read[world])

    @pytest.mark.parametrize("fmt", ["csv", "tsv"])
    def test_records_of_blocks_are_the_records_one_by_one(
        self, fmt: str, hostile: dict[str, Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The records a reader hands on (rows, problems, lines) do not depend on blocks."""

        def records(spec: str) -> list[tuple[Any, ...]]:
            source = open_source(spec)
            try:
                return [
                    (r.table, r.line, r.data, r.problem)
                    for table in source.tables()
                    for r in source.records(table)
                ]
            finally:
                source.close()

        worlds = sorted(p.name for p in hostile[fmt].iterdir())
        read = {world: records(str(hostile[fmt] / world)) for world in worlds}
        _no_blocks(monkeypatch)
        for world in worlds:
            assert (world, records(str(hostile[fmt] / world))) == (world, read[world])


def _text_worlds() -> list[World]:
    """Hostile text that every format carries (TSV cannot tell the text NULL from NULL)."""
    worlds = _hostile_worlds(5)
    for world in worlds:
        for rows in world.tables.values():
            for row in rows:
                for column in TEXT_COLUMNS:
                    if row.get(column) in ("NULL", "\\N"):
                        row[column] = "null"
    return worlds


@pytest.fixture(scope="module")
def same_rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The hostile-text worlds as NDJSON, CSV and TSV (one directory per world)."""
    root = tmp_path_factory.mktemp("text-blocks-same")
    for world in _text_worlds():
        for fmt in ("ndjson", "csv"):
            written = write_worlds([world], fmt, root / fmt / world.name)
        write_tsv([world], root / "tsv" / world.name, [path.stem for path in written])
    return {fmt: root / fmt for fmt in ("ndjson", "csv", "tsv")}


class TestSameRows:
    @pytest.mark.parametrize("fmt", ["csv", "tsv"])
    def test_hostile_text_finds_what_ndjson_finds(
        self, fmt: str, same_rows: dict[str, Path]
    ) -> None:
        """The same rows, hostile text values and every mutation included: the NDJSON's
        findings, file and line apart."""
        unlocated: Callable[[list[Finding]], list[tuple[Any, ...]]] = _unlocated
        for world in sorted(p.name for p in same_rows["ndjson"].iterdir()):
            expected = unlocated(_findings(str(same_rows["ndjson"] / world)))
            got = unlocated(_findings(str(same_rows[fmt] / world)))
            assert (world, got) == (world, expected)

    def test_csv_holds_the_hostile_text(self, same_rows: dict[str, Path]) -> None:
        """The CSV writer quotes what needs quoting: the export really holds the hostile text."""
        text = b"".join(p.read_bytes() for p in (same_rows["csv"]).rglob("*.csv"))
        for value in ('"say ""hi"""', '"line\nend"', '"a,""b"",c"', "a\\b"):
            assert value.encode() in text


def _edited(text: str, rng: random.Random) -> str:
    """Text with a few characters inserted, removed or replaced (JSON's own among them)."""
    pieces = list(text)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(pieces) + 1)
        choice = rng.random()
        new = rng.choice('"{}[],:0123456789.eE+-\\utnfl a\x01\ud800é')
        if choice < 0.4 or not pieces:
            pieces.insert(at, new)
        elif choice < 0.7:
            del pieces[min(at, len(pieces) - 1)]
        else:
            pieces[min(at, len(pieces) - 1)] = new
    return "".join(pieces)


class TestBlockConverter:
    @pytest.mark.parametrize(
        "table",
        ["restore_runs", "operation_runs", "backup_items", "backup_sets", "evidence_snapshots"],
    )
    def test_converts_each_row_as_the_row_converter(self, table: str) -> None:
        """Rows of text with every column, JSON columns edited at random (broken JSON, JSON
        of another shape, integers out of range, lone surrogates): the block converter's
        row, or refusal, is the row converter's for each (which the record path trusts)."""
        rng = random.Random(3)
        rows = [row for world in worlds_and_mutations() for row in world.tables.get(table, ())]
        columns = table_columns(table)
        texts = [{c: _as_text(row.get(c)) for c in columns} for row in rows]
        edited = []
        for _ in range(30):
            for text in texts:
                copy = dict(text)
                for column in columns:
                    value = copy[column]
                    if value is not None and rng.random() < 0.04:
                        copy[column] = _edited(value, rng)
                edited.append(copy)
        block = text_block_converter(table)
        single = text_converter(table)
        assert block is not None
        assert single is not None
        got = block(columns, [[row[c] for row in edited] for c in columns])
        expected = [_converted(single, row) for row in edited]
        assert got == expected
        refused = sum(row is None for row in got)
        assert len(got) // 10 < refused < len(got) - len(got) // 10


def _converted(convert: Callable[[dict[str, Any]], Any], row: dict[str, Any]) -> Any:
    """The row converter's row, None also where it cannot encode a value (as the engine
    reads it, see ``_TableRun._convert``)."""
    try:
        return convert(row)
    except UnicodeError:
        return None
