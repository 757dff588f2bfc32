"""Fast acceptance of rows in the usual export encodings (msgspec, in C).

Building the pydantic models costs several times more than parsing a row, so
each table also has a msgspec type that decodes and type-checks a row in one
pass: ids as integers in the bigint range, booleans as booleans, known
statuses, JSON columns as objects (or PHP's empty array ``[]``). Timestamps and
item keys are then checked with one regular expression over all of them, and
the row is normalised exactly as the model would normalise it: timestamps to
canonical UTC text (``'Y-m-d H:i:s'``, a six-digit fraction when there is one;
ISO ``T``, ``Z``, ``+00:00`` and ``.000000`` as psql and Eloquent write them),
``[]`` maps to ``{}``, ``0``/``1`` flags to booleans. Times with another offset,
and naive times when the application's timezone is not UTC, are converted value
by value with the model's own functions, still without building a model.
Columns the contract does not name are kept, with their values as JSON decodes
them, for the engine to report (RR103).

Any other row (text encodings from CSV, digit-text ids, integral floats, or
an actual error) goes to the pydantic model, which normalises it or explains
each problem. The fast path may refuse a valid row, never accept an invalid
one, and what it accepts is the row the model would produce: the tests feed
both the same rows and compare (tests/hostile/test_fastpath_differential.py).

Checking many values with one expression needs care: the values are joined
with commas, and a value that holds a comma could pass as two valid ones. The
number of commas in the joined text is therefore compared with the number of
values, so that every value is matched as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, tzinfo
from types import GenericAlias
from typing import Annotated, Any, Literal, NotRequired, Required, TypedDict, get_args

import msgspec
import orjson
from msgspec import Meta

from restore_contracts.contracts._types import (
    PHP_INT_MAX,
    PHP_INT_MIN,
    format_timestamp,
    parse_timestamp,
)

MAX_ID = PHP_INT_MAX

Id = Annotated[int, Meta(gt=0, le=MAX_ID)]
Count = Annotated[int, Meta(ge=0, le=PHP_INT_MAX)]
Int = Annotated[int, Meta(ge=PHP_INT_MIN, le=PHP_INT_MAX)]
Flag = bool | Annotated[int, Meta(ge=0, le=1)]
"""A boolean inside JSON: true/false or PHP's 0/1 (normalised to a boolean)."""
Empty = Annotated[list[Any], Meta(max_length=0)]
"""PHP's empty array where the contract has a map (normalised to ``{}``)."""
Status = Literal[
    "draft",
    "scoped",
    "checked",
    "previewed",
    "pending",
    "queued",
    "running",
    "completed",
    "partial",
    "failed",
    "cancelled",
    "aborted",
    "completed_with_errors",
]
Ts = str
"""A timestamp column: text here, checked and normalised after decoding."""
JsonAny = msgspec.Raw
"""A JSON column of free shape: kept undecoded by msgspec and decoded by orjson, exactly as
the record path decodes it (the two parsers differ on integers beyond 64 bits)."""
_NULL = msgspec.Raw(b"null")

_DATE = (
    r"(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29)"
)
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
TIMESTAMP = _DATE + " " + _TIME
"""A canonical timestamp: 'YYYY-MM-DD HH:MM:SS' naming a real second of a real day."""
_STAMP = _DATE + "[ T]" + _TIME + r"(?:\.[0-9]{6})?(?:Z|\+00:00)?"
"""The forms normalised by text replacement alone: canonical, ISO ``T``, a six-digit fraction,
``Z`` or ``+00:00`` (in UTC, naive and UTC values are the same instant)."""
_NORMAL = TIMESTAMP + r"(?:\.(?!000000)[0-9]{6})?"
"""A normalised timestamp, as ``format_timestamp`` writes it (a fraction only when not 0)."""
_KEY = r"[1-9][0-9]{0,17}"
_CANONICAL = re.compile(TIMESTAMP).fullmatch
_ONE_STAMP = re.compile(_STAMP).fullmatch
_NORMALS = re.compile(f"{_NORMAL}(?:,{_NORMAL})*").fullmatch
_KEYS = re.compile(f"{_KEY}(?:,{_KEY})*").fullmatch
_NORMALS_AND_KEYS = re.compile(f"(?:{_NORMAL}(?:,{_NORMAL})*)?;(?:{_KEY}(?:,{_KEY})*)?").fullmatch
_SUFFIXES = (".000000Z", ".000000+00:00", "Z", "+00:00", ".000000")
_CACHE_FROM = "1980"
"""Local minutes from this year on are converted through a cache: every UTC offset and
transition since then falls on a whole minute."""
_CACHE_SIZE = 1 << 16


