"""The figures the truth report needs, gathered while the validation engine reads the source.

Operation runs and evidence snapshots are read first into compact indexes
(the cross-table questions need them); restore runs are then streamed one at
a time through the derivations. Memory is bounded by those indexes and the
example ids kept, never by the number of restore runs.

:class:`InPass` gathers them in the engine's own pass, from the rows the engine reads
anyway, deriving from plain values (:mod:`restore_contracts.derivations.plain`): the
report then costs little more than validating. :func:`collect` reads the source again
through the contract models; it serves where the engine checks restore_runs in other
processes (``--jobs``, Dask), and it is the reference the tests hold the pass to.
"""

from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from pydantic import BaseModel, ValidationError

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts import (
    TABLE_MODELS,
    EvidenceSnapshot,
    OperationRun,
    RestoreRun,
    RestoreRunStatus,
    StatusGroup,
    group_of,
)
from restore_contracts.contracts._types import parse_timestamp, zone_of
from restore_contracts.derivations import decide_view
from restore_contracts.derivations.plain import PlainDeriver
from restore_contracts.truth._stats import Examples, Ratio
from restore_contracts.truth.tallies import FALLBACK_ROWS, DerivationTally, VocabularyTally
from restore_contracts.validators.engine import RowObserver
from restore_contracts.validators.findings import Hit
from restore_contracts.validators.rowread import RowReader
from restore_contracts.validators.source import Record, Source
from restore_contracts.validators.tables import PROOFS
from restore_contracts.validators.tally import TableTally

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
LEGACY = (RestoreRunStatus.ABORTED, RestoreRunStatus.COMPLETED_WITH_ERRORS)


def nullable_columns(model: type[BaseModel]) -> list[str]:
    """Columns of a row model that may hold NULL (optional, defaulting to None)."""
    return [
        name
        for name, info in model.model_fields.items()
        if not info.is_required() and info.default is None
    ]


