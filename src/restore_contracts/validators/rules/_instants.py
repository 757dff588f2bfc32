"""Timestamps compared as instants, in the application's timezone.

Rows reach the rules with canonical UTC text: naive values were read in the
application's timezone (``timezone``, default UTC), values with ``Z`` or an
offset as given, so comparing the text compares the instants. One thing the
text cannot say: a wall-clock time in the hour a DST change repeats (in
Europe/Berlin, 02:00-02:59 on the last Sunday of October) was read at its
first offset, but may have been written at the second. An ordering rule
reports a pair only when it is out of order under every reading of both
times; the cost is that two times given with explicit offsets inside that
hour, less than an hour out of order, are not reported either.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from restore_contracts.validators.findings import show


def _readings(text: str, zone: tzinfo) -> tuple[datetime, datetime] | None:
    """The earliest and latest instant a canonical UTC text can stand for in ``zone``."""
    try:
        instant = datetime.fromisoformat(text).replace(tzinfo=UTC)
        local = instant.astimezone(zone)
        other = local.replace(fold=1 - local.fold).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return (instant, other) if instant <= other else (other, instant)


def surely_before(later: str, earlier: str, zone: tzinfo) -> bool:
    """Whether ``later`` (which should not precede ``earlier``) precedes it under every
    reading of the two times."""
    if not later < earlier:
        return False
    if zone is UTC:
        return True
    first = _readings(later, zone)
    second = _readings(earlier, zone)
    if first is None or second is None:
        return True
    return first[1] < second[0]


def shown(text: str, zone: tzinfo) -> str:
    """A normalised time as a message shows it: as stored (UTC) when the application runs in
    UTC, else as the application's wall-clock time with its offset."""
    if zone is UTC:
        return show(text)
    try:
        local = datetime.fromisoformat(text).replace(tzinfo=UTC).astimezone(zone)
    except (ValueError, OverflowError):
        return show(text)
    return show(local.isoformat(sep=" "))


__all__ = ("shown", "surely_before")