def _tidy(text: str) -> str:
    """A timestamp of the ``_STAMP`` forms as canonical text (its zone suffix dropped)."""
    if len(text) == 19:
        return text if text[10] == " " else f"{text[:10]} {text[11:]}"
    head = f"{text[:10]} {text[11:19]}"
    if text[19:20] == "." and text[20:26] != "000000":
        return f"{head}.{text[20:26]}"
    return head


def _tidy_all(text: str) -> str:
    """Comma-joined timestamps with ISO ``T`` separators made spaces and one UTC suffix form
    (the last value's) cut where it ends a value: the normalised texts when every value was
    a ``_STAMP`` form. The result must still match ``_NORMALS``: only one suffix form is cut,
    once per value, and a zero fraction is cut only when no other fraction is left, so no
    invalid value becomes a normalised text (a ``T`` anywhere but between date and time, or
    a suffix left over, is rejected)."""
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            cut = text.replace(suffix + ",", ",")[: -len(suffix)]
            if suffix[0] == "." and "." in cut:
                return text  # a fraction before a cut zero fraction: not a form; per value
            text = cut
            break
    if "T" in text:
        text = text.replace("T", " ")
    return text


class _Clock:
    """Timestamp text -> canonical UTC text, as ``format_timestamp(parse_timestamp(...))``
    gives it with the application's timezone; None when the model would reject it."""

    __slots__ = ("minutes", "utc", "zone")

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.utc = zone is UTC
        self.minutes: dict[str, str] = {}

    def __call__(self, text: str) -> str | None:
        if _ONE_STAMP(text):
            if self.utc or text[-1] == "Z" or text[-6:] == "+00:00":
                return _tidy(text)
            local = _tidy(text)
            if local >= _CACHE_FROM:
                prefix = self.minutes.get(local[:16])
                if prefix is None:
                    prefix = self._minute(local[:16])
                if prefix:
                    return prefix + local[16:]
        try:
            return format_timestamp(parse_timestamp(text, self.zone))
        except ValueError:
            return None

    def _minute(self, minute: str) -> str:
        """The UTC text of a local minute ('' when it does not shift as a whole)."""
        if len(self.minutes) >= _CACHE_SIZE:
            self.minutes.clear()
        try:
            utc = format_timestamp(parse_timestamp(minute + ":00", self.zone))
        except ValueError:
            utc = ""
        prefix = utc[:16] if len(utc) == 19 and utc.endswith(":00") else ""
        self.minutes[minute] = prefix
        return prefix


def _joined(values: list[str]) -> str | None:
    """The values joined by commas, or None when a value holds a comma itself."""
    text = ",".join(values)
    if text.count(",") != len(values) - 1:
        return None
    return text


class _Foundation(TypedDict):
    type: str
    decision: str
    source_id: NotRequired[str | None]
    source_name: NotRequired[str | None]
    target_id: NotRequired[str | None]
    reason: NotRequired[str | None]


class _ItemOutcome(TypedDict, total=False):
    status: Required[str]
    policy_type: str | None
    display_name: str | None
    policy_identifier: str | None
    reason: str | None
    http_status: Int | None
    graph_request_id: str | None
    duration_ms: Count | None


class _Results(TypedDict, total=False):
    foundations: list[_Foundation]
    items: dict[str, _ItemOutcome] | Empty


