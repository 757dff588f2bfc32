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
from restore_contracts.validators.fastpath import fast_converter, fast_decoder
from restore_contracts.validators.findings import Finding, Hit, show
from restore_contracts.validators.index import Indexes, as_id
from restore_contracts.validators.readers.ndjson import BLANK as _BLANK
from restore_contracts.validators.readers.ndjson import parse_line
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


def _index_row(indexes: Indexes, table: str, key: int, row: Row) -> None:
    """Keep what cross-table rules need of one valid row (existence is the id set)."""
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
        """Stream one table: NDJSON text through the fast decoder where the source offers it,
        every other record through the record path."""
        run = _TableRun(self, table, ctx, applied, findings)
        lines = getattr(source, "json_lines", None)
        texts = lines(table) if lines is not None else None
        decode = fast_decoder(table, ctx.zone)
        if texts is None or decode is None:
            for record in source.records(table):
                run.record(record)
            return run.finish()
        add = run.ids.add
        checks = run.checks
        by_case = run.by_case
        emit = run.emit
        index = None if table == RESTORE_RUNS else run.index
        progress = self.progress
        count = 0
        for location, number, batch in texts:
            for text in batch:
                count += 1
                row = decode(text)
                if row is None:
                    run.text(text, location, number)
                    if number is not None:
                        number += 1
                    continue
                key = row["id"]
                first = add(key)
                if not first:
                    run.duplicate(key, location, number)
                if run.check_columns and len(row) > len(run.columns):
                    emit(
                        UNKNOWN_COLUMN,
                        unknown_columns(table, row, run.columns),
                        key,
                        location,
                        number,
                    )
                if by_case is not None:
                    checks = by_case[row["status"], row["is_dry_run"]]
                for code, check in checks:
                    hits = check(row, ctx)
                    if hits:
                        emit(code, hits, key, location, number)
                if first and index is not None:
                    index(key, row, location, number)
                if number is not None:
                    number += 1
            if progress is not None:
                progress(table, count)
        run.count += count
        return run.finish()


class _TableRun:
    """The state of reading one table: its checks, its id set, and how rows are indexed."""

    def __init__(
        self,
        engine: Engine,
        table: str,
        ctx: RuleContext,
        applied: frozenset[str],
        findings: list[Finding],
    ) -> None:
        self.engine = engine
        self.table = table
        self.ctx = ctx
        self.applied = applied
        self.findings = findings
        self.checks: list[tuple[str, Check]] = [
            (code, entry.check)
            for code, entry in RULES.items()
            if entry.check is not None and entry.table == table and code in applied
        ]
        self.by_case: dict[tuple[str, bool], list[tuple[str, Check]]] | None = None
        """restore_runs: the checks that can apply to each (status, is_dry_run)."""
        if table == RESTORE_RUNS:
            self.by_case = {
                (status, dry): [
                    (code, check)
                    for code, check in self.checks
                    if (when := RULES[code].when) is None or when(status, dry, ctx)
                ]
                for status in ctx.group
                for dry in (False, True)
            }
        self.convert = fast_converter(table, ctx.zone)
        self.columns = COLUMNS[table]
        self.check_columns = UNKNOWN_COLUMN in applied
        self.check_duplicates = DUPLICATE_KEY in applied
        self.pk = PRIMARY_KEYS[table]
        self.ids = ctx.indexes.ids_of(table)
        self.keep_snapshots = PROOFS in ctx.indexes.present
        self.active = ctx.active_evidence_statuses
        self.count = 0

    def emit(
        self, code: str, hits: Iterable[Hit], key: Any, location: str, line: int | None
    ) -> None:
        """Add the findings of one check on one row."""
        finding = self.engine._finding
        table = self.table
        for hit in hits:
            self.findings.append(finding(code, hit, table, key, location, line))

    def duplicate(self, key: int, location: str, line: int | None) -> None:
        """Report a primary key seen before (the first row stays the indexed one)."""
        if self.check_duplicates:
            hit = Hit(f"/{self.pk}", f"{self.pk} {key} appears again in {self.table}")
            self.emit(DUPLICATE_KEY, (hit,), key, location, line)

    def text(self, text: bytes, location: str, line: int | None) -> None:
        """A line the fast decoder refused: parse it plainly and take the record path."""
        data, problem = parse_line(text, line or 0)
        if problem is None and data is _BLANK:
            self.count -= 1
            return
        self.record(Record(self.table, data, location, line, problem), counted=True)

    def record(self, record: Record, *, counted: bool = False) -> None:
        """One record of any source: problems, duplicates, shape, rules, index."""
        if not counted:
            self.count += 1
            progress = self.engine.progress
            if progress is not None and not self.count % PROGRESS_EVERY:
                progress(self.table, self.count)
        applied = self.applied
        table = self.table
        location = record.location
        line = record.line
        problem = record.problem
        raw = record.data
        if problem is not None or raw is None:
            if problem is not None and problem.code in applied:
                self.emit(problem.code, (Hit("", problem.message),), None, location, line)
            return
        if type(raw) is not dict:
            if NOT_AN_OBJECT in applied:
                hit = Hit("", f"row is {show(raw)}; expected an object of columns")
                self.emit(NOT_AN_OBJECT, (hit,), None, location, line)
            return
        raw_key = raw.get(self.pk)
        key = as_id(raw_key)
        first = True
        if key is not None:
            first = self.ids.add(key)
            if not first:
                self.duplicate(key, location, line)
        shown = key if key is not None else _scalar(raw_key)
        if self.check_columns and not self.columns.issuperset(raw):
            self.emit(
                UNKNOWN_COLUMN, unknown_columns(table, raw, self.columns), shown, location, line
            )
        row = self.convert(raw) if self.convert is not None else None
        if row is None:
            row, problems = normalise(table, raw, self.ctx.zone)
            for code, hit in problems:
                if code in applied:
                    self.emit(code, (hit,), shown, location, line)
        if row is None:
            return
        ctx = self.ctx
        checks = self.checks
        if self.by_case is not None:
            checks = self.by_case[row["status"], row["is_dry_run"]]
        for code, check in checks:
            hits = check(row, ctx)
            if hits:
                self.emit(code, hits, shown, location, line)
        if key is not None and first:
            self.index(key, row, location, line)

    def index(self, key: int, row: Row, location: str, line: int | None) -> None:
        """Keep what the cross-table rules need of a valid row seen for the first time."""
        table = self.table
        indexes = self.ctx.indexes
        if table == RESTORE_RUNS:
            return
        if table == EVIDENCE:
            op_id = row.get("operation_run_id")
            if op_id is not None:
                if row["status"] in self.active:
                    indexes.active_snapshot.setdefault(op_id, key)
                if self.keep_snapshots:
                    indexes.snapshots.setdefault(op_id, []).append(row)
        elif table == PROOFS:
            indexes.proofs[key] = (row, location, line)
        else:
            _index_row(indexes, table, key, row)

    def finish(self) -> int:
        """Report the final count to the progress callback; the rows read."""
        if self.engine.progress is not None:
            self.engine.progress(self.table, self.count)
        return self.count


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
    """Validate a source (defaults: every rule, the default assumptions)."""
    engine = Engine(assumptions or Assumptions(), codes=codes, progress=progress)
    return engine.run(source)


__all__ = ("Engine", "ProgressCallback", "ValidationResult", "validate")
