"""PHP fixtures: each world as a ``<world>.php`` file that returns it as a PHP array.

A Laravel seeder, a PHPUnit data provider or a Pest dataset loads a world
with ``$world = require 'fixtures/failed.php';`` and gets
``['restore_runs' => [['id' => 1, ...]], ...]``: every table of the world,
parents first, each a list of rows ready for ``DB::table($table)->insert($rows)``.

Values are PHP literals of what the application stores: strings single-quoted
(only ``\\`` and ``'`` escaped, so nothing is interpolated and a NUL byte or
``?>`` is just a character), integers, floats that read back as the same double,
``true``/``false``/``null``. A JSON column (a map or list in the world) is,
by ``json_mode``:

- ``text`` (the default): the JSON text Eloquent's ``array`` cast writes,
  byte for byte what ``json_encode`` writes with its default flags (``\\/``
  escaped, non-ASCII as ``\\uXXXX``, a float with a zero fraction as an
  integer). ``DB::table()->insert()`` binds strings but not arrays, so this is
  what a seeder can insert as it is.
- ``array``: the PHP array ``json_decode($text, true)`` gives, for
  ``Model::create()`` (whose cast encodes it) or assertions on decoded values.
  PHP turns a key that is a decimal integer (``'123'``) into an integer key;
  ``json_encode`` writes such an array back as the same object, except when its
  keys are exactly 0, 1, ..., n-1 (an empty map included), which it writes as a
  list. Those maps alone are written ``(object) [...]`` so that ``json_encode``
  of the fixture gives back the world's JSON, ``{}`` included.

A JSON column holding text (a world that stores JSON text, or a mutation's
non-JSON) is written as that text in both modes, as the SQL and CSV writers
do. Integers beyond PHP's 64-bit range and non-finite floats cannot be PHP
literals of the same value: they are refused in one line naming where they
are. Bytes depend only on the rows and the mode.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from restore_contracts._io import atomic_writer
from restore_contracts.errors import InputError
from restore_contracts.generators.world import Row, World

PHP_JSON_MODES = ("text", "array")
"""How a JSON column is written: its JSON text, or a PHP array."""

PHP_INT_MAX = (1 << 63) - 1
PHP_INT_MIN = -(1 << 63)
_INDENT = "    "
_NAME_IN_COMMENT = re.compile(r"[^A-Za-z0-9_.:-]")


class _Unrepresentable(ValueError):
    """A value PHP cannot hold as the same value; ``pointer`` grows on the way out."""

    def __init__(self, problem: str, pointer: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.pointer = pointer

    def inside(self, key: str | int) -> _Unrepresentable:
        token = str(key).replace("~", "~0").replace("/", "~1")
        return _Unrepresentable(self.problem, f"/{token}{self.pointer}")


def check_php_json(fmt: str, php_json: str | None) -> str | None:
    """The JSON mode to write (``text`` unless given); refused for another format."""
    if php_json is not None and php_json not in PHP_JSON_MODES:
        valid = ", ".join(PHP_JSON_MODES)
        raise InputError(f"unknown --php-json mode {php_json!r}; valid modes: {valid}")
    if fmt != "php":
        if php_json is not None:
            raise InputError("--php-json applies to --format php only")
        return None
    return php_json or "text"


# --- literals -------------------------------------------------------------------------------


def php_string(text: str) -> str:
    """A single-quoted PHP string: only the backslash and the quote are escaped."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def php_int(value: int) -> str:
    """An integer literal; PHP_INT_MIN has none (``-9223372036854775808`` is a float in PHP)."""
    if value == PHP_INT_MIN:
        return "PHP_INT_MIN"
    if not PHP_INT_MIN < value <= PHP_INT_MAX:
        raise _Unrepresentable(
            f"integer {value} is beyond PHP's range ({PHP_INT_MIN}..{PHP_INT_MAX}); "
            "PHP would read it as a float"
        )
    return str(value)


def php_float(value: float) -> str:
    """A float literal PHP reads as the same double (Python's shortest repr: ``1.0``, ``1e+16``)."""
    if not math.isfinite(value):
        raise _Unrepresentable(f"float {value} has no JSON or PHP literal")
    return repr(value)


