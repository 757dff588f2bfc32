"""Fuzzing the readers: any bytes, any JSON, and no row lost after a bad one.

Arbitrary bytes in an NDJSON, CSV, TSV or JSON file give rows and findings, or
one one-line InputError (exit 2); nothing else may escape. A bad line put
among good rows costs only itself: every good row after it is still read.
Brief by default (CI); set RESTORE_CONTRACTS_FUZZ_EXAMPLES for a longer run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from restore_contracts.errors import InputError
from restore_contracts.validators import validate
from restore_contracts.validators.readers import Limits, open_source

EXAMPLES = int(os.environ.get("RESTORE_CONTRACTS_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FORMATS = ("ndjson", "csv", "tsv", "json")
LIMITS = Limits(max_line_bytes=4096)
"""A small limit, so that the fuzzer reaches it."""

ROW = {"id": 1, "name": "n", "slug": "s", "created_at": "2026-01-01 00:00:00"}
COLUMNS = list(ROW)


@contextmanager
def written(name: str, data: bytes) -> Iterator[Path]:
    """A temporary file holding ``data``."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.write_bytes(data)
        yield path


def read_all(path: Path, table: str | None = None) -> list[Any]:
    """Every record of every table of a file, or the one-line error it is refused with."""
    found: list[Any] = []
    try:
        source = open_source(str(path), table, limits=LIMITS)
        try:
            found = [r for t in source.tables() for r in source.records(t)]
        finally:
            source.close()
    except InputError as exc:
        found = [exc.format_message()]
    assert not any(isinstance(r, str) and "\n" in r for r in found)
    return found


def validated(path: Path) -> str:
    """Run the engine on a file (the fast path sees the readers' stand-in lines); the
    one-line error it is refused with, or "" when it ran."""
    message = ""
    try:
        source = open_source(str(path), "workspaces", limits=LIMITS)
        try:
            validate(source)
        finally:
            source.close()
    except InputError as exc:
        message = exc.format_message()
    assert "\n" not in message
    return message


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(fmt=st.sampled_from(FORMATS), data=st.binary(max_size=2048))
def test_arbitrary_bytes_give_records_or_one_line_error(fmt: str, data: bytes) -> None:
    """Any bytes in any format are read into records or refused with one line; nothing raises."""
    with written(f"workspaces.{fmt}", data) as path:
        read_all(path)
        validated(path)


@FUZZ
@given(
    fmt=st.sampled_from(FORMATS),
    parts=st.lists(
        st.sampled_from([b"{", b"}", b"[", b"]", b'"', b",", b"\t", b"\\", b"\n", b"\r", b"\xff"])
        | st.binary(max_size=8),
        max_size=200,
    ),
)
def test_json_and_delimiter_soup(fmt: str, parts: list[bytes]) -> None:
    """Byte soup heavy in brackets, quotes, delimiters and line ends never escapes the readers."""
    with written(f"workspaces.{fmt}", b"".join(parts)) as path:
        read_all(path)
        validated(path)


@FUZZ
@given(rows=st.lists(json_values, max_size=8))
def test_any_json_rows_are_one_record_each(rows: list[Any]) -> None:
    """Every JSON value on an NDJSON line, or in an array, is exactly one record (null as a
    finding without data, any other value as it is for the engine to judge)."""
    lines = b"".join(orjson.dumps(row) + b"\n" for row in rows)
    with written("workspaces.ndjson", lines) as path:
        records = read_all(path)
    expected = rows
    assert expected == [r.data for r in records]
    with written("workspaces.json", orjson.dumps(rows)) as path:
        records = read_all(path)
    assert expected == [r.data for r in records]


def _good(n: int) -> dict[str, Any]:
    return dict(ROW, id=n, name=f"row {n}")


def _encode(fmt: str, rows: list[dict[str, Any]], bad: bytes, at: int) -> bytes:
    """Rows in a format, with a bad line (or element) before row ``at``."""
    if fmt == "ndjson":
        lines = [orjson.dumps(row) for row in rows]
    elif fmt in ("csv", "tsv"):
        separator = "," if fmt == "csv" else "\t"
        lines = [separator.join(str(row[c]) for c in COLUMNS).encode() for row in rows]
    else:
        lines = [orjson.dumps(row) for row in rows]
        lines.insert(at, bad)
        return b"[\n" + b",\n".join(lines) + b"\n]\n"
    lines.insert(at, bad)
    body = b"".join(line + b"\n" for line in lines)
    if fmt == "csv":
        return ",".join(COLUMNS).encode() + b"\n" + body
    if fmt == "tsv":
        return "\t".join(COLUMNS).encode() + b"\n" + body
    return body


