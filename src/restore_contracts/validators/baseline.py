"""Baselines: findings a team has accepted, so that only new ones fail a build.

A finding with a row id is identified by its code, table, primary key and JSON
pointer (not its line or message, which move when unrelated rows change). A
finding without an id (a line that is not JSON, a CSV record that cannot be
read) has no key to name it, so it is identified by the name of its file and a
fingerprint of its line's content (of its pointer and message where the line
cannot be read again: stdin, a database): one accepted bad line never accepts
another. A baseline counts: an identity accepted once accepts one finding, the
second like it is reported. Strings longer than 500 characters are stored as a
prefix and a hash.

A baseline file is JSON, sorted, written atomically. Version 1 files (no
counts, no fingerprints) are still read: each entry accepts one finding, and an
id-less entry one id-less finding of its code, table and pointer.
"""

from __future__ import annotations

import hashlib
import stat
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, BinaryIO

import orjson

from restore_contracts._io import atomic_write_bytes
from restore_contracts.display import LIMIT, bound
from restore_contracts.errors import InputError
from restore_contracts.validators.engine import ValidationResult
from restore_contracts.validators.findings import Finding
from restore_contracts.validators.spill import FindingLog

Identity = tuple[str, str, str, str, str, str]
"""code, table, id ("" for none), pointer, file name, fingerprint ("" when there is an id)."""
VERSION = 2
_READABLE = frozenset({1, 2})
_CHUNK = 1 << 20


@dataclass
class Baseline:
    """Accepted identities with how many findings each accepts.

    ``loose`` holds version-1 id-less entries (code, table, pointer), which
    carry no file or fingerprint; each accepts one id-less finding.
    """

    accepted: Counter[Identity] = field(default_factory=Counter)
    loose: Counter[tuple[str, str, str]] = field(default_factory=Counter)


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _hash_lines(handle: BinaryIO, numbers: set[int]) -> dict[int, str]:
    """The fingerprint of each of the wanted lines of an open file, read in chunks."""
    found: dict[int, str] = {}
    last = max(numbers)
    number = 1
    digest = hashlib.sha256() if number in numbers else None
    while number <= last:
        chunk = handle.read(_CHUNK)
        if not chunk:
            break
        for index, piece in enumerate(chunk.split(b"\n")):
            if index:
                if digest is not None:
                    found[number] = digest.hexdigest()[:16]
                number += 1
                if number > last:
                    break
                digest = hashlib.sha256() if number in numbers else None
            if digest is not None:
                digest.update(piece)
    if digest is not None and number <= last:
        found[number] = digest.hexdigest()[:16]
    return found


