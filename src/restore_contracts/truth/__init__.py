"""The truth report: the truth map's open questions answered from real data."""

from __future__ import annotations

from datetime import date
from typing import Any

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts import TABLE_MODELS
from restore_contracts.truth.collect import (
    COUNTED_TABLES,
    Figures,
    InPass,
    collect,
    nullable_columns,
)
from restore_contracts.truth.holds import ASSUMED_CODES, rates_of
from restore_contracts.truth.markdown import render_markdown
from restore_contracts.truth.report import QUESTION_TITLES, build_report
from restore_contracts.validators.engine import Engine, PartitionRunner, ValidationResult
from restore_contracts.validators.source import Source


def truth_report(
    source: Source,
    assumptions: Assumptions,
    *,
    report_date: date,
    policy: EvidencePolicy | None = None,
    examples: int = 5,
    hold_rates: list[dict[str, Any]] | None = None,
    measure_holds: bool = False,
    jobs: int = 1,
    partitions: PartitionRunner | None = None,
) -> dict[str, Any]:
    """Answer every question from ``source``.

    One pass of the validation engine runs the assumed rules (``measure_holds``: their hold
    rates, rows applied and held) and gathers every figure from the rows it reads
    (:class:`~restore_contracts.truth.collect.InPass`); with ``jobs`` above 1 the restore
    runs are observed in the workers and their figures folded in reading order. On another
    engine (``partitions``, such as Dask) the engine counts the tables whose figures are
    counts only and a second pass reads what the derivations need as contract models.
    Without ``measure_holds``, ``hold_rates`` (computed elsewhere, or none) is reported."""
    chosen = policy or assumptions.evidence_policy
    codes = ASSUMED_CODES if measure_holds else ()
    if partitions is None:
        gather = InPass(source.tables(), assumptions, chosen, examples)
        result = Engine(
            assumptions,
            codes=codes,
            jobs=jobs,
            count_applicable=codes,
            tally=gather.tallied(),
            observe=gather.observers(),
        ).run(source)
        figures = gather.finish(source, result.tallies)
    else:
        result, figures = _two_passes(source, assumptions, chosen, examples, codes, partitions)
    return build_report(
        figures,
        assumptions,
        source_name=source.name,
        policy=chosen,
        report_date=report_date,
        hold_rates=rates_of(result) if measure_holds else hold_rates,
    )


def _two_passes(
    source: Source,
    assumptions: Assumptions,
    policy: EvidencePolicy,
    examples: int,
    codes: Any,
    partitions: PartitionRunner,
) -> tuple[ValidationResult, Figures]:
    """The engine's pass with restore_runs checked by ``partitions``, then the derivations'
    (contract models, read in this process)."""
    tally = {table: nullable_columns(TABLE_MODELS[table]) for table in COUNTED_TABLES}
    engine = Engine(
        assumptions,
        codes=codes,
        count_applicable=codes,
        tally=tally,
        partitions=partitions,
    )
    result = engine.run(source)
    return result, collect(source, assumptions, policy, examples, counted=result.tallies)


__all__ = ("QUESTION_TITLES", "render_markdown", "truth_report")