def value_type(value: Any) -> str:
    """How a requested_by value is typed: the seed leaves the column's type open.

    Decimal digits count as an integer whether they arrive as a number (a database
    driver, JSON) or as text (every CSV cell is text): the same rows give the same
    figure from every source.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, str):
        if value.isascii() and value.isdigit():
            return "integer"
        if _EMAIL.match(value):
            return "email"
        return "text"
    return type(value).__name__


@dataclass(slots=True)
class Figures:
    """Everything counted in the pass, before it is shaped into answers."""

    examples_limit: int
    tables_present: list[str] = field(default_factory=list)
    rows: Counter[str] = field(default_factory=Counter)
    unreadable: Counter[str] = field(default_factory=Counter)
    invalid: Counter[str] = field(default_factory=Counter)
    partial: Counter[str] = field(default_factory=Counter)
    """Rows counted with some values not read (those read as null)."""
    values_not_read: dict[str, dict[str, list[Any]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    """table -> column -> [values not read, where the first one is]."""
    non_null: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    requested_by_types: Counter[str] = field(default_factory=Counter)
    snapshots_by_operation_run: dict[int, list[EvidenceSnapshot]] = field(
        default_factory=lambda: defaultdict(list)
    )
    operation_runs: dict[int, OperationRun] = field(default_factory=dict)
    # evidence_for_executions
    executions: Ratio = field(default_factory=Ratio)
    executions_by_status: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    # operation_run_coverage
    coverage: Ratio = field(default_factory=Ratio)
    coverage_by_status: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    coverage_by_month: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    first_linked_created_at: datetime | None = None
    # legacy_statuses
    legacy_counts: Counter[str] = field(default_factory=Counter)
    legacy_latest: dict[str, datetime] = field(default_factory=dict)
    # distributions
    statuses: Counter[str] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)
    attention: Counter[str] = field(default_factory=Counter)
    proof: Counter[str] = field(default_factory=Counter)
    evidence: Counter[str] = field(default_factory=Counter)
    examples: Examples = field(init=False)
    vocabularies: VocabularyTally = field(init=False)
    derivations: DerivationTally = field(init=False)

    def __post_init__(self) -> None:
        self.examples = Examples(self.examples_limit)
        self.vocabularies = VocabularyTally(self.examples_limit)
        self.derivations = DerivationTally(self.examples_limit)


def _validated(
    model: type[BaseModel], data: dict[str, Any] | None, context: dict[str, Any] | None
) -> BaseModel | None:
    if data is None:
        return None
    try:
        return model.model_validate(data, context=context)
    except ValidationError:
        return None


def _read_by_column(reader: RowReader, record: Record, figures: Figures) -> BaseModel | None:
    """A row the model rejects, read column by column: every value not read is counted with
    where the first one is; the row counts (those values as null) unless a required column
    is among them."""
    table = reader.table
    if not isinstance(record.data, dict):
        return None
    read = reader.read(record.data)
    where = record.location if record.line is None else f"{record.location}:{record.line}"
    pointers: dict[str, Hit] = {}
    for _, hit in read.problems:
        pointers.setdefault(hit.pointer.split("/")[1] if hit.pointer else "", hit)
    seen = figures.values_not_read[table]
    for column in sorted(read.unread):
        entry = seen.setdefault(column, [0, None])
        entry[0] += 1
        if entry[1] is None:
            first = pointers.get(column)
            entry[1] = f"{where} {first.pointer if first is not None else '/' + column}"
    if read.unread & reader.required:
        return None
    figures.partial[table] += 1
    # The row read is canonical: its timestamps are UTC already, and are not read in the
    # application's timezone a second time.
    return reader.model.model_validate({k: v for k, v in read.row.items() if k not in read.unread})


def _read_table(source: Source, table: str, figures: Figures, zone: tzinfo) -> Any:
    """Yield the rows of one table as models, counting rows, bad rows, values not read and
    non-nulls; naive timestamps are read in ``zone``, the application's timezone."""
    model = TABLE_MODELS[table]
    nullable = nullable_columns(model)
    reader = RowReader(table, zone)
    for record in source.records(table):
        figures.rows[table] += 1
        if record.problem is not None or record.data is None:
            figures.unreadable[table] += 1
            continue
        row = _validated(model, record.data, reader.context)
        if row is None:
            row = _read_by_column(reader, record, figures)
        if row is None:
            figures.invalid[table] += 1
            continue
        counter = figures.non_null[table]
        for column in nullable:
            if getattr(row, column) is not None:
                counter[column] += 1
        yield row


def _observe_run(
    run: RestoreRun,
    figures: Figures,
    assumptions: Assumptions,
    policy: EvidencePolicy,
    *,
    have_operation_runs: bool,
    have_snapshots: bool,
) -> None:
    status = run.status.value
    linked = run.operation_run_id is not None
    figures.requested_by_types[value_type(run.requested_by)] += 1
    figures.statuses[status] += 1
    operation_run = figures.operation_runs.get(run.operation_run_id or 0)
    snapshots = (
        figures.snapshots_by_operation_run.get(run.operation_run_id or 0, [])
        if have_snapshots
        else None
    )
    view = decide_view(run, operation_run, snapshots, assumptions, looked_up=have_operation_runs)
    figures.decisions[view.decision_state.value.value] += 1
    figures.attention[view.attention["state"].value] += 1
    figures.proof[view.operation_run_proof.value.value] += 1
    if have_snapshots:
        figures.evidence[view.evidence[policy].state.value.value] += 1
    figures.derivations.observe(run.id, view, policy)
    figures.vocabularies.observe_run(run, assumptions)

    figures.coverage.add(linked)
    figures.coverage_by_status[status].add(linked)
    month = run.created_at.strftime("%Y-%m") if run.created_at else "unknown"
    figures.coverage_by_month[month].add(linked)
    if (
        linked
        and run.created_at
        and (
            figures.first_linked_created_at is None
            or run.created_at < figures.first_linked_created_at
        )
    ):
        figures.first_linked_created_at = run.created_at
    if not linked:
        figures.examples.add("without_operation_run", run.id)

    if run.status in LEGACY:
        figures.legacy_counts[status] += 1
        figures.examples.add(f"legacy:{status}", run.id)
        latest = figures.legacy_latest.get(status)
        if run.created_at and (latest is None or run.created_at > latest):
            figures.legacy_latest[status] = run.created_at

    executed = not run.is_dry_run and group_of(run.status) in (
        StatusGroup.TERMINAL,
        StatusGroup.LEGACY,
    )
    if executed and linked and have_snapshots:
        has_evidence = bool(figures.snapshots_by_operation_run.get(run.operation_run_id or 0))
        figures.executions.add(has_evidence)
        figures.executions_by_status[status].add(has_evidence)
        figures.examples.add("with_evidence" if has_evidence else "without_evidence", run.id)


