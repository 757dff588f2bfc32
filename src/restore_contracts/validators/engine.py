"""The validation engine: stream every table of a source through the shape check and the rules.

Referenced tables are read first, keeping only compact indexes; then
``restore_runs`` streams by, each row checked against every selected rule and
dropped. Every finding is collected (not the first per row), and a rule whose
tables the input lacks is reported as skipped, never as passed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from restore_contracts.config import Assumptions, Severity
from restore_contracts.validators.context import RuleContext
from restore_contracts.validators.fastpath import FAST_CHECKS
from restore_contracts.validators.findings import Finding, Hit, show
from restore_contracts.validators.index import Indexes, as_id
from restore_contracts.validators.rules import RULES, Check, selected_codes, severities
from restore_contracts.validators.rules.attention import ORPHAN_PROOF, orphan_proofs
from restore_contracts.validators.rules.parse import DUPLICATE_KEY, NOT_AN_OBJECT
from restore_contracts.validators.rules.row_shape import (
    UNKNOWN_COLUMN,
    UNKNOWN_TABLE,
    normalise,
    unknown_columns,
)
from restore_contracts.validators.source import Record, Source
from restore_contracts.validators.tables import (
    BACKUP_ITEMS,
    BACKUP_SETS,
    COLUMNS,
    ENVIRONMENTS,
    EVIDENCE,
    OPERATION_RUNS,
    PRIMARY_KEYS,
    PROOFS,
    READ_ORDER,
    RESTORE_RUNS,
    ROW_MODELS,
)

Row = dict[str, Any]
ProgressCallback = Callable[[str, int], None]
"""Called with (table, rows read so far in it) every few thousand rows."""

PROGRESS_EVERY = 4096


@dataclass(slots=True)
class ValidationResult:
    """Everything a report needs: the findings and what was (and was not) checked."""

    source: str
    findings: list[Finding] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    """Rows read per table, in reading order."""
    applied: list[str] = field(default_factory=list)
    """Codes of the rules that ran."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Code -> why the rule could not run (a table the input lacks)."""
    baselined: int = 0
    """Findings a baseline accepted (removed from ``findings``)."""

    def counts(self) -> dict[str, int]:
        """Findings per rule code, by code."""
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.code] = counts.get(finding.code, 0) + 1
        return dict(sorted(counts.items()))


def _index_row(indexes: Indexes, table: str, key: int, row: Row, valid: bool) -> None:
    """Keep what cross-table rules need of one row (details only from valid rows)."""
    if not valid:
        return
    if table == ENVIRONMENTS:
        indexes.environments[key] = row["workspace_id"]
    elif table == BACKUP_SETS:
        indexes.backup_sets[key] = (row["workspace_id"], row["managed_environment_id"])
    elif table == BACKUP_ITEMS:
        indexes.backup_items[key] = row["backup_set_id"]
    elif table == OPERATION_RUNS:
        indexes.operation_runs[key] = (
            row["workspace_id"],
            row.get("managed_environment_id"),
            sys.intern(row["status"]),
            sys.intern(row["outcome"]),
        )