class _PreviewItem(TypedDict, total=False):
    action: Required[str]
    policy_type: str | None
    display_name: str | None


class _Preview(TypedDict, total=False):
    generated_at: Ts | None
    items: dict[str, _PreviewItem] | Empty


class _Basis(TypedDict, total=False):
    fingerprint: str | None
    recorded_at: Ts | None
    item_count: Count | None


class _Safety(TypedDict, total=False):
    captured_at: Ts | None
    checks_passed: Flag | None
    warnings: list[str] | None


class _Metadata(TypedDict, total=False):
    total: Count | None
    succeeded: Count | None
    failed: Count | None
    skipped: Count | None
    partial: Count | None
    non_applied: Count | None
    foundations_skipped: Count | None
    scope_basis: _Basis | None
    check_basis: _Basis | None
    preview_basis: _Basis | None
    execution_safety_snapshot: _Safety | None


class _Row(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """Base of the fast row types; columns they do not name are learnt as they appear."""


class RestoreRunRow(_Row):
    id: Id
    managed_environment_id: Id
    workspace_id: Id
    backup_set_id: Id
    is_dry_run: bool
    status: Status
    requested_by: Int | str | None = None
    requested_items: list[Id] | None = None
    preview: _Preview | Empty | None = None
    results: _Results | Empty | None = None
    metadata: _Metadata | Empty | None = None
    failure_reason: str | None = None
    started_at: Ts | None = None
    completed_at: Ts | None = None
    operation_run_id: Id | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


class WorkspaceRow(_Row):
    id: Id
    name: str
    slug: str | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


class ManagedEnvironmentRow(_Row):
    id: Id
    workspace_id: Id
    name: str
    tenant_id: str | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


class BackupSetRow(_Row):
    id: Id
    workspace_id: Id
    managed_environment_id: Id
    name: str
    status: str | None = None
    item_count: Count | None = None
    created_by: Int | str | None = None
    completed_at: Ts | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None
    deleted_at: Ts | None = None


class BackupItemRow(_Row):
    id: Id
    backup_set_id: Id
    policy_type: str
    policy_identifier: str | None = None
    display_name: str | None = None
    platform: str | None = None
    payload: JsonAny = _NULL
    captured_at: Ts | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


class OperationRunRow(_Row):
    id: Id
    workspace_id: Id
    type: str
    status: str
    outcome: str
    managed_environment_id: Id | None = None
    user_id: Id | None = None
    summary_counts: dict[str, Int] | Empty | None = None
    failure_summary: JsonAny = _NULL
    context: JsonAny = _NULL
    started_at: Ts | None = None
    completed_at: Ts | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


class EvidenceSnapshotRow(_Row):
    id: Id
    workspace_id: Id
    managed_environment_id: Id
    status: str
    completeness_state: str
    operation_run_id: Id | None = None
    generated_at: Ts | None = None
    expires_at: Ts | None = None
    summary: JsonAny = _NULL
    created_at: Ts | None = None
    updated_at: Ts | None = None


FAST_TYPES: dict[str, type[_Row]] = {
    "workspaces": WorkspaceRow,
    "managed_environments": ManagedEnvironmentRow,
    "backup_sets": BackupSetRow,
    "backup_items": BackupItemRow,
    "operation_runs": OperationRunRow,
    "restore_runs": RestoreRunRow,
    "evidence_snapshots": EvidenceSnapshotRow,
}
"""Table -> its fast row type (tables without one always go through the model)."""

LENIENT_TABLES = frozenset({"restore_runs"})
"""Tables whose decoder may accept a line that orjson refuses: msgspec checks the JSON
columns of a run against typed dictionaries and skips the keys they do not name without
converting them (a number like ``1e400`` there passes). Every other table's decoder reads
each value typed or hands it to orjson, so a line it accepts decodes to the same row in
orjson; a source whose rows orjson decodes uses the decoder only for those tables."""

_TIMESTAMP_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(
        name for name, kind in row_type.__annotations__.items() if kind in ("Ts | None", "Ts")
    )
    for table, row_type in FAST_TYPES.items()
}
_FREE_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(name for name, kind in row_type.__annotations__.items() if kind == "JsonAny")
    for table, row_type in FAST_TYPES.items()
}
"""Columns of free JSON shape, per table: maps, except the list ``failure_summary``."""
_LISTS = frozenset({"failure_summary"})


