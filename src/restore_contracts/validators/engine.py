"""The validation engine: stream every table of a source through the shape check and the rules.

Referenced tables are read first, keeping only compact indexes; then
``restore_runs`` streams by, each row checked against every selected rule and
dropped. Every finding is collected (not the first per row), and a rule whose
tables the input lacks is reported as skipped, never as passed.

A row that is not canonical is read column by column
(:mod:`restore_contracts.validators.rowread`): a rule runs on it whenever the
columns it declares (``Rule.reads``) could be read, so one bad value never
hides another problem, and which rules are selected never changes what the
others find. Unknown columns are counted per table and reported once per
column when the table is done; a rule lists at most ``MAX_HITS_PER_ROW``
findings per row.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from restore_contracts.config import Assumptions, Severity
from restore_contracts.validators.context import RuleContext
from restore_contracts.validators.fastpath import LENIENT_TABLES, fast_decoder
from restore_contracts.validators.findings import Finding, Hit, pointer, show
from restore_contracts.validators.index import Indexes, as_id, lower_id
from restore_contracts.validators.readers.csvcopy import Block
from restore_contracts.validators.readers.ndjson import BLANK as _BLANK
from restore_contracts.validators.readers.ndjson import parse_line
from restore_contracts.validators.rowread import Problem, RowReader
from restore_contracts.validators.rules import RULES, Check, selected_codes, severities
from restore_contracts.validators.rules.attention import ORPHAN_PROOF, orphan_proofs
from restore_contracts.validators.rules.parse import DUPLICATE_KEY, NOT_AN_OBJECT
from restore_contracts.validators.rules.row_shape import UNKNOWN_COLUMN, UNKNOWN_TABLE
from restore_contracts.validators.source import Record, Source
from restore_contracts.validators.spill import FindingLog
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
from restore_contracts.validators.tally import TableTally
from restore_contracts.validators.textrows import text_block_converter, text_converter

Row = dict[str, Any]
Findings = list[Finding] | FindingLog
"""Where a table run appends its findings: a partition's list, or the run's log."""
ProgressCallback = Callable[[str, int], None]
"""Called with (table, rows read so far in it) every few thousand rows."""

RowObserver = Callable[[Row], None]
"""Called with every row of a table that counts (read whole, or with only optional columns
not read, which are absent): the row as the checks see it, not to be changed."""


@runtime_checkable
class PartitionObserver(Protocol):
    """A :data:`RowObserver` whose figures can be gathered in ``--jobs`` workers: a worker
    observes a partition's rows with the observer :meth:`begin_partition` gives and hands
    back its :meth:`end_partition`, which the parent folds in with :meth:`merge_partition` in
    reading order, so that the figures are those of one process."""

    def __call__(self, row: Row) -> None: ...

    def begin_partition(self) -> PartitionObserver:
        """A fresh observer for one partition, sharing what the rows are read against."""

    def end_partition(self) -> Any:
        """What this partition's observer gathered (picklable, for the parent)."""

    def merge_partition(self, state: Any) -> None:
        """Fold a partition's :meth:`end_partition` in (partitions in reading order)."""


PartitionRunner = Callable[["_TableRun", Source], bool]
"""Checks a table's partitions elsewhere and merges them into the table run (see
:mod:`restore_contracts.validators.parallel`); False when it cannot."""

PROGRESS_EVERY = 4096

MAX_HITS_PER_ROW = 20
"""Findings of one rule on one row listed at most; one more finding says how many were left
out (a row with a million bad columns must not make a report a million findings long)."""

MAX_UNKNOWN_COLUMNS = 20
"""Unknown column names of one table reported at most (RR103, one finding per column)."""

_ALL_READ: frozenset[str] = frozenset()