def php_literal(value: Any, *, json_mode: str = "text", depth: int = 0) -> str:
    """One column value as a PHP literal (a map or list as a JSON column, by ``json_mode``).

    An array's elements go one per line, indented one level deeper than ``depth``.
    """
    if isinstance(value, dict | list):
        if json_mode == "text":
            return php_string(json_text(value))
        return _php_array(value, depth)
    return _php_scalar(value)


def _php_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return php_int(value)
    if isinstance(value, float):
        return php_float(value)
    if isinstance(value, str):
        return php_string(value)
    raise _Unrepresentable(f"a {type(value).__name__} is not a JSON value")


def _php_key(key: str) -> str:
    """A key as written: PHP turns a decimal integer string into that integer itself."""
    return php_string(key)


def _becomes_list(value: dict[str, Any]) -> bool:
    """Whether PHP holds this map as a list (keys "0".."n-1" in order): json_encode writes []."""
    return all(key == str(index) for index, key in enumerate(value))


def _php_array(value: dict[str, Any] | list[Any], depth: int) -> str:
    """A JSON map or list as a PHP array, one element per line at ``depth`` + 1.

    See the module docstring for ``(object)``.
    """
    inner = _INDENT * (depth + 1)
    parts = []
    pairs: Iterable[tuple[str | int, Any]] = (
        enumerate(value) if isinstance(value, list) else value.items()
    )
    for key, item in pairs:
        try:
            literal = (
                _php_array(item, depth + 1) if isinstance(item, dict | list) else _php_scalar(item)
            )
        except _Unrepresentable as problem:
            raise problem.inside(key) from None
        parts.append(
            f"{inner}{literal},\n"
            if isinstance(key, int)
            else f"{inner}{_php_key(key)} => {literal},\n"
        )
    body = "[\n" + "".join(parts) + _INDENT * depth + "]" if parts else "[]"
    return "(object) " + body if isinstance(value, dict) and _becomes_list(value) else body


# --- json_encode with default flags ---------------------------------------------------------

_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n",
                 "\r": "\\r", "\t": "\\t"}  # fmt: skip
_JSON_NEEDS_ESCAPE = re.compile(r'["\\/\x00-\x1f\x80-\U0010ffff]')


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    short = _JSON_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _json_string(text: str) -> str:
    return '"' + _JSON_NEEDS_ESCAPE.sub(_json_escape, text) + '"'


def _json_float(value: float) -> str:
    """A float as PHP's json_encode writes it (serialize_precision -1, no zero fraction kept).

    PHP's ``php_gcvt`` with the shortest round-trip digits (the same digits as
    Python's repr): exponential when the decimal point is more than 17 places
    right or 4 left of the first digit (``1.0e+25``, ``1.0e-5``), else plain.
    """
    if not math.isfinite(value):
        raise _Unrepresentable(f"float {value} has no JSON or PHP literal")
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        return sign + "0"
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    decpt = len(digit_tuple) + int(exponent)  # value = 0.DIGITS * 10**decpt
    if decpt < -3 or decpt > 17:
        shown = decpt - 1
        mantissa = digits[0] + "." + (digits[1:] or "0")
        return f"{sign}{mantissa}e{'-' if shown < 0 else '+'}{abs(shown)}"
    if decpt <= 0:
        return sign + "0." + "0" * -decpt + digits
    if len(digits) <= decpt:
        return sign + digits + "0" * (decpt - len(digits))
    return sign + digits[:decpt] + "." + digits[decpt:]


def json_text(value: Any) -> str:
    """``value`` as PHP's ``json_encode($value)`` writes it with default flags (maps as objects)."""
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            try:
                items.append(_json_string(key) + ":" + json_text(item))
            except _Unrepresentable as problem:
                raise problem.inside(key) from None
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        parts = []
        for index, item in enumerate(value):
            try:
                parts.append(json_text(item))
            except _Unrepresentable as problem:
                raise problem.inside(index) from None
        return "[" + ",".join(parts) + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        php_int(value)  # the range check: PHP could not have written it
        return str(value)
    if isinstance(value, float):
        return _json_float(value)
    if isinstance(value, str):
        return _json_string(value)
    raise _Unrepresentable(f"a {type(value).__name__} is not a JSON value")


