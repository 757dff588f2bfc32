"""How text taken from the data is shown: escaped, on one line, and bounded.

Column names, values, ids, table and file names come from exports nobody here
controls. Printed raw, a newline plus ``::error::`` forges a GitHub workflow
command, an ANSI escape clears the reader's terminal, a U+FFFE makes a JUnit
file unparseable and a 10 MB column name makes a 10 MB report. Every report
therefore passes each data-derived string through one of these functions:

- :func:`clean` for what people read (text, Markdown, GitHub annotations,
  JUnit): control characters, line and paragraph separators, bidirectional
  overrides, lone surrogates and non-characters become visible escapes
  (``\\n``, ``\\x1b``, ``\\u202e``, ``\\udcff``), so the string stays on one line and
  shows what it holds; the result is never longer than ``limit`` plus a short
  note of the original length.
- :func:`bound` and :func:`json_text` for what programs read (JSON): strings
  keep their content (JSON escapes control characters itself), are shortened
  the same way, and lone surrogates, which no UTF-8 output can carry, become
  visible escapes.

A backslash already in the data is shown as is: the escapes make the output
safe and readable, not reversible.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import orjson

LIMIT = 500
"""Characters of one data-derived string shown before it is shortened."""

_UNSAFE_CLASS = (
    "\x7f-\x9f"  # DEL, C1 controls
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks and overrides
    "\u2028\u2029"  # line and paragraph separators
    "\ufeff"  # zero-width no-break space (a stray BOM)
    "\ud800-\udfff"  # lone surrogates (undecodable file names, bad escapes)
    "\ufdd0-\ufdef\ufffe\uffff"  # non-characters of the first plane
    "\U00010000-\U0010ffff"  # other planes: only their non-characters are escaped (_escape)
)
"""What a JSON encoder leaves raw but a reader should not meet raw (it escapes C0 itself).

The other planes are matched as one range (a class listing their sixteen pairs
of non-characters makes the regular expression ten times slower) and sorted out
when escaping.
"""
_UNSAFE = re.compile(f"[\x00-\x1f{_UNSAFE_CLASS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_RAW = re.compile(f"[{_UNSAFE_CLASS}]")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _safe_astral(code: int) -> bool:
    """Whether a character past the first plane is an ordinary one (not U+nFFFE/U+nFFFF)."""
    return code > 0xFFFF and code & 0xFFFE != 0xFFFE


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if _safe_astral(code):
        return char
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape_match(match: re.Match[str]) -> str:
    return _escape(match.group())


def _note(length: int) -> str:
    return f"…(shortened from {length} characters)"


def shorten(text: str, limit: int = LIMIT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis and the original length."""
    if len(text) <= limit:
        return text
    return text[:limit] + _note(len(text))


def _str(value: object) -> str:
    """``str(value)``, also for an integer too long for Python to print."""
    try:
        return str(value)
    except ValueError:
        if isinstance(value, int):
            return f"<an integer of {value.bit_length()} bits>"
        raise


def clean(text: object, limit: int = LIMIT) -> str:
    """``text`` as one printable line: unsafe characters escaped, at most ``limit`` shown.

    The limit counts what is shown (an escape is several characters), so the
    result is at most ``limit`` characters plus the note of the original length.
    """
    text = text if isinstance(text, str) else _str(text)
    if len(text) <= limit and _UNSAFE.search(text) is None:
        return text
    head = _UNSAFE.sub(_escape_match, text[:limit])
    if len(text) <= limit and len(head) <= limit:
        return head
    if len(head) > limit:
        shown: list[str] = []
        size = 0
        for char in text[:limit]:
            piece = _escape(char) if _UNSAFE.match(char) else char
            if size + len(piece) > limit:
                break
            shown.append(piece)
            size += len(piece)
        head = "".join(shown)
    return head + _note(len(text))


def bound(text: str, limit: int = LIMIT) -> str:
    """``text`` for a machine-readable report: shortened, lone surrogates escaped, else as is."""
    if text.isascii() and len(text) <= limit:
        return text
    text = shorten(text, limit)
    if _SURROGATE.search(text) is not None:
        text = _SURROGATE.sub(_escape_match, text)
    return text


_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1


def _same(value: Any) -> Any:
    return value


def map_text(document: Any, text: Callable[[str], str], other: Callable[[Any], Any] = _same) -> Any:
    """A copy of a JSON-like ``document`` with every string key and value passed through
    ``text`` (every other leaf through ``other``). Two keys that ``text`` makes equal stay
    two keys (the later one gets a ``#2`` suffix), so no figure is lost."""
    if isinstance(document, str):
        return text(document)
    if isinstance(document, dict):
        copy: dict[Any, Any] = {}
        for key, value in document.items():
            name = unique_key(text(key), copy) if isinstance(key, str) else key
            copy[name] = map_text(value, text, other)
        return copy
    if isinstance(document, list | tuple):
        return [map_text(item, text, other) for item in document]
    return other(document)


def bounded(document: Any, limit: int = LIMIT) -> Any:
    """A copy of a JSON-like ``document`` with every string key and value :func:`bound`.

    An integer beyond 64 bits (an id read from text) becomes its bounded decimal text,
    which every JSON reader can hold.
    """

    def wide_int(value: Any) -> Any:
        if isinstance(value, int) and not _INT_MIN <= value <= _INT_MAX:
            return bound(_str(value), limit)
        return value

    return map_text(document, lambda text: bound(text, limit), wide_int)


def unique_key(name: str, taken: dict[Any, Any]) -> str:
    """``name``, or ``name#2``, ``name#3``... if a shortened or escaped key is already taken."""
    if name not in taken:
        return name
    number = 2
    while f"{name}#{number}" in taken:
        number += 1
    return f"{name}#{number}"


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if _safe_astral(code):
        return match.group()
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | code >> 10:04x}\\u{0xDC00 | code & 0x3FF:04x}"


def json_text(document: Any, limit: int = LIMIT) -> str:
    """``document`` as indented JSON text ending in a newline, safe to print and to parse.

    Strings are :func:`bounded`; the characters a JSON encoder may leave raw
    (DEL, C1 controls, separators, bidirectional overrides, non-characters) are
    written as ``\\uXXXX`` escapes, which every JSON reader decodes to the same
    string.
    """
    return safe_json_text(bounded(document, limit))


def safe_json_text(document: Any) -> str:
    """:func:`json_text` for a document whose strings are already :func:`bound`."""
    try:
        text = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    except TypeError:
        text = orjson.dumps(
            bounded(document, sys.maxsize), option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
        )
    decoded = text.decode()
    if decoded.isascii():
        return decoded.replace("\x7f", "\\u007f") + "\n"
    return _JSON_RAW.sub(_json_escape, decoded) + "\n"


def unsafe_characters(text: str) -> list[str]:
    """The characters of ``text`` that :func:`clean` would escape (for tests and checks)."""
    return [char for char in _UNSAFE.findall(text) if not _safe_astral(ord(char))]


__all__ = (
    "LIMIT",
    "bound",
    "bounded",
    "clean",
    "json_text",
    "map_text",
    "safe_json_text",
    "shorten",
    "unique_key",
    "unsafe_characters",
)
