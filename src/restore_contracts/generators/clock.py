"""The anchored clock: every generated timestamp is an offset from one fixed instant.

Fixtures must be byte-identical on any day, machine and timezone, so nothing
here reads the clock or the local timezone. Times are integer seconds since
the Unix epoch (UTC) and are formatted with plain arithmetic.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from restore_contracts.contracts._types import parse_timestamp
from restore_contracts.errors import InputError

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
DAY = 86_400
HOUR = 3_600


def epoch_of(value: datetime) -> int:
    """Whole seconds since the Unix epoch of an aware datetime."""
    return int((value - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())


DEFAULT_ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
"""The instant generated worlds are placed around unless ``--anchor`` says otherwise."""

MIN_ANCHOR = datetime(2026, 4, 1, tzinfo=UTC)
"""Earliest anchor: catalogue runs placed up to ten days before it must still be created
after the evidence_snapshots migration (2026-03-19), or their evidence would be impossible."""

MAX_ANCHOR = datetime(2100, 1, 1, tzinfo=UTC)

OPERATION_RUN_COLUMN_SINCE = epoch_of(datetime(2026, 2, 10, tzinfo=UTC))
"""Runs created before this have no operation run (migration 2026_02_10_115908)."""

EVIDENCE_TABLE_SINCE = epoch_of(datetime(2026, 3, 19, tzinfo=UTC))
"""Evidence snapshots exist only for runs created on or after this (migration 2026_03_19)."""

BERLIN_SPRING_FORWARD = epoch_of(datetime(2026, 3, 29, 1, tzinfo=UTC))
"""Europe/Berlin jumps from 02:00 CET to 03:00 CEST at this instant."""

BERLIN_FALL_BACK = epoch_of(datetime(2026, 10, 25, 1, tzinfo=UTC))
"""Europe/Berlin falls back from 03:00 CEST to 02:00 CET at this instant."""

_DAYS: dict[int, str] = {}
_TIMES: list[str] = []


def _fill(days: int) -> None:
    """Fill the caches: the day's date text, and ' HH:MM:SS' for every second of a day."""
    _DAYS[days] = date.fromordinal(_EPOCH_ORDINAL + days).isoformat()
    if not _TIMES:
        _TIMES.extend(
            f" {h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
        )


def format_epoch(seconds: int) -> str:
    """Seconds since the epoch as ``'Y-m-d H:i:s'`` in UTC, without touching any timezone.

    Two cache lookups instead of formatting: this runs some twenty times per world.
    """
    days, rest = divmod(seconds, DAY)
    try:
        return _DAYS[days] + _TIMES[rest]
    except (KeyError, IndexError):
        _fill(days)
        return _DAYS[days] + _TIMES[rest]


def parse_anchor(text: str | datetime | None) -> int:
    """The anchor as epoch seconds; naive values are UTC; out-of-range values are refused."""
    if text is None:
        value = DEFAULT_ANCHOR
    elif isinstance(text, datetime):
        value = text.replace(tzinfo=UTC) if text.tzinfo is None else text.astimezone(UTC)
    else:
        raw = text.strip()
        if len(raw) == 10:
            raw += " 00:00:00"
        try:
            value = parse_timestamp(raw)
        except ValueError:
            raise InputError(
                f"--anchor: expected a date (YYYY-MM-DD) or timestamp, got {text!r}"
            ) from None
        if not isinstance(value, datetime):  # pragma: no cover - parse_timestamp returns one
            raise InputError(f"--anchor: not a timestamp: {text!r}")
    if not MIN_ANCHOR <= value < MAX_ANCHOR:
        raise InputError(
            f"--anchor must be between {MIN_ANCHOR.date()} and {MAX_ANCHOR.date()}, "
            f"got {value.strftime('%Y-%m-%d %H:%M:%S')}"
        )
    return epoch_of(value.replace(microsecond=0))


__all__ = (
    "BERLIN_FALL_BACK",
    "BERLIN_SPRING_FORWARD",
    "DAY",
    "DEFAULT_ANCHOR",
    "EVIDENCE_TABLE_SINCE",
    "HOUR",
    "MAX_ANCHOR",
    "MIN_ANCHOR",
    "OPERATION_RUN_COLUMN_SINCE",
    "epoch_of",
    "format_epoch",
    "parse_anchor",
)