class Engine:
    """One validation run's configuration: rules selected, severities, context."""

    def __init__(
        self,
        assumptions: Assumptions,
        *,
        codes: Iterable[str] | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.assumptions = assumptions
        self.codes = frozenset(codes) if codes is not None else selected_codes()
        self.severity: dict[str, Severity] = severities(assumptions.severity)
        self.progress = progress

    def run(self, source: Source) -> ValidationResult:
        """Validate every table of ``source``; the source is not closed."""
        indexes = Indexes()
        ctx = RuleContext(self.assumptions, indexes)
        offered = list(dict.fromkeys(source.tables()))
        indexes.present = {t for t in offered if t in ROW_MODELS}
        result = ValidationResult(source=source.name)
        for code in sorted(self.codes):
            missing = [t for t in RULES[code].tables if t not in indexes.present]
            if missing:
                result.skipped[code] = f"needs {', '.join(missing)}, not in the input"
            else:
                result.applied.append(code)
        applied = frozenset(result.applied)
        for table in READ_ORDER:
            if table in indexes.present:
                result.rows[table] = self._read(source, table, ctx, applied, result.findings)
        if ORPHAN_PROOF in applied:
            for hit in orphan_proofs(ctx):
                result.findings.append(self._finding(ORPHAN_PROOF, hit, PROOFS, None, "", None))
        if UNKNOWN_TABLE in applied:
            for table in offered:
                if table not in ROW_MODELS:
                    result.findings.append(self._unknown_table(source, table))
        return result

    def _finding(
        self, code: str, hit: Hit, table: str, key: Any, location: str, line: int | None
    ) -> Finding:
        if hit.table is not None:
            table, key, location, line = hit.table, hit.id, hit.source or location, hit.line
        return Finding(
            code, self.severity[code], table, key, location, line, hit.pointer, hit.message
        )

    def _unknown_table(self, source: Source, table: str) -> Finding:
        first = next(iter(source.records(table)), None)
        location = first.location if first is not None else source.name
        hit = Hit("", f"table {table!r} is not covered by the contracts; its rows were not read")
        return self._finding(UNKNOWN_TABLE, hit, table, None, location, None)

    def _read(
        self,
        source: Source,
        table: str,
        ctx: RuleContext,
        applied: frozenset[str],
        findings: list[Finding],
    ) -> int:
        """Stream one table: parse problems, duplicates, shape, rules, then the index."""
        checks: list[tuple[str, Check]] = [
            (code, entry.check)
            for code, entry in RULES.items()
            if entry.check is not None and entry.table == table and code in applied
        ]
        fast = FAST_CHECKS.get(table)
        columns = COLUMNS[table]
        check_columns = UNKNOWN_COLUMN in applied
        check_duplicates = DUPLICATE_KEY in applied
        pk = PRIMARY_KEYS[table]
        indexes = ctx.indexes
        ids = indexes.ids_of(table)
        keep_snapshots = PROOFS in indexes.present
        active = ctx.active_evidence_statuses
        finding = self._finding
        progress = self.progress
        count = 0
        record: Record
        for record in source.records(table):
            count += 1
            if progress is not None and not count % PROGRESS_EVERY:
                progress(table, count)
            location = record.location
            line = record.line
            problem = record.problem
            raw = record.data
            if problem is not None or raw is None:
                if problem is not None and problem.code in applied:
                    hit = Hit("", problem.message)
                    findings.append(finding(problem.code, hit, table, None, location, line))
                continue
            if type(raw) is not dict:
                if NOT_AN_OBJECT in applied:
                    hit = Hit("", f"row is {show(raw)}; expected an object of columns")
                    findings.append(finding(NOT_AN_OBJECT, hit, table, None, location, line))
                continue
            raw_key = raw.get(pk)
            key = raw_key if type(raw_key) is int and raw_key > 0 else as_id(raw_key)
            first = True
            if key is not None:
                first = ids.add(key)
                if not first and check_duplicates:
                    hit = Hit(f"/{pk}", f"{pk} {key} appears again in {table}")
                    findings.append(finding(DUPLICATE_KEY, hit, table, key, location, line))
            shown_key = key if key is not None else _scalar(raw_key)
            if check_columns and not columns.issuperset(raw):
                for hit in unknown_columns(table, raw, columns):
                    findings.append(finding(UNKNOWN_COLUMN, hit, table, shown_key, location, line))
            if fast is not None and fast(raw):
                row: Row | None = raw
            else:
                row, problems = normalise(table, raw)
                for code, hit in problems:
                    if code in applied:
                        findings.append(finding(code, hit, table, shown_key, location, line))
            if row is None:
                continue
            for code, check in checks:
                hits = check(row, ctx)
                if hits:
                    for hit in hits:
                        findings.append(finding(code, hit, table, shown_key, location, line))
            if key is None or not first:
                continue
            if table == EVIDENCE:
                op_id = row.get("operation_run_id")
                if op_id is not None:
                    if row["status"] in active:
                        indexes.active_snapshot.setdefault(op_id, key)
                    if keep_snapshots:
                        indexes.snapshots.setdefault(op_id, []).append(row)
            elif table == PROOFS:
                indexes.proofs[key] = (row, location, line)
            elif table != RESTORE_RUNS:
                _index_row(indexes, table, key, row, True)
        if progress is not None:
            progress(table, count)
        return count


def _scalar(value: Any) -> int | str | None:
    """A primary key that is not a valid id, shown as it is when it is text or a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str):
        return value
    return None


def validate(
    source: Source,
    assumptions: Assumptions | None = None,
    *,
    codes: Iterable[str] | None = None,
    progress: ProgressCallback | None = None,
) -> ValidationResult:
    """Validate a source with the given configuration (defaults: every rule, default assumptions)."""
    engine = Engine(assumptions or Assumptions(), codes=codes, progress=progress)
    return engine.run(source)


__all__ = ("Engine", "ProgressCallback", "ValidationResult", "validate")