COUNTED_TABLES = ("workspaces", "managed_environments", "backup_sets", "backup_items")
"""Tables whose figures are counts only: the validation engine can count them in its pass."""


def take_counts(figures: Figures, table: str, tally: TableTally) -> None:
    """Figures of a table counted by the validation engine's pass."""
    figures.rows[table] += tally.rows
    figures.unreadable[table] += tally.unreadable
    figures.invalid[table] += tally.invalid
    figures.partial[table] += tally.partial
    if tally.non_null:
        figures.non_null[table].update(tally.non_null)
    if tally.values_not_read:
        figures.values_not_read[table].update(
            {column: list(entry) for column, entry in tally.values_not_read.items()}
        )


def collect(
    source: Source,
    assumptions: Assumptions,
    policy: EvidencePolicy,
    examples: int,
    *,
    counted: Mapping[str, TableTally] | None = None,
) -> Figures:
    """Read the source once (table by table) and count everything the questions need; the
    tables in ``counted`` were counted by the validation engine's pass and are not read."""
    figures = Figures(examples_limit=examples)
    zone = zone_of(assumptions.timezone)
    present = set(source.tables())
    figures.tables_present = [t for t in TABLE_MODELS if t in present]
    counted = counted or {}
    for table in figures.tables_present:
        if table == "restore_runs":
            continue
        tally = counted.get(table)
        if tally is not None:
            take_counts(figures, table, tally)
            continue
        for row in _read_table(source, table, figures, zone):
            if isinstance(row, OperationRun):
                figures.operation_runs[row.id] = row
                figures.vocabularies.observe_operation_run(row, assumptions)
            elif isinstance(row, EvidenceSnapshot):
                figures.vocabularies.observe_snapshot(row, assumptions)
                if row.operation_run_id is not None:
                    figures.snapshots_by_operation_run[row.operation_run_id].append(row)
    if PROOFS in present:
        for record in source.records(PROOFS):
            if record.problem is None and isinstance(record.data, dict):
                figures.vocabularies.observe_proof(record.data, assumptions)
    if "restore_runs" in present:
        for run in _read_table(source, "restore_runs", figures, zone):
            assert isinstance(run, RestoreRun)
            _observe_run(
                run,
                figures,
                assumptions,
                policy,
                have_operation_runs="operation_runs" in present,
                have_snapshots="evidence_snapshots" in present,
            )
    return figures


_VOCABULARY_NAMES = ("item_outcome_statuses", "foundation_decisions", "preview_actions")
_LEGACY = frozenset(status.value for status in LEGACY)
_CAUSE_FALLBACK = FALLBACK_ROWS["attention_cause_family"]
_PROOF_FALLBACK = FALLBACK_ROWS["operation_run_proof"]
_E_FALLBACK = FALLBACK_ROWS["evidence"]