@dataclass(slots=True)
class ValidationResult:
    """Everything a report needs: the findings and what was (and was not) checked."""

    source: str
    findings: FindingLog = field(default_factory=FindingLog)
    """In reading order; past a few thousand, kept in a temporary file (bounded memory)."""
    rows: dict[str, int] = field(default_factory=dict)
    """Rows read per table, in reading order."""
    applied: list[str] = field(default_factory=list)
    """Codes of the rules that ran."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Code -> why the rule could not run (a table the input lacks)."""
    baselined: int = 0
    """Findings a baseline accepted (removed from ``findings``)."""
    tallies: dict[str, TableTally] = field(default_factory=dict)
    """Table -> what the truth report counts of it (only the tables the engine was asked to
    tally)."""
    applicable: dict[str, int] = field(default_factory=dict)
    """Code -> rows the rule applied to (only for the codes the engine was asked to count:
    rows of its table whose columns it reads could be read, of the cases it concerns)."""

    def counts(self) -> dict[str, int]:
        """Findings per rule code, by code."""
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.code] = counts.get(finding.code, 0) + 1
        return dict(sorted(counts.items()))


_INDEXED: dict[str, tuple[str, ...]] = {
    ENVIRONMENTS: ("workspace_id",),
    BACKUP_SETS: ("workspace_id", "managed_environment_id"),
    BACKUP_ITEMS: ("backup_set_id",),
    OPERATION_RUNS: ("workspace_id", "managed_environment_id", "status", "outcome"),
}
"""The columns each referenced table's index keeps (a row missing one is not indexed)."""


def _index_row(indexes: Indexes, table: str, key: int, row: Row, unread: frozenset[str]) -> None:
    """Keep what cross-table rules need of one row (existence is the id set); a row whose
    indexed columns could not all be read only exists (lookups of it find nothing)."""
    if unread and not unread.isdisjoint(_INDEXED.get(table, ())):
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
        jobs: int = 1,
        count_applicable: Iterable[str] = (),
        tally: Mapping[str, Sequence[str]] | None = None,
        partitions: PartitionRunner | None = None,
        observe: Mapping[str, RowObserver] | None = None,
    ) -> None:
        self.assumptions = assumptions
        self.observe: dict[str, RowObserver] = dict(observe or {})
        """Table -> a callable given each row that counts, in the same pass as the checks (the
        truth report derives its figures from them). An observed restore_runs is read in
        ``jobs`` workers only when its observer is a :class:`PartitionObserver`; otherwise,
        and always for ``partitions``, in this process."""
        self.partitions = partitions
        """Checks restore_runs as a map over partitions and a merge (another engine, such as
        Dask); it returns False when it cannot, and the table is read here."""
        self.tally: dict[str, tuple[str, ...]] = {t: tuple(c) for t, c in (tally or {}).items()}
        """Table -> nullable columns: the tables whose rows are counted for the truth report
        (:class:`TableTally`) in the same pass."""
        self.count_applicable = frozenset(count_applicable)
        """Codes whose applicable rows are counted (the truth report's hold rates), in the
        same pass as the checks."""
        self.jobs = jobs
        """Processes checking restore_runs (NDJSON read on a platform that forks; otherwise
        one): the findings are the same, in the same order, whatever the number."""
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
                result.rows[table] = self._read(source, table, ctx, applied, result)
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
        result: ValidationResult,
    ) -> int:
        """Stream one table: NDJSON text through the fast decoder where the source offers it,
        every other record through the record path."""
        run = _TableRun(self, table, ctx, applied, result.findings, result.applicable)
        if table in self.tally:
            run.counted = result.tallies[table] = TableTally(self.tally[table], run.reader.required)
        lines = getattr(source, "json_lines", None)
        texts = lines(table) if lines is not None else None
        if texts is None or run.decode is None:
            decoded = getattr(source, "decoded_rows", None)
            if decoded is not None and run.convert is not None:
                decode = run.decode if table not in LENIENT_TABLES else None
                found = decoded(table, decode)
                if found is not None:
                    return self._read_decoded(run, found)
            batches = getattr(source, "row_batches", None)
            rows = batches(table) if batches is not None and run.convert is not None else None
            if rows is not None:
                return self._read_rows(run, rows)
            for record in source.records(table):
                run.record(record)
            return run.finish()
        unobserved = table == RESTORE_RUNS and run.observer is None
        if unobserved and self.partitions is not None:
            if self.partitions(run, source):
                return run.finish()
        elif (
            table == RESTORE_RUNS
            and self.jobs > 1
            and (run.observer is None or isinstance(run.observer, PartitionObserver))
        ):
            from restore_contracts.validators import parallel

            if parallel.read_in_parallel(run, source, self.jobs):
                return run.finish()
            texts = lines(table) if lines is not None else None
            assert texts is not None
        run.read_lines(texts, self.progress)
        return run.finish()

    def _read_rows(self, run: _TableRun, batches: Iterable[tuple[str, list[Any]]]) -> int:
        """Stream one table's rows from a source's ``row_batches`` (CSV and TSV text, MariaDB
        and SQLite driver rows): each made canonical by the converter and checked as a
        decoded NDJSON line is; a row it refuses, and every problem record, takes the record
        path."""
        convert = run.convert
        assert convert is not None
        table = run.table
        canonical = run.canonical_row
        progress = self.progress
        count = 0
        for location, batch in batches:
            for line, raw in batch:
                if type(raw) is Block:
                    count += run.block(raw, location)
                    continue
                count += 1
                if type(raw) is not dict:
                    run.record(raw, counted=True)
                    continue
                row = convert(raw)
                if row is None:
                    run.record(Record(table, raw, location, line), counted=True)
                    continue
                canonical(row, location, line)
            if progress is not None:
                progress(table, run.count + count)
        run.count += count
        return run.finish()

    def _read_decoded(
        self, run: _TableRun, rows: Iterable[tuple[str, dict[str, Any], bool]]
    ) -> int:
        """Stream one table's rows from a source's ``decoded_rows`` (MariaDB/MySQL rows the
        server rendered as JSON lines, SQLite rows as the driver's values): a row the fast
        decoder accepted is checked as a decoded NDJSON line is; any other is the row as
        the driver's values give it, made canonical by the converter or taking the record
        path, as from ``row_batches``."""
        convert = run.convert
        assert convert is not None
        table = run.table
        canonical = run.canonical_row
        record = run.record
        progress = self.progress
        count = run.count
        for location, row, done in rows:
            count += 1
            if done:
                canonical(row, location, None)
            else:
                converted = convert(row)
                if converted is None:
                    record(Record(table, row, location, None), counted=True)
                else:
                    canonical(converted, location, None)
            if progress is not None and not count % PROGRESS_EVERY:
                progress(table, count)
        if progress is not None:
            progress(table, count)
        run.count = count
        return run.finish()