def _converter_type(row_type: type[_Row]) -> type[msgspec.Struct]:
    """The row type for already parsed rows: free JSON columns as Python values, and
    columns the contract does not name ignored (the converter adds them back itself)."""
    free = [name for name, kind in row_type.__annotations__.items() if kind == "JsonAny"]
    fields: list[tuple[str, Any, Any]] = [
        (
            name,
            list[dict[str, Any] | Empty] | None
            if name in _LISTS
            else dict[str, Any] | Empty | None,
            None,
        )
        for name in free
    ]
    return msgspec.defstruct(
        f"{row_type.__name__}Parsed",
        fields,
        bases=(row_type,),
        forbid_unknown_fields=False,
        gc=False,
    )


Finish = Callable[[dict[str, Any]], "dict[str, Any] | None"]


def _free_value(column: str, value: Any) -> tuple[bool, Any]:
    """A free JSON column's value as the model normalises it: (acceptable, value)."""
    if isinstance(value, msgspec.Raw):
        try:
            value = orjson.loads(memoryview(value))
        except orjson.JSONDecodeError:
            return False, None
    if value is None:
        return True, None
    if column in _LISTS:
        if value.__class__ is not list:
            return False, None
        entries = []
        for entry in value:
            if entry.__class__ is list and not entry:
                entry = {}
            elif entry.__class__ is not dict:
                return False, None
            entries.append(entry)
        return True, entries
    if value.__class__ is list and not value:
        return True, {}
    return value.__class__ is dict, value


def _table_finish(table: str, clock: _Clock) -> Finish:
    """The checks and normalisation after decoding, for a table without nested timestamps."""
    columns = _TIMESTAMP_COLUMNS[table]
    free = _FREE_COLUMNS[table]
    empty_maps = ("summary_counts",) if table == "operation_runs" else ()
    utc = clock.utc

    def finish(row: dict[str, Any]) -> dict[str, Any] | None:
        for column in free:
            ok, row[column] = _free_value(column, row[column])
            if not ok:
                return None
        for column in empty_maps:
            if row[column].__class__ is list:
                row[column] = {}
        present = [c for c in columns if row[c] is not None]
        if not present:
            return row
        stamps = [row[c] for c in present]
        text = _joined(stamps)
        if text is not None and utc:
            tidy = _tidy_all(text)
            if _NORMALS(tidy):
                if tidy != text:
                    row.update(zip(present, tidy.split(","), strict=True))
                return row
        for column, stamp in zip(present, stamps, strict=True):
            value = clock(stamp)
            if value is None:
                return None
            row[column] = value
        return row

    return finish


_BASES = ("scope_basis", "check_basis", "preview_basis")
_RUN_TIMESTAMPS = _TIMESTAMP_COLUMNS["restore_runs"]