class InPass:
    """The truth report's figures gathered in the validation engine's pass: the engine
    counts every table (:class:`TableTally`) and hands the rows of operation_runs,
    evidence_snapshots and restore_runs to :meth:`observers`; :meth:`finish` adds what
    is read apart (the exported derived view's vocabularies, raw rows) and returns the
    figures. The same figures as :func:`collect`, which the tests hold it to."""

    def __init__(
        self,
        tables: Any,
        assumptions: Assumptions,
        policy: EvidencePolicy,
        examples: int,
    ) -> None:
        present = set(tables)
        self.figures = Figures(examples_limit=examples)
        self.figures.tables_present = [t for t in TABLE_MODELS if t in present]
        self.present = present
        self.assumptions = assumptions
        self.policy = policy
        self.deriver = PlainDeriver(assumptions)
        self.inside = {name: frozenset(getattr(assumptions, name)) for name in _VOCABULARY_NAMES}
        self.operation_runs: dict[int, tuple[Any, Any]] = {}
        """Operation run id -> (status, outcome): what the proof derivation reads."""
        self.looked_up = "operation_runs" in present
        self.have_snapshots = "evidence_snapshots" in present
        self.first_linked: str | None = None
        self.legacy_latest: dict[str, str] = {}
        """Timestamps as canonical UTC text, which sorts as the times do; turned into
        datetimes by :meth:`finish`."""
        self.derived: Counter[tuple[Any, ...]] = Counter()
        """Runs by what the derivations gave them (:meth:`PlainDeriver.signature`)."""
        self.shapes: Counter[tuple[str, bool, str, str]] = Counter()
        """Runs by (status, linked, month, requested_by's type)."""
        self.executed: dict[tuple[str, bool], bool] = {
            (status.value, dry): not dry
            and group_of(status) in (StatusGroup.TERMINAL, StatusGroup.LEGACY)
            for status in RestoreRunStatus
            for dry in (False, True)
        }

    def tallied(self) -> dict[str, list[str]]:
        """Table -> nullable columns: every table the engine is to count."""
        return {t: nullable_columns(TABLE_MODELS[t]) for t in self.figures.tables_present}

    def observers(self) -> dict[str, RowObserver]:
        """Table -> what to do with each row the engine reads that counts."""
        return {
            "operation_runs": self.operation_run,
            "evidence_snapshots": self.snapshot,
            "restore_runs": RunsObserver(self),
        }

    def partition(self) -> InPass:
        """A copy that gathers one partition of the restore runs (in a ``--jobs`` worker): it
        shares what runs are read against (operation runs, snapshots, the deriver) and starts
        every figure :meth:`run` touches afresh."""
        part = copy.copy(self)
        part.derived = Counter()
        part.shapes = Counter()
        part.first_linked = None
        part.legacy_latest = {}
        figures = part.figures = copy.copy(self.figures)
        limit = figures.examples_limit
        figures.derivations = DerivationTally(limit)
        figures.vocabularies = _LoggedVocabulary(limit)
        figures.examples = Examples(limit)
        figures.legacy_counts = Counter()
        figures.executions = Ratio()
        figures.executions_by_status = defaultdict(Ratio)
        return part

    def partition_state(self) -> tuple[Any, ...]:
        """What a :meth:`partition` copy gathered, for :meth:`merge_partition`."""
        figures = self.figures
        vocabularies = figures.vocabularies
        assert isinstance(vocabularies, _LoggedVocabulary)
        return (
            self.derived,
            self.shapes,
            self.first_linked,
            self.legacy_latest,
            figures.derivations.fallback_examples,
            vocabularies.sources,
            vocabularies.bulk,
            vocabularies.log,
            figures.examples.ids,
            figures.legacy_counts,
            figures.executions,
            dict(figures.executions_by_status),
        )

    def merge_partition(self, state: tuple[Any, ...]) -> None:
        """Fold in a partition's figures as if its runs had been observed here, in order:
        counts are added, examples and values outside a vocabulary are taken in the order
        the partition saw them, the first and latest times compared."""
        (
            derived,
            shapes,
            first_linked,
            legacy_latest,
            fallback_examples,
            sources,
            bulk,
            outside,
            examples,
            legacy_counts,
            executions,
            executions_by_status,
        ) = state
        figures = self.figures
        self.derived.update(derived)
        self.shapes.update(shapes)
        if first_linked is not None and (
            self.first_linked is None or first_linked < self.first_linked
        ):
            self.first_linked = first_linked
        for status, created in legacy_latest.items():
            latest = self.legacy_latest.get(status)
            if latest is None or created > latest:
                self.legacy_latest[status] = created
        derivations = figures.derivations
        for table, ids in fallback_examples.items():
            derivations.fallback_examples.setdefault(table, [])
            for run_id in ids:
                derivations._example(table, run_id)
        vocabularies = figures.vocabularies
        vocabularies.sources.update(sources)
        vocabularies.bulk.update(bulk)
        a = self.assumptions
        for name, value, row_id in outside:
            vocabularies.add(name, value, row_id, getattr(a, name))
        for label, ids in examples.items():
            figures.examples.ids.setdefault(label, [])
            for run_id in ids:
                figures.examples.add(label, run_id)
        figures.legacy_counts.update(legacy_counts)
        figures.executions.total += executions.total
        figures.executions.hits += executions.hits
        for status, ratio in executions_by_status.items():
            mine = figures.executions_by_status[status]
            mine.total += ratio.total
            mine.hits += ratio.hits

    def operation_run(self, row: dict[str, Any]) -> None:
        """Index what the proof derivation reads; count the vocabularies."""
        status, outcome = row.get("status"), row.get("outcome")
        self.operation_runs[row["id"]] = (status, outcome)
        a = self.assumptions
        vocabularies = self.figures.vocabularies
        vocabularies.sources.add("operation_runs")
        vocabularies.add("operation_run_statuses", status, row["id"], a.operation_run_statuses)
        vocabularies.add("operation_run_outcomes", outcome, row["id"], a.operation_run_outcomes)

    def snapshot(self, row: dict[str, Any]) -> None:
        """Keep the snapshot as its model (the selection policies compare them); the row's
        timestamps are canonical UTC text, read as such."""
        model = EvidenceSnapshot.model_validate(row)
        self.figures.vocabularies.observe_snapshot(model, self.assumptions)
        if model.operation_run_id is not None:
            self.figures.snapshots_by_operation_run[model.operation_run_id].append(model)

    def run(self, row: dict[str, Any]) -> None:
        """Everything :func:`collect` counts of one restore run, from its plain row: what is
        a count is counted by its key (runs alike count together, added up by
        :meth:`finish`), examples and latest times as the run comes."""
        run_id = row["id"]
        status = row["status"]
        op_id = row.get("operation_run_id")
        linked = op_id is not None
        created = row.get("created_at")
        snapshots = (
            self.figures.snapshots_by_operation_run.get(op_id or 0, [])
            if self.have_snapshots
            else None
        )
        derived = self.deriver.signature(
            row,
            self.operation_runs.get(op_id or 0),
            snapshots,
            self.policy,
            looked_up=self.looked_up,
        )
        self.derived[derived] += 1
        month = created[:7] if created and created[0] != "0" else _month(created)
        requested = row.get("requested_by")
        kind = "integer" if requested.__class__ is int else value_type(requested)
        self.shapes[status, linked, month, kind] += 1
        rows = derived[4]
        # rows[-2]: the evidence row, or (no evidence derived) the proof row, never an E row
        if rows[10] in _CAUSE_FALLBACK or rows[16] in _PROOF_FALLBACK or rows[-2] in _E_FALLBACK:
            self.figures.derivations.observe_fallbacks(run_id, rows)
        self.figures.vocabularies.observe_run_row(row, self.assumptions, self.inside)
        if linked:
            if created and (self.first_linked is None or created < self.first_linked):
                self.first_linked = created
        else:
            self.figures.examples.add("without_operation_run", run_id)
        if status in _LEGACY:
            figures = self.figures
            figures.legacy_counts[status] += 1
            figures.examples.add(f"legacy:{status}", run_id)
            latest = self.legacy_latest.get(status)
            if created and (latest is None or created > latest):
                self.legacy_latest[status] = created
        if linked and snapshots is not None and self.executed[status, row["is_dry_run"]]:
            figures = self.figures
            has_evidence = bool(snapshots)
            figures.executions.add(has_evidence)
            figures.executions_by_status[status].add(has_evidence)
            figures.examples.add("with_evidence" if has_evidence else "without_evidence", run_id)

    def _fold(self) -> None:
        """Add up the runs counted by key into the figures."""
        figures = self.figures
        for (decision, attention, proof, evidence, rows), runs in self.derived.items():
            figures.decisions[decision] += runs
            figures.attention[attention] += runs
            figures.proof[proof] += runs
            if evidence is not None:
                figures.evidence[evidence] += runs
            figures.derivations.signatures[rows] += runs
        for (status, linked, month, kind), runs in self.shapes.items():
            figures.requested_by_types[kind] += runs
            figures.statuses[status] += runs
            for ratio in (
                figures.coverage,
                figures.coverage_by_status[status],
                figures.coverage_by_month[month],
            ):
                ratio.total += runs
                ratio.hits += runs if linked else 0
        self.derived.clear()
        self.shapes.clear()

    def finish(self, source: Source, counted: Mapping[str, TableTally]) -> Figures:
        """The figures, with the engine's counts of every table and the derived view's
        vocabularies (read from its raw rows, as :func:`collect` reads them)."""
        self._fold()
        figures = self.figures
        for table in figures.tables_present:
            tally = counted.get(table)
            if tally is not None:
                take_counts(figures, table, tally)
        if PROOFS in self.present:
            for record in source.records(PROOFS):
                if record.problem is None and isinstance(record.data, dict):
                    figures.vocabularies.observe_proof(record.data, self.assumptions)
        if self.first_linked is not None:
            figures.first_linked_created_at = parse_timestamp(self.first_linked)
        for status, text in self.legacy_latest.items():
            figures.legacy_latest[status] = parse_timestamp(text)
        return figures