class _TableRun:
    """The state of reading one table: its checks, its id set, and how rows are indexed."""

    def __init__(
        self,
        engine: Engine,
        table: str,
        ctx: RuleContext,
        applied: frozenset[str],
        findings: Findings,
        applicable: dict[str, int] | None = None,
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
        self.reads: dict[str, frozenset[str]] = {code: RULES[code].reads for code, _ in self.checks}
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
        self.convert = text_converter(table, ctx.zone)
        self.convert_block = text_block_converter(table, ctx.zone)
        self.decode = fast_decoder(table, ctx.zone)
        self.max_unknown = MAX_UNKNOWN_COLUMNS
        """Unknown column names counted one by one (a partition counts more, see parallel)."""
        self.reader = RowReader(table, ctx.zone)
        self.columns = COLUMNS[table]
        self.known = self.columns | frozenset(engine.assumptions.extra_columns.get(table, ()))
        """The contract's columns and the application's own (configured extra_columns)."""
        self.check_columns = UNKNOWN_COLUMN in applied
        self.unknown: dict[str, list[Any]] = {}
        """Unknown column -> [rows, first id, first location, first line] (one RR103 each)."""
        self.unknown_more: list[Any] = [0, None, "", None]
        """Values in unknown columns past the first MAX_UNKNOWN_COLUMNS names, and the first."""
        self.check_duplicates = DUPLICATE_KEY in applied
        self.pk = PRIMARY_KEYS[table]
        self.ids = ctx.indexes.ids_of(table)
        self.keep_snapshots = PROOFS in ctx.indexes.present
        self.active = ctx.active_evidence_statuses
        self.count = 0
        self.applicable = applicable if applicable is not None else {}
        self.tallied = [
            RULES[code]
            for code in sorted(engine.count_applicable)
            if RULES[code].table == table and code in applied
        ]
        """Rules whose applicable rows this table counts."""
        self.counted: TableTally | None = None
        """The truth report's counts of this table, when asked for."""
        self.observer: RowObserver | None = engine.observe.get(table)
        """Given each row that counts (see ``Engine.observe``)."""
        self.case_rows: dict[tuple[str, bool] | None, int] = {}
        """Rows read whole, by (status, is_dry_run) for restore_runs, else under None."""

    def fresh(self, findings: Findings) -> _TableRun:
        """A copy sharing the checks, the context and the id set, with its own findings and
        counts (a partition's; building the checks again costs milliseconds)."""
        part = copy.copy(self)
        part.findings = findings
        part.count = 0
        part.unknown = {}
        part.unknown_more = [0, None, "", None]
        part.applicable = {}
        part.case_rows = {}
        return part

    def canonical_row(self, row: Row, location: str, line: int | None) -> None:
        """One row the fast path read whole (from NDJSON text or a converted text row): its
        key, unknown columns, case count, tallies, checks and index."""
        key = row["id"]
        first = self.ids.add(key)
        if not first:
            self.duplicate(key, location, line)
        if self.check_columns and len(row) > len(self.columns):
            self.unknown_columns(row, key, location, line)
        checks = self.checks
        cases = self.case_rows if self.tallied else None
        if self.by_case is not None:
            case = row["status"], row["is_dry_run"]
            checks = self.by_case[case]
            if cases is not None:
                cases[case] = cases.get(case, 0) + 1
        elif cases is not None:
            cases[None] = cases.get(None, 0) + 1
        if self.counted is not None:
            self.counted.whole(row)
        if self.observer is not None:
            self.observer(row)
        ctx = self.ctx
        for code, check in checks:
            hits = check(row, ctx)
            if hits:
                self.emit(code, hits, key, location, line)
        if first and self.table != RESTORE_RUNS:
            self.index(key, row, _ALL_READ, location, line)

    def block(self, block: Block, location: str) -> int:
        """A block of text rows (CSV, TSV): converted together, each then checked as a row
        of a row batch is (canonical, or the record path with its text); the rows read."""
        assert self.convert_block is not None
        table = self.table
        canonical = self.canonical_row
        header = block.header
        columns = block.columns
        rows = self.convert_block(header, columns)
        for index, (line, row) in enumerate(zip(block.lines, rows, strict=True)):
            if row is None:
                raw = dict(zip(header, (values[index] for values in columns), strict=True))
                self.record(Record(table, raw, location, line), counted=True)
            else:
                canonical(row, location, line)
        return len(rows)

    def read_lines(
        self,
        texts: Iterable[tuple[str, int | None, list[bytes]]],
        progress: ProgressCallback | None,
    ) -> None:
        """Check batches of undecoded NDJSON lines: canonical rows through the fast decoder,
        every other line through the record path."""
        decode = self.decode
        assert decode is not None
        canonical = self.canonical_row
        table = self.table
        count = 0
        for location, number, batch in texts:
            for text in batch:
                count += 1
                row = decode(text)
                if row is None:
                    self.text(text, location, number)
                else:
                    canonical(row, location, number)
                if number is not None:
                    number += 1
            if progress is not None:
                progress(table, self.count + count)
        self.count += count

    def emit(
        self, code: str, hits: Sequence[Hit], key: Any, location: str, line: int | None
    ) -> None:
        """Add the findings of one check on one row: the first MAX_HITS_PER_ROW, then one
        saying how many more there were."""
        finding = self.engine._finding
        table = self.table
        listed = hits if len(hits) <= MAX_HITS_PER_ROW else hits[:MAX_HITS_PER_ROW]
        for hit in listed:
            self.findings.append(finding(code, hit, table, key, location, line))
        if listed is not hits:
            first = hits[0]
            more = Hit(
                "",
                f"{len(hits) - MAX_HITS_PER_ROW} more {code} findings on this row are not "
                f"listed (the first {MAX_HITS_PER_ROW} are)",
                table=first.table,
                id=first.id,
                source=first.source,
                line=first.line,
            )
            self.findings.append(finding(code, more, table, key, location, line))

    def duplicate(self, key: int, location: str, line: int | None) -> None:
        """Report a primary key seen before (the first row stays the indexed one)."""
        if self.check_duplicates:
            self.findings.append(self.duplicate_finding(key, location, line))

    def duplicate_finding(self, key: int, location: str, line: int | None) -> Finding:
        """The finding of a primary key seen before."""
        hit = Hit(f"/{self.pk}", f"{self.pk} {key} appears again in {self.table}")
        return self.engine._finding(DUPLICATE_KEY, hit, self.table, key, location, line)

    def unknown_columns(self, row: Row, key: Any, location: str, line: int | None) -> None:
        """Count the row's columns the contract and the configuration do not know (RR103 is
        reported once per column when the table is read, not once per row)."""
        known = self.known
        if known.issuperset(row):
            return
        unknown = self.unknown
        for name in row:
            if name in known:
                continue
            seen = unknown.get(name)
            if seen is None and len(unknown) < self.max_unknown:
                unknown[name] = [1, key, location, line]
                continue
            if seen is None:
                seen = self.unknown_more
            seen[0] += 1
            if seen[0] == 1 or lower_id(key, seen[1]):
                seen[1:] = [key, location, line]

    def text(self, text: bytes, location: str, line: int | None) -> None:
        """A line the fast decoder refused: parse it plainly and take the record path."""
        data, problem = parse_line(text, line or 0)
        if problem is None and data is _BLANK:
            self.count -= 1
            return
        self.record(Record(self.table, data, location, line, problem), counted=True)

    def record(self, record: Record, *, counted: bool = False) -> None:
        """One record of any source: problems, duplicates, columns, rules, index."""
        if not counted:
            self.count += 1
            progress = self.engine.progress
            if progress is not None and not self.count % PROGRESS_EVERY:
                progress(self.table, self.count)
        applied = self.applied
        location = record.location
        line = record.line
        problem = record.problem
        raw = record.data
        tally = self.counted
        if problem is not None or raw is None:
            if tally is not None:
                tally.unreadable += 1
            if problem is not None and problem.code in applied:
                self.emit(problem.code, (Hit("", problem.message),), None, location, line)
            return
        if type(raw) is not dict:
            if tally is not None:
                tally.invalid += 1
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
        if self.check_columns and not self.known.issuperset(raw):
            self.unknown_columns(raw, shown, location, line)
        row = self._convert(raw)
        if row is None:
            row, unread, problems = self.reader.read(raw)
            if problems:
                self.problems(problems, shown, location, line)
            checks = self.checks_for(row, unread)
            if tally is not None:
                if problems or unread:
                    pointers: dict[str, str] = {}
                    for _, hit in problems:
                        column = hit.pointer.split("/")[1] if hit.pointer else ""
                        pointers.setdefault(column, hit.pointer)
                    where = location if line is None else f"{location}:{line}"
                    tally.by_column(row, unread, pointers, where)
                else:
                    tally.whole(row)
        else:
            if tally is not None:
                tally.whole(row)
            unread = _ALL_READ
            checks = self.checks
            if self.by_case is not None:
                checks = self.by_case[row["status"], row["is_dry_run"]]
        if self.tallied:
            self.tally(row, unread)
        if self.observer is not None and unread.isdisjoint(self.reader.required):
            self.observer(row)
        ctx = self.ctx
        for code, check in checks:
            hits = check(row, ctx)
            if hits:
                self.emit(code, hits, shown, location, line)
        if key is not None and first:
            self.index(key, row, unread, location, line)

    def _convert(self, raw: Row) -> Row | None:
        """The fast converter's row, or None for the column-by-column path (also when the
        converter cannot encode a value, such as a lone surrogate in a string)."""
        if self.convert is None:
            return None
        try:
            return self.convert(raw)
        except UnicodeError:
            return None

    def problems(self, problems: list[Problem], key: Any, location: str, line: int | None) -> None:
        """Report what reading the row found, rule by rule (each capped like a check's)."""
        by_code: dict[str, list[Hit]] = {}
        for code, hit in problems:
            by_code.setdefault(code, []).append(hit)
        for code, hits in sorted(by_code.items()):
            if code in self.applied:
                self.emit(code, hits, key, location, line)

    def checks_for(self, row: Row, unread: frozenset[str]) -> list[tuple[str, Check]]:
        """The checks to run on a row: those of its case, less those reading a column that
        could not be read."""
        by_case = self.by_case
        if not unread:
            return self.checks if by_case is None else by_case[row["status"], row["is_dry_run"]]
        checks = self.checks
        if by_case is not None and "status" in row and "is_dry_run" in row:
            checks = by_case[row["status"], row["is_dry_run"]]
        reads = self.reads
        return [(code, check) for code, check in checks if unread.isdisjoint(reads[code])]

    def index(
        self, key: int, row: Row, unread: frozenset[str], location: str, line: int | None
    ) -> None:
        """Keep what the cross-table rules need of a row seen for the first time."""
        table = self.table
        indexes = self.ctx.indexes
        if table == RESTORE_RUNS:
            return
        if table == EVIDENCE:
            op_id = row.get("operation_run_id")
            if op_id is not None:
                if "status" in row and row["status"] in self.active:
                    indexes.active_snapshot.setdefault(op_id, key)
                if self.keep_snapshots:
                    if unread:
                        indexes.unread_snapshots.add(op_id)
                    else:
                        indexes.snapshots.setdefault(op_id, []).append(row)
        elif table == PROOFS:
            indexes.proofs[key] = (row, location, line)
        else:
            _index_row(indexes, table, key, row, unread)

    def tally(self, row: Row, unread: frozenset[str]) -> None:
        """Count the rules that apply to one row read by the record path."""
        case = None
        if self.table == RESTORE_RUNS and "status" in row and "is_dry_run" in row:
            case = (row["status"], bool(row["is_dry_run"]))
        if not unread:
            self.case_rows[case] = self.case_rows.get(case, 0) + 1
            return
        applicable = self.applicable
        ctx = self.ctx
        for rule in self.tallied:
            if not unread.isdisjoint(rule.reads):
                continue
            if case is not None and rule.when is not None and not rule.when(*case, ctx):
                continue
            applicable[rule.code] = applicable.get(rule.code, 0) + 1

    def count_cases(self) -> None:
        """Turn the rows counted per case into rows per rule (once, when the table is read)."""
        applicable = self.applicable
        ctx = self.ctx
        for case, rows in self.case_rows.items():
            for rule in self.tallied:
                if case is not None and rule.when is not None and not rule.when(*case, ctx):
                    continue
                applicable[rule.code] = applicable.get(rule.code, 0) + rows
        self.case_rows.clear()

    def finish(self) -> int:
        """Report the unknown columns and the final count; the rows read."""
        if self.counted is not None:
            self.counted.rows = self.count
        if self.tallied:
            self.count_cases()
        if self.check_columns:
            self.report_unknown()
        if self.engine.progress is not None:
            self.engine.progress(self.table, self.count)
        return self.count

    def report_unknown(self) -> None:
        """One RR103 per unknown column, by name, at the row with the lowest id, with the
        number of rows: the same finding whatever order a source gives the rows in."""
        finding = self.engine._finding
        table = self.table
        for name, (rows, key, location, line) in sorted(self.unknown.items()):
            hit = Hit(
                pointer(name),
                f"column {show(name)} is not in the {table} contract "
                f"({rows} row{'' if rows == 1 else 's'}; this is the one with the lowest id)",
            )
            self.findings.append(finding(UNKNOWN_COLUMN, hit, table, key, location, line))
        values, key, location, line = self.unknown_more
        if values:
            hit = Hit(
                "",
                f"{values} more value{'' if values == 1 else 's'} in columns not in the "
                f"{table} contract (only the first {MAX_UNKNOWN_COLUMNS} column names are "
                "listed; this is the one with the lowest id)",
            )
            self.findings.append(finding(UNKNOWN_COLUMN, hit, table, key, location, line))


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
    jobs: int = 1,
) -> ValidationResult:
    """Validate a source (defaults: every rule, the default assumptions, one process)."""
    engine = Engine(assumptions or Assumptions(), codes=codes, progress=progress, jobs=jobs)
    return engine.run(source)


__all__ = (
    "Engine",
    "PartitionRunner",
    "ProgressCallback",
    "RowObserver",
    "ValidationResult",
    "validate",
)