def _run_finish(clock: _Clock) -> Finish:
    """Timestamps (top level and inside the JSON columns), item keys, ``[]`` maps and 0/1
    flags of a decoded run: the keys and (in UTC) the timestamps are checked with one
    regular expression over ``stamps;keys``; result keys equal to the preview's, the usual
    case, are checked once."""
    utc = clock.utc

    def finish(row: dict[str, Any]) -> dict[str, Any] | None:
        top = [c for c in _RUN_TIMESTAMPS if row[c] is not None]
        stamps = [row[c] for c in top]
        nested: list[tuple[dict[str, Any], str]] = []
        keys: list[str] = []
        planned: Any = None
        preview = row["preview"]
        if preview is not None:
            if preview.__class__ is list:
                row["preview"] = preview = {}
            generated = preview.get("generated_at")
            if generated is not None:
                stamps.append(generated)
                nested.append((preview, "generated_at"))
            planned = preview.get("items")
            if planned.__class__ is list:
                preview["items"] = planned = {}
            elif planned:
                keys.extend(planned)
        results = row["results"]
        if results is not None:
            if results.__class__ is list:
                row["results"] = results = {}
            items = results.get("items")
            if items.__class__ is list:
                results["items"] = items = {}
            if items and (planned is None or items.keys() != planned.keys()):
                keys.extend(items)
        meta = row["metadata"]
        if meta is not None:
            if meta.__class__ is list:
                row["metadata"] = meta = {}
            for name in _BASES:
                basis = meta.get(name)
                if basis is not None:
                    recorded = basis.get("recorded_at")
                    if recorded is not None:
                        stamps.append(recorded)
                        nested.append((basis, "recorded_at"))
            safety = meta.get("execution_safety_snapshot")
            if safety is not None:
                captured = safety.get("captured_at")
                if captured is not None:
                    stamps.append(captured)
                    nested.append((safety, "captured_at"))
                flag = safety.get("checks_passed")
                if flag.__class__ is int:
                    safety["checks_passed"] = flag == 1
        stamp_text = _joined(stamps) if stamps else ""
        key_text = _joined(keys) if keys else ""
        if stamp_text is None or key_text is None:
            return None
        if utc:
            tidy = _tidy_all(stamp_text)
            if _NORMALS_AND_KEYS(f"{tidy};{key_text}"):
                if tidy != stamp_text:
                    _put(row, top, nested, tidy.split(","))
                return row
        if keys and not _KEYS(key_text):
            return None
        normal = [clock(stamp) for stamp in stamps]
        if None in normal:
            return None
        _put(row, top, nested, normal)
        return row

    return finish


def _put(
    row: dict[str, Any], top: list[str], nested: list[tuple[dict[str, Any], str]], values: Any
) -> None:
    """Write normalised timestamps back where ``_run_finish`` collected them (in order: the
    top-level columns, then the nested ones)."""
    row.update(zip(top, values))  # noqa: B905 - values holds the nested ones after these
    index = len(top)
    for holder, name in nested:
        holder[name] = values[index]
        index += 1


def _finisher(table: str, zone: tzinfo) -> Finish:
    clock = _Clock(zone)
    return _run_finish(clock) if table == "restore_runs" else _table_finish(table, clock)


MAX_LEARNT_COLUMNS = 64
"""Columns the contract does not name that a decoder learns; rows with more take the model."""
_UNKNOWN_FIELD = "Object contains unknown field"
_NO_VALUE = msgspec.Raw(b"")


_UNNAMEABLE = re.compile(r'[\x00-\x1f"\\]')
"""Characters msgspec refuses in a field's name (a hostile column name)."""


class _Learning:
    """A table's msgspec decoder that learns the columns the contract does not name.

    Rows of one export share their columns, so the first row with an application column
    (``tenant_note``) extends the row type with it, and every later row decodes in one pass
    again, the column's value kept undecoded and handed to orjson.
    """

    def __init__(self, row_type: type[_Row]) -> None:
        self.row_type = row_type
        self.known = frozenset(row_type.__struct_fields__)
        self.extra: list[str] = []
        self.slots: list[tuple[str, str]] = []
        self.decode: Callable[[bytes], Any] = msgspec.json.Decoder(row_type).decode

    def learn(self, text: bytes, error: msgspec.ValidationError) -> bool:
        """Extend the row type with the columns of ``text`` it lacks; whether it did."""
        if not str(error).startswith(_UNKNOWN_FIELD):
            return False
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            return False
        if data.__class__ is not dict:
            return False
        known = self.known.union(self.extra)
        new = [name for name in data if name not in known]
        if not new or len(self.extra) + len(new) > MAX_LEARNT_COLUMNS:
            return False
        if any(_UNNAMEABLE.search(name) for name in new):
            return False  # msgspec cannot name such a field: the row takes the model path
        self.extra.extend(new)
        self.slots = [(f"x_extra_{i}", name) for i, name in enumerate(self.extra)]
        learnt = msgspec.defstruct(
            f"{self.row_type.__name__}Learnt",
            [(slot, msgspec.Raw, _NO_VALUE) for slot, _ in self.slots],
            bases=(self.row_type,),
            rename=dict(self.slots),
            forbid_unknown_fields=True,
            gc=False,
        )
        self.decode = msgspec.json.Decoder(learnt).decode
        return True