class RunsObserver:
    """:meth:`InPass.run` as a :class:`~restore_contracts.validators.engine.PartitionObserver`:
    restore runs checked in ``--jobs`` workers are observed there and folded in here."""

    __slots__ = ("gather", "run")

    def __init__(self, gather: InPass) -> None:
        self.gather = gather
        self.run = gather.run

    def __call__(self, row: dict[str, Any]) -> None:
        self.run(row)

    def begin_partition(self) -> RunsObserver:
        """An observer gathering one partition afresh."""
        return RunsObserver(self.gather.partition())

    def end_partition(self) -> tuple[Any, ...]:
        """What this partition's observer gathered."""
        return self.gather.partition_state()

    def merge_partition(self, state: tuple[Any, ...]) -> None:
        """Fold a partition's figures in, partitions in reading order."""
        self.gather.merge_partition(state)


@dataclass(slots=True)
class _LoggedVocabulary(VocabularyTally):
    """A partition's vocabulary tally: runs wholly inside the vocabularies are counted
    (:attr:`bulk`), every other value is logged in order for the parent to count, since
    which values are kept one by one and as examples depends on the order of all runs."""

    log: list[tuple[str, Any, Any]] = field(default_factory=list)

    def add(self, name: str, value: Any, row_id: Any, known: tuple[str, ...]) -> None:
        if value is not None:
            self.log.append((name, value, row_id))


def _month(created: str | None) -> str:
    """The year and month of a canonical timestamp, as ``strftime("%Y-%m")`` writes them
    (which does not pad a year before 1000)."""
    if not created:
        return "unknown"
    if created[0] != "0":
        return created[:7]
    moment: datetime = parse_timestamp(created)
    return moment.strftime("%Y-%m")


__all__ = (
    "COUNTED_TABLES",
    "LEGACY",
    "Figures",
    "InPass",
    "RunsObserver",
    "collect",
    "nullable_columns",
    "take_counts",
    "value_type",
)
