"""The rule catalogue: every rule's code, title, family, severity, provenance, tables and why.

A rule is declared once, beside its check, with :func:`rule`; rules the engine
or the readers apply themselves (parse problems, the model check) are declared
with :func:`declare` so that the catalogue, ``--select`` and the reports know
them too. Codes are stable: new rules get new codes, a retired code is never
reused.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from restore_contracts.config import Severity
from restore_contracts.errors import ConfigError, InputError
from restore_contracts.provenance import Provenance
from restore_contracts.validators.findings import Hit

if TYPE_CHECKING:
    from restore_contracts.validators.context import RuleContext

Row = dict[str, Any]
Check = Callable[[Row, "RuleContext"], Sequence[Hit]]
"""A check: a valid, normalised row and the context in, the problems out (empty when clean)."""
When = Callable[[str, bool, "RuleContext"], bool]
"""For restore_runs rules: whether the rule can find anything for (status, is_dry_run).

The engine uses it to skip checks that cannot apply; each check still guards
itself, so calling it directly on any row is correct."""

NO_HITS: tuple[Hit, ...] = ()
"""What a check returns for a clean row (shared, so returning it costs nothing)."""


class Family(StrEnum):
    """Rule families, one module each; the hundreds digit of the code names the family."""

    PARSE = "parse"
    ROW_SHAPE = "row-shape"
    LIFECYCLE = "lifecycle"
    RESULTS = "results"
    ATTENTION = "attention"
    OPERATION_RUN = "operation-run"
    EVIDENCE = "evidence"
    REFERENCES = "references"


FAMILY_BY_DIGIT: dict[str, Family] = {
    "0": Family.PARSE,
    "1": Family.ROW_SHAPE,
    "2": Family.LIFECYCLE,
    "3": Family.RESULTS,
    "4": Family.ATTENTION,
    "5": Family.OPERATION_RUN,
    "6": Family.EVIDENCE,
    "7": Family.REFERENCES,
}

ANY_TABLE = "*"
"""The table of rules that apply to every table (parse problems, the model check)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the catalogue."""

    code: str
    title: str
    family: Family
    severity: Severity
    provenance: Provenance
    table: str
    """The table whose rows the rule checks (``*``: every table)."""
    needs: tuple[str, ...]
    """Other tables the rule looks things up in; without them it is skipped, never passed."""
    why: str
    check: Check | None = None
    """None: applied by the engine or a reader, not per normalised row."""
    note: str | None = None
    """What exactly is assumed, where the provenance alone does not say."""
    when: When | None = None
    """Restore-run rules: the (status, is_dry_run) cases it applies to (None: all)."""
    reads: frozenset[str] = frozenset()
    """The columns of its own table's row the check reads (those its ``when`` reads among
    them); the engine runs it on a row only when every one of them could be read."""

    @property
    def tables(self) -> tuple[str, ...]:
        """Every table the rule needs, its own first."""
        own = () if self.table == ANY_TABLE else (self.table,)
        return own + tuple(t for t in self.needs if t not in own)


RULES: dict[str, Rule] = {}
"""Code -> rule, in declaration order (sorted by code once every family module is imported)."""

_CODE_SHAPE = "RR"


def _register(entry: Rule) -> None:
    if not (
        entry.code.startswith(_CODE_SHAPE) and len(entry.code) == 5 and entry.code[2:].isdigit()
    ):
        raise ValueError(f"rule code {entry.code!r} is not RRnnn")
    if entry.code in RULES:
        raise ValueError(f"rule code {entry.code} declared twice")
    if FAMILY_BY_DIGIT.get(entry.code[2]) is not entry.family:
        raise ValueError(f"rule code {entry.code} does not belong to family {entry.family}")
    RULES[entry.code] = entry


def _why(doc: str | None, code: str) -> str:
    text = " ".join(inspect.cleandoc(doc or "").split())
    if not text:
        raise ValueError(f"rule {code} has no docstring saying why")
    return text


def declare(
    code: str,
    title: str,
    *,
    severity: Severity,
    provenance: Provenance,
    why: str,
    table: str = ANY_TABLE,
    needs: Iterable[str] = (),
    note: str | None = None,
    check: Check | None = None,
    when: When | None = None,
    reads: Iterable[str] = (),
) -> Rule:
    """Declare a rule; without ``check`` the engine or a reader applies it itself."""
    columns = frozenset(reads)
    if check is not None and not columns:
        raise ValueError(f"rule {code} does not declare the columns it reads")
    entry = Rule(
        code=code,
        title=title,
        family=FAMILY_BY_DIGIT[code[2]],
        severity=severity,
        provenance=provenance,
        table=table,
        needs=tuple(needs),
        why=_why(why, code),
        check=check,
        note=note,
        when=when,
        reads=columns,
    )
    _register(entry)
    return entry


def rule(
    code: str,
    title: str,
    *,
    table: str,
    severity: Severity = "error",
    provenance: Provenance = Provenance.ASSUMED,
    needs: Iterable[str] = (),
    note: str | None = None,
    when: When | None = None,
    reads: Iterable[str],
) -> Callable[[Check], Check]:
    """Register the decorated check under ``code``; its docstring is the rule's why.

    ``reads`` names every column of the row the check looks at (a test holds each rule
    to it): a row whose other columns cannot be read is still checked by this rule.
    """

    def register(check: Check) -> Check:
        declare(
            code,
            title,
            severity=severity,
            provenance=provenance,
            why=check.__doc__ or "",
            table=table,
            needs=needs,
            note=note,
            check=check,
            when=when,
            reads=reads,
        )
        return check

    return register


def matches(code: str, patterns: Iterable[str]) -> bool:
    """Whether a code is named by any pattern (a whole code or a prefix such as ``RR3``)."""
    return any(code.startswith(p) for p in patterns)


def _check_patterns(patterns: Iterable[str], option: str) -> list[str]:
    checked = []
    for raw in patterns:
        pattern = raw.strip().upper()
        if not pattern:
            continue
        if not any(code.startswith(pattern) for code in RULES):
            raise InputError(
                f"{option}: {raw!r} names no rule (codes run {min(RULES)}..{max(RULES)}; "
                "see `restore-contracts rules`)"
            )
        checked.append(pattern)
    return checked


def selected_codes(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> frozenset[str]:
    """The codes to apply: those ``select`` names (default all) minus those ``ignore`` names.

    Unknown codes or prefixes are a one-line error (exit 2), never silently ignored.
    """
    chosen = _check_patterns(select, "--select")
    dropped = _check_patterns(ignore, "--ignore")
    return frozenset(
        code
        for code in RULES
        if (not chosen or matches(code, chosen)) and not matches(code, dropped)
    )


def severities(overrides: Mapping[str, Severity]) -> dict[str, Severity]:
    """Each rule's severity with the configuration's overrides applied (unknown codes: error)."""
    unknown = sorted(set(overrides) - set(RULES))
    if unknown:
        raise ConfigError(f"tool.restore-contracts.severity: unknown rule code(s) {unknown}")
    return {code: overrides.get(code, entry.severity) for code, entry in RULES.items()}


__all__ = (
    "ANY_TABLE",
    "FAMILY_BY_DIGIT",
    "NO_HITS",
    "RULES",
    "Check",
    "Family",
    "Row",
    "Rule",
    "When",
    "declare",
    "matches",
    "rule",
    "selected_codes",
    "severities",
)
