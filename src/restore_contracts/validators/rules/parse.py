"""RR0xx: problems reading a row at all; readers and the engine report them.

One bad line never hides the rest: every reader turns what it cannot read
into one of these findings, with the line number, and goes on.
"""

from __future__ import annotations

from restore_contracts.provenance import Provenance
from restore_contracts.validators.rules._registry import declare

D = Provenance.FORMAT
"""Parse rules judge the export's encoding (JSON, UTF-8, CSV), not an application fact."""

NOT_JSON = "RR001"
INVALID_UTF8 = "RR002"
TRUNCATED = "RR003"
CSV_MISSING_FIELDS = "RR004"
CSV_EXTRA_FIELDS = "RR005"
DUPLICATE_KEY = "RR006"
NOT_AN_OBJECT = "RR007"
CSV_MALFORMED = "RR008"
BAD_DOCUMENT = "RR009"
DUPLICATE_COLUMN = "RR021"
TOO_LARGE = "RR022"
TOO_DEEP = "RR023"

declare(
    NOT_JSON,
    "Line is not valid JSON",
    severity="error",
    provenance=D,
    why="A row that cannot be parsed cannot be checked; it is reported where it is and "
    "reading goes on with the next line.",
)
declare(
    INVALID_UTF8,
    "Line is not valid UTF-8",
    severity="error",
    provenance=D,
    why="Exports are UTF-8 text; bytes that do not decode point at a wrong client encoding "
    "or a corrupted file.",
)
declare(
    TRUNCATED,
    "File ends in the middle of a row",
    severity="error",
    provenance=D,
    why="A last row without its end is what an interrupted export leaves; the file is "
    "incomplete even when every earlier row is fine.",
)
declare(
    CSV_MISSING_FIELDS,
    "CSV row has fewer fields than the header",
    severity="error",
    provenance=D,
    why="A short CSV row shifts no columns but loses some; which ones cannot be known, so "
    "the row is not checked further.",
)
declare(
    CSV_EXTRA_FIELDS,
    "CSV row has more fields than the header",
    severity="error",
    provenance=D,
    why="Extra fields mean an unquoted delimiter or a shifted row; every column after it "
    "would be read wrong.",
)
declare(
    DUPLICATE_KEY,
    "Duplicate primary key",
    severity="error",
    provenance=Provenance.ASSUMED,
    note="unique primary keys are assumed: the truth map names no table's primary key "
    "(restore_runs.id is Laravel's convention)",
    why="Two rows with one primary key cannot both be the database's row; references to it "
    "become ambiguous (the first row is the one looked up).",
)
declare(
    NOT_AN_OBJECT,
    "Row is not a JSON object",
    severity="error",
    provenance=D,
    why="A row maps column names to values; an array, number or string in its place "
    "cannot be checked.",
)
declare(
    CSV_MALFORMED,
    "CSV record is malformed",
    severity="error",
    provenance=D,
    why="Text after a closing quote or an unterminated quote makes the field boundaries "
    "unknowable (PostgreSQL COPY never writes such records).",
)
declare(
    BAD_DOCUMENT,
    "JSON document is not rows",
    severity="error",
    provenance=D,
    why="A .json file must hold an array of rows or an object of table -> rows; anything "
    "else has no rows to check.",
)

declare(
    DUPLICATE_COLUMN,
    "Header names a column twice",
    severity="error",
    provenance=D,
    why="With two fields of one name, which holds the column's value cannot be known; the "
    "file's rows are not read rather than read with a guess.",
)
declare(
    TOO_LARGE,
    "Row is larger than the size limit",
    severity="error",
    provenance=D,
    why="A line, record or document element longer than max_line_bytes (default 8 MiB) is "
    "skipped unread so that memory stays bounded; reading goes on after it.",
)
declare(
    TOO_DEEP,
    "JSON nested deeper than the limit",
    severity="error",
    provenance=D,
    why="JSON nested more than 128 levels (in a row or inside a JSON column's text) is no "
    "application data and cannot be checked without exhausting the stack; the row is skipped.",
)

__all__ = (
    "BAD_DOCUMENT",
    "CSV_EXTRA_FIELDS",
    "CSV_MALFORMED",
    "CSV_MISSING_FIELDS",
    "DUPLICATE_COLUMN",
    "DUPLICATE_KEY",
    "INVALID_UTF8",
    "NOT_AN_OBJECT",
    "NOT_JSON",
    "TOO_DEEP",
    "TOO_LARGE",
    "TRUNCATED",
)