def _line_hashes(wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """The fingerprint of each wanted line of each regular file, read again.

    Lines are split at ``\\n`` as the NDJSON and CSV readers count them. Anything but
    a regular file (stdin, a FIFO, a file gone or unreadable since) is skipped:
    its findings fall back to pointer and message.
    """
    found: dict[tuple[str, int], str] = {}
    for source, numbers in wanted.items():
        path = Path(source)
        try:
            if not stat.S_ISREG(path.stat().st_mode):
                continue
            with path.open("rb") as handle:
                lines = _hash_lines(handle, numbers)
        except (OSError, ValueError):
            continue
        found.update(((source, number), digest) for number, digest in lines.items())
    return found


def _compact(text: str) -> str:
    """A string of an identity as the baseline file stores it: lone surrogates (undecodable
    file names) escaped, and past 500 characters a prefix and a hash of the whole, so a
    10 MB column name does not make a 10 MB baseline."""
    text = bound(text, sys.maxsize)
    if len(text) <= LIMIT:
        return text
    return f"{text[:LIMIT]}…sha256:{_hash(text.encode())}"


def identities(findings: Iterable[Finding]) -> list[Identity]:
    """The baseline identity of each finding, in order (id-less lines are read again)."""
    return list(iter_identities(findings))


def iter_identities(findings: Iterable[Finding]) -> Iterator[Identity]:
    """The baseline identity of each finding, in order, in two passes over ``findings``
    (the lines of id-less findings are read between them): nothing is held per finding."""
    wanted: dict[str, set[int]] = {}
    for finding in findings:
        if finding.id is None and finding.line is not None:
            wanted.setdefault(finding.source, set()).add(finding.line)
    lines = _line_hashes(wanted) if wanted else {}
    for finding in findings:
        code, table, key, ptr = (_compact(part) for part in finding.identity())
        if finding.id is not None:
            yield (code, table, key, ptr, "", "")
            continue
        content = lines.get((finding.source, finding.line)) if finding.line is not None else None
        if content is None:
            content = _hash(f"{finding.pointer}\n{finding.message}".encode(errors="replace"))
        name = _compact(PurePath(finding.source).name)
        yield (code, table, key, ptr, name, content)


def render_baseline(findings: Iterable[Finding]) -> bytes:
    """The baseline file accepting every one of ``findings`` (as many of each as there are)."""
    again = findings if isinstance(findings, FindingLog | list) else list(findings)
    counts = Counter(iter_identities(again))
    entries: list[dict[str, Any]] = []
    for identity in sorted(counts):
        code, table, key, ptr, name, content = identity
        entry: dict[str, Any] = {"code": code, "table": table, "id": key or None, "pointer": ptr}
        if not key:
            entry["file"] = name
            entry["fingerprint"] = content
        if counts[identity] > 1:
            entry["count"] = counts[identity]
        entries.append(entry)
    document = {"version": VERSION, "findings": entries}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def write_baseline(path: Path, findings: Iterable[Finding]) -> None:
    """Write a baseline accepting ``findings`` (atomically)."""
    atomic_write_bytes(path, render_baseline(findings))


def _entry(path: Path, entry: Any, version: int, baseline: Baseline) -> None:
    try:
        key = entry["id"]
        code, table, ptr = str(entry["code"]), str(entry["table"]), str(entry["pointer"])
        count = entry.get("count", 1)
        if key is None and version == 1:
            baseline.loose[code, table, ptr] += 1
            return
        if key is None:
            identity = (code, table, "", ptr, str(entry["file"]), str(entry["fingerprint"]))
        else:
            identity = (code, table, str(key), ptr, "", "")
    except (KeyError, TypeError, AttributeError):
        fields = "code/table/id/pointer" + (" (and file/fingerprint without an id)" * (version > 1))
        raise InputError(f"{path}: baseline entry {entry!r} lacks {fields}") from None
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise InputError(f"{path}: baseline entry {entry!r} has a count that is not >= 1")
    baseline.accepted[identity] += count


def load_baseline(path: Path) -> Baseline:
    """The accepted identities of a baseline file; a bad file is a one-line error."""
    try:
        document = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise InputError(f"{path}: cannot read baseline: {exc.strerror}") from None
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{path}: baseline is not JSON: {exc}") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(entries, list) or version not in _READABLE or isinstance(version, bool):
        raise InputError(f"{path}: not a restore-contracts baseline (version {VERSION})")
    baseline = Baseline()
    for entry in entries:
        _entry(path, entry, version, baseline)
    return baseline


def apply_baseline(result: ValidationResult, baseline: Baseline) -> None:
    """Drop accepted findings from ``result`` (each identity as often as it was accepted)
    and count them as baselined."""
    left = Counter(baseline.accepted)
    loose = Counter(baseline.loose)
    kept = FindingLog()
    for finding, identity in zip(result.findings, iter_identities(result.findings), strict=True):
        if left[identity] > 0:
            left[identity] -= 1
            continue
        if finding.id is None and loose[identity[:2] + identity[3:4]] > 0:
            loose[identity[:2] + identity[3:4]] -= 1
            continue
        kept.append(finding)
    result.baselined += len(result.findings) - len(kept)
    result.findings = kept


__all__ = (
    "Baseline",
    "Identity",
    "apply_baseline",
    "identities",
    "iter_identities",
    "load_baseline",
    "render_baseline",
    "write_baseline",
)
