"""Baselines: findings a team has accepted, so that only new ones fail a build.

A finding's identity is its code, table, primary key and JSON pointer (not its
line or message, which move when unrelated rows change). A baseline file is
JSON, sorted, written atomically.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import orjson

from restore_contracts._io import atomic_write_bytes
from restore_contracts.errors import InputError
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.findings import Finding

Identity = tuple[str, str, str, str]
VERSION = 1


def render_baseline(findings: Iterable[Finding]) -> bytes:
    """The baseline file accepting every one of ``findings``."""
    identities = sorted({f.identity() for f in findings})
    document = {
        "version": VERSION,
        "findings": [
            {"code": code, "table": table, "id": key, "pointer": ptr}
            for code, table, key, ptr in identities
        ],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def write_baseline(path: Path, findings: Iterable[Finding]) -> None:
    """Write a baseline accepting ``findings`` (atomically)."""
    atomic_write_bytes(path, render_baseline(findings))


def load_baseline(path: Path) -> frozenset[Identity]:
    """The accepted identities of a baseline file; a bad file is a one-line error."""
    try:
        document = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise InputError(f"{path}: cannot read baseline: {exc.strerror}") from None
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{path}: baseline is not JSON: {exc}") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(entries, list) or document.get("version") != VERSION:
        raise InputError(f"{path}: not a restore-contracts baseline (version {VERSION})")
    accepted = set()
    for entry in entries:
        try:
            key = entry["id"]
            accepted.add(
                (
                    str(entry["code"]),
                    str(entry["table"]),
                    "" if key is None else str(key),
                    str(entry["pointer"]),
                )
            )
        except (KeyError, TypeError):
            raise InputError(
                f"{path}: baseline entry {entry!r} lacks code/table/id/pointer"
            ) from None
    return frozenset(accepted)


def apply_baseline(result: ValidationResult, accepted: frozenset[Identity]) -> None:
    """Drop accepted findings from ``result`` and count them as baselined."""
    kept = [f for f in result.findings if f.identity() not in accepted]
    result.baselined += len(result.findings) - len(kept)
    result.findings = kept


__all__ = ("apply_baseline", "load_baseline", "render_baseline", "write_baseline")