# --- documents and files --------------------------------------------------------------------


def _row_lines(row: Row, json_mode: str) -> Iterator[str]:
    yield f"{_INDENT * 2}[\n"
    for column, value in row.items():
        try:
            literal = php_literal(value, json_mode=json_mode, depth=3)
        except _Unrepresentable as problem:
            raise problem.inside(column) from None
        yield f"{_INDENT * 3}{_php_key(column)} => {literal},\n"
    yield f"{_INDENT * 2}],\n"


def php_document(
    rows_by_table: dict[str, list[Row]], tables: list[str], *, name: str, json_mode: str = "text"
) -> bytes:
    """One world as a PHP file returning ``[table => [row, ...]]`` (UTF-8, LF line ends)."""
    shown = _NAME_IN_COMMENT.sub("_", name)
    how = (
        "JSON text, as Eloquent's array cast stores it"
        if json_mode == "text"
        else "PHP arrays, as the array cast reads them"
    )
    lines = [
        "<?php\n\n",
        f"// restore-contracts world {shown}: rows per table, parents first.\n",
        f"// JSON columns are {how} (--php-json {json_mode}).\n\n",
        "return [\n",
    ]
    for table in tables:
        rows = rows_by_table.get(table, [])
        if not rows:
            lines.append(f"{_INDENT}{_php_key(table)} => [],\n")
            continue
        lines.append(f"{_INDENT}{_php_key(table)} => [\n")
        for row in rows:
            try:
                lines.extend(_row_lines(row, json_mode))
            except _Unrepresentable as problem:
                where = f"{table} id {row.get('id', row.get('restore_run_id'))}"
                raise InputError(
                    f"world {name!r}, {where}, {problem.pointer}: {problem.problem}"
                ) from None
        lines.append(f"{_INDENT}],\n")
    lines.append("];\n")
    try:
        return "".join(lines).encode("utf-8")
    except UnicodeEncodeError as error:
        raise InputError(
            f"world {name!r}: text that is not valid unicode ({error.reason})"
        ) from None


def write_php(
    stream: Iterable[tuple[World, dict[str, list[Row]]]],
    tables: list[str],
    out: Path | str,
    *,
    json_mode: str,
    file_name: Callable[[World], str],
    stdout: BinaryIO | None = None,
) -> list[Path]:
    """``<world>.php`` per world in directory ``out``, or exactly one world to stdout (``-``).

    Two worlds whose names give the same file are refused before the second
    is written: one would silently replace the other.
    """
    if str(out) == "-":
        first = []
        for pair in stream:
            first.append(pair)
            if len(first) > 1:
                break
        if len(first) != 1:
            raise InputError(
                f"php to stdout holds exactly one world, got {'none' if not first else 'more'}; "
                "use --out DIR"
            )
        world, rows_by_table = first[0]
        target = stdout if stdout is not None else sys.stdout.buffer
        target.write(php_document(rows_by_table, tables, name=world.name, json_mode=json_mode))
        target.flush()
        return []
    directory = Path(out)
    if directory.exists() and not directory.is_dir():
        raise InputError(f"--out {directory}: exists and is not a directory")
    paths: list[Path] = []
    written: dict[Path, str] = {}
    for world, rows_by_table in stream:
        path = directory / f"{file_name(world)}.php"
        if path in written:
            raise InputError(
                f"worlds {written[path]!r} and {world.name!r} would both be written to {path}"
            )
        written[path] = world.name
        document = php_document(rows_by_table, tables, name=world.name, json_mode=json_mode)
        with atomic_writer(path) as handle:
            handle.write(document)
        paths.append(path)
    return paths


__all__ = (
    "PHP_JSON_MODES",
    "check_php_json",
    "json_text",
    "php_document",
    "php_literal",
    "php_string",
    "write_php",
)