def _bad_line(fmt: str) -> st.SearchStrategy[bytes]:
    """A line that may be bad in any way but cannot take the next line with it by the rules
    of its format (no line end; in TSV no escaped line end; in JSON balanced brackets)."""
    line = st.binary(max_size=300).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" "))
    if fmt == "tsv":
        return line.map(lambda b: b + b"x" if b.endswith(b"\\") else b)
    if fmt == "json":
        text = line.map(lambda b: bytes(c for c in b if c not in b'"[]{},\\'))
        return text.map(lambda b: b"{" + b + b"}")
    return line


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(FORMATS), count=st.integers(1, 6))
def test_no_row_is_lost_after_a_bad_one(data: st.DataObject, fmt: str, count: int) -> None:
    """Every good row after a bad line is still read, in order."""
    rows = [_good(n) for n in range(1, count + 1)]
    at = data.draw(st.integers(0, count), label="at")
    bad = data.draw(_bad_line(fmt), label="bad")
    with written(f"workspaces.{fmt}", _encode(fmt, rows, bad, at)) as path:
        records = read_all(path)
    read = [r.data for r in records if not isinstance(r, str) and r.data is not None]
    ids = iter([str(row.get("id")) for row in read if isinstance(row, dict)])
    missing = [row["id"] for row in rows if str(row["id"]) not in ids]
    assert not missing


@contextmanager
def chunked(size: int) -> Iterator[None]:
    """Read files ``size`` bytes at a time (every reader's chunk boundaries moved)."""
    from restore_contracts.validators.readers import _common, jsondoc

    saved = (_common.CHUNK, jsondoc.CHUNK)
    _common.CHUNK = jsondoc.CHUNK = size
    try:
        yield
    finally:
        _common.CHUNK, jsondoc.CHUNK = saved


def _summary(records: list[Any]) -> list[Any]:
    return [
        r if isinstance(r, str) else (r.data, r.line, r.problem and r.problem.code) for r in records
    ]


@FUZZ
@given(
    fmt=st.sampled_from(FORMATS),
    rows=st.lists(json_values, max_size=6),
    noise=st.binary(max_size=64),
    size=st.integers(1, 17),
)
def test_chunk_boundaries_change_nothing(
    fmt: str, rows: list[Any], noise: bytes, size: int
) -> None:
    """Whatever the read size, a file gives the same records, lines and problems."""
    if fmt == "json":
        data = b"[\n" + b",\n".join(orjson.dumps(row) for row in rows) + b"\n]" + noise
    elif fmt == "ndjson":
        data = b"\r\n".join(orjson.dumps(row) for row in rows) + b"\r" + noise
    else:
        separator = b"," if fmt == "csv" else b"\t"
        cells = [orjson.dumps(row).replace(separator, b" ") for row in rows]
        data = (
            b"id" + separator + b"value\n" + b"".join(b"1" + separator + c + b"\n" for c in cells)
        )
        data += noise
    with written(f"workspaces.{fmt}", data) as path:
        expected = _summary(read_all(path))
        with chunked(size):
            assert expected == _summary(read_all(path))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _depth(value: Any) -> int:
    """Structural nesting depth of a JSON value."""
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def _worst(value: Any) -> int:
    """The deepest nesting a parser meets: the value's own, or that of JSON text in a string
    (parsed on its own, so its depth does not add to the row's)."""
    inner = []
    for text in _strings(value):
        try:
            inner.append(_worst(orjson.loads(text)))
        except orjson.JSONDecodeError:
            continue
    return max([_depth(value), *inner])


@FUZZ
@given(value=json_values, limit=st.integers(0, 6), as_text=st.booleans())
def test_nesting_check_agrees_with_the_values_depth(value: Any, limit: int, as_text: bool) -> None:
    """The readers' nesting check says "too deep" exactly when the value, or JSON text inside
    one of its strings, nests past the limit."""
    from restore_contracts.validators.readers._common import too_deep

    row = {"column": orjson.dumps(value).decode()} if as_text else value
    assert (_worst(row) > limit) == too_deep(orjson.dumps(row), limit)
