"""The same checks and the same truth report on Dask, from partitioned NDJSON.

The layout is a directory per table of part files read in name order
(``restore_runs/part-0000.ndjson``, ...); a ``<table>.ndjson`` file beside them is one more
part. The referenced tables are read once, in this process, into the indexes; the restore
runs are then a ``dask.bag`` of partitions (spans of whole lines of the part files, read by
the workers themselves, so the paths must be visible to them), each checked by
:func:`restore_contracts.validators.parallel.check_partition` against the indexes, which
travel once in the graph; the partial results come back in order and are merged by the same
:class:`~restore_contracts.validators.parallel.Merge` as ``--jobs``. Findings, counts and the
truth report's figures are those of one process reading the same files.

Needs the ``dask`` extra: ``pip install 'restore-contracts[dask]'``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import dask.bag
from dask.delayed import delayed

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.errors import InputError
from restore_contracts.truth import truth_report
from restore_contracts.validators import parallel
from restore_contracts.validators.context import RuleContext
from restore_contracts.validators.engine import Engine, ValidationResult, _TableRun
from restore_contracts.validators.findings import Finding
from restore_contracts.validators.index import Indexes
from restore_contracts.validators.readers import CombinedSource, FileSource
from restore_contracts.validators.readers._common import Limits
from restore_contracts.validators.source import Source
from restore_contracts.validators.tables import RESTORE_RUNS


def partitioned_source(root: Path) -> CombinedSource:
    """The tables of a partitioned export as one source (each table's parts in name order):
    what one process reads, and what the Dask run splits."""
    if not root.is_dir():
        raise InputError(f"{root}: not a directory of partitioned tables")
    parts: list[Source] = []
    for entry in sorted(root.iterdir()):
        if entry.is_dir():
            files = sorted(p for p in entry.iterdir() if p.suffix in (".ndjson", ".jsonl"))
            parts.extend(FileSource(p, entry.name) for p in files)
        elif entry.suffix in (".ndjson", ".jsonl"):
            parts.append(FileSource(entry))
    return CombinedSource(parts, str(root))


@dataclass(frozen=True, slots=True)
class Recipe:
    """What a worker needs to check restore-run partitions: sent once, the run rebuilt from it
    (rules are functions of the row and this context, nothing else)."""

    assumptions: Assumptions
    codes: frozenset[str]
    applied: frozenset[str]
    count_applicable: frozenset[str]
    indexes: Indexes
    limits: Limits


def _check(task: parallel.Task, recipe: Recipe) -> parallel.Partial:
    """Check one partition on a worker."""
    engine = Engine(
        recipe.assumptions, codes=recipe.codes, count_applicable=recipe.count_applicable
    )
    ctx = RuleContext(recipe.assumptions, recipe.indexes)
    findings: list[Finding] = []
    run = _TableRun(engine, RESTORE_RUNS, ctx, recipe.applied, findings)
    return parallel.check_partition(run, parallel.lines_of(task, recipe.limits))


class DaskPartitions:
    """A partition runner for the engine: restore_runs as a bag of file spans, checked on the
    scheduler given (a ``distributed.Client``'s, or Dask's default), merged here in order."""

    def __init__(self, client: Any = None, partition_bytes: int = parallel.PARTITION_BYTES):
        self.client = client
        self.partition_bytes = partition_bytes
        self.partitions = 0
        """Partitions checked in the last run."""

    def __call__(self, run: _TableRun, source: Source) -> bool:
        files = parallel.regular_files(source, run.table)
        if files is None or run.table != RESTORE_RUNS:
            return False
        try:
            tasks = list(parallel.spans(files, self.partition_bytes, exact=True))
        except parallel.NotPlain:
            parallel.rewind_meters(files)
            return False
        self.partitions = len(tasks)
        if not tasks:
            return True
        engine = run.engine
        recipe = Recipe(
            engine.assumptions,
            engine.codes,
            run.applied,
            engine.count_applicable,
            run.ctx.indexes,
            getattr(files[0], "limits", None) or Limits(),
        )
        bag = dask.bag.from_sequence(tasks, npartitions=len(tasks))  # type: ignore[no-untyped-call]
        checked = bag.map(_check, delayed(recipe))
        if self.client is not None:
            partials = self.client.compute(checked).result()
        else:
            partials = checked.compute()
        started = parallel.mark(run)
        merge = parallel.Merge(run, recipe.limits)
        try:
            for partial, task in zip(partials, tasks, strict=True):
                merge.add(partial, task)
            merge.finish()
        except parallel.Overflow:
            parallel.reset(run, started)
            return False
        return True


def validate_partitioned(
    root: Path,
    assumptions: Assumptions | None = None,
    *,
    codes: Any = None,
    client: Any = None,
    partition_bytes: int = parallel.PARTITION_BYTES,
) -> ValidationResult:
    """Validate a partitioned export with the restore runs checked on Dask."""
    runner = DaskPartitions(client, partition_bytes)
    source = partitioned_source(root)
    try:
        engine = Engine(assumptions or Assumptions(), codes=codes, partitions=runner)
        return engine.run(source)
    finally:
        source.close()


def truth_partitioned(
    root: Path,
    assumptions: Assumptions | None = None,
    *,
    report_date: date,
    policy: EvidencePolicy | None = None,
    examples: int = 5,
    client: Any = None,
    partition_bytes: int = parallel.PARTITION_BYTES,
) -> dict[str, Any]:
    """The truth report of a partitioned export, the assumed rules checked on Dask."""
    runner = DaskPartitions(client, partition_bytes)
    source = partitioned_source(root)
    try:
        return truth_report(
            source,
            assumptions or Assumptions(),
            report_date=report_date,
            policy=policy,
            examples=examples,
            measure_holds=True,
            partitions=runner,
        )
    finally:
        source.close()


__all__ = (
    "DaskPartitions",
    "Recipe",
    "partitioned_source",
    "truth_partitioned",
    "validate_partitioned",
)