FastDecode = Callable[[bytes], "dict[str, Any] | None"]
FastConvert = Callable[[dict[str, Any]], "dict[str, Any] | None"]


def fast_decoder(table: str, zone: tzinfo = UTC) -> FastDecode | None:
    """JSON text -> the normalised row, or None when the row needs the model.

    ``zone`` is the application's timezone (naive timestamps are in it). The row may hold
    columns the contract does not name, with their values as JSON decodes them.
    """
    row_type = FAST_TYPES.get(table)
    if row_type is None:
        return None
    learning = _Learning(row_type)
    as_dict = msgspec.structs.asdict
    finish = _finisher(table, zone)
    loads = orjson.loads
    too_deep = RecursionError
    """JSON nested too deep for msgspec: the record path reports it (RR023)."""

    def fast(text: bytes) -> dict[str, Any] | None:
        try:
            struct = learning.decode(text)
        except msgspec.ValidationError as exc:
            if not learning.learn(text, exc):
                return None
            try:
                struct = learning.decode(text)
            except (msgspec.ValidationError, msgspec.DecodeError, too_deep):
                return None
        except (msgspec.DecodeError, too_deep):
            return None
        row = as_dict(struct)
        for slot, name in learning.slots:
            raw = row.pop(slot)
            if raw:
                try:
                    row[name] = loads(memoryview(raw))
                except orjson.JSONDecodeError:
                    return None
        return finish(row)

    return fast


def fast_converter(table: str, zone: tzinfo = UTC) -> FastConvert | None:
    """A parsed row -> the normalised row, or None when the row needs the model.

    Columns the contract does not name are kept as they are.
    """
    row_type = FAST_TYPES.get(table)
    if row_type is None:
        return None
    parsed = _converter_type(row_type)
    known = frozenset(row_type.__struct_fields__)
    as_dict = msgspec.structs.asdict
    convert = msgspec.convert
    finish = _finisher(table, zone)

    def fast(data: dict[str, Any]) -> dict[str, Any] | None:
        try:
            row = as_dict(convert(data, parsed))
        except msgspec.ValidationError:
            return None
        if not known.issuperset(data):
            row.update((name, value) for name, value in data.items() if name not in known)
        return finish(row)

    return fast


FastBlock = Callable[[Sequence[str], Sequence[Sequence[Any]]], "list[dict[str, Any] | None]"]


def typed_json_decoders(table: str, columns: Iterable[str]) -> dict[str, Callable[[str], Any]]:
    """Of a table's JSON ``columns``, those of a fixed shape (not free JSON) -> a decoder of
    their text into the value :func:`fast_converter` accepts there, raising
    ``msgspec.DecodeError`` (or ``UnicodeError``) for text that ``orjson.loads`` and
    that check refuse together: msgspec decodes the text into the column's type in one
    pass, as the NDJSON path decodes it."""
    row_type = FAST_TYPES.get(table)
    if row_type is None:
        return {}
    wanted = set(columns) - set(_FREE_COLUMNS[table])
    return {
        f.name: msgspec.json.Decoder(f.type).decode
        for f in msgspec.structs.fields(_converter_type(row_type))
        if f.name in wanted and type(None) in get_args(f.type)  # NULL stays None, as before
    }


