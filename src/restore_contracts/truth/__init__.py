"""The truth report: the truth map's open questions answered from real data."""

from __future__ import annotations

from datetime import date
from typing import Any

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.truth.collect import collect
from restore_contracts.truth.markdown import render_markdown
from restore_contracts.truth.report import QUESTION_TITLES, build_report
from restore_contracts.validators.source import Source


def truth_report(
    source: Source,
    assumptions: Assumptions,
    *,
    report_date: date,
    policy: EvidencePolicy | None = None,
    examples: int = 5,
    hold_rates: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Answer every question from one streaming pass over ``source``."""
    chosen = policy or assumptions.evidence_policy
    figures = collect(source, assumptions, chosen, examples)
    return build_report(
        figures,
        assumptions,
        source_name=source.name,
        policy=chosen,
        report_date=report_date,
        hold_rates=hold_rates,
    )


__all__ = ("QUESTION_TITLES", "render_markdown", "truth_report")