def fast_block_converter(
    table: str, zone: tzinfo = UTC, decoded: frozenset[str] = frozenset()
) -> FastBlock | None:
    """Many parsed rows at once, given column by column -> :func:`fast_converter`'s row (or
    None) for each; None for a table without a fast path.

    The columns are ``names`` (a header: each name once) and ``columns`` (one sequence of
    values per name, as :func:`fast_converter` would find them in each row's mapping). The
    contract's columns are converted in one msgspec call per block, as tuples of an
    ``array_like`` row type with the same fields in the same order, so each row is checked
    by the same types as a mapping would be; a block that does not convert whole is
    converted row by row. A column the header lacks is absent from every row (its default,
    or the row refused when the contract requires it).
    """
    row_type = FAST_TYPES.get(table)
    if row_type is None:
        return None
    parsed = _converter_type(row_type)
    fields = msgspec.structs.fields(parsed)
    as_dict = msgspec.structs.asdict
    convert = msgspec.convert
    finish = _finisher(table, zone)
    types: dict[tuple[str, ...], Any] = {}

    def array_type(names: tuple[str, ...]) -> Any:
        """The row type whose rows are tuples of the contract columns in ``names``' order
        of the fields (None: a required column is missing, no row converts)."""
        found = types.get(names)
        if found is None and names not in types:
            present = set(names)
            if any(f.required and f.name not in present for f in fields):
                found = None
            else:
                found = msgspec.defstruct(
                    f"{parsed.__name__}Tuple",
                    [
                        (f.name, Any if f.name in decoded else f.type, f.default)
                        for f in fields
                        if f.name in present
                    ],
                    array_like=True,
                    gc=False,
                )
            types[names] = found
        return found

    def fast(names: Sequence[str], columns: Sequence[Sequence[Any]]) -> list[dict[str, Any] | None]:
        size = len(columns[0]) if columns else 0
        kind = array_type(tuple(names))
        if kind is None:
            return [None] * size
        position = {name: i for i, name in enumerate(names)}
        known = [columns[position[f.name]] for f in fields if f.name in position]
        defaults = [(f.name, f.default) for f in fields if f.name not in position]
        extra = [(name, columns[i]) for i, name in enumerate(names) if name not in parsed_fields]
        tuples = list(zip(*known, strict=True))
        try:
            structs: list[Any] = convert(tuples, GenericAlias(list, (kind,)))
        except (msgspec.ValidationError, RecursionError, UnicodeError):
            structs = []  # a row does not convert (a lone surrogate cannot be encoded)
            for values in tuples:
                try:
                    structs.append(convert(values, kind))
                except (msgspec.ValidationError, RecursionError, UnicodeError):
                    structs.append(None)
        rows: list[dict[str, Any] | None] = []
        append = rows.append
        for index, struct in enumerate(structs):
            if struct is None:
                append(None)
                continue
            row = as_dict(struct)
            if defaults:
                row = _in_order(row, defaults, order)
            if extra:
                row.update((name, values[index]) for name, values in extra)
            append(finish(row))
        return rows

    parsed_fields = frozenset(f.name for f in fields)
    order = tuple(f.name for f in fields)
    return fast


def _in_order(
    row: dict[str, Any], defaults: list[tuple[str, Any]], order: tuple[str, ...]
) -> dict[str, Any]:
    """A row with the missing columns' defaults, keys in the row type's field order."""
    row.update(defaults)
    return {name: row[name] for name in order}


def is_timestamp(value: Any) -> bool:
    """Whether a value is a timestamp in the canonical 'Y-m-d H:i:s' form."""
    return isinstance(value, str) and _CANONICAL(value) is not None


__all__ = (
    "FAST_TYPES",
    "LENIENT_TABLES",
    "MAX_ID",
    "MAX_LEARNT_COLUMNS",
    "TIMESTAMP",
    "FastBlock",
    "FastConvert",
    "FastDecode",
    "fast_block_converter",
    "fast_converter",
    "fast_decoder",
    "is_timestamp",
    "typed_json_decoders",
)
