"""Validators: stream exports through the contracts and the rule catalogue, report findings.

Data flows one way: a :class:`Source` yields records, each row is checked
against its model (fast path for canonical rows) and the rules, findings are
collected, and a reporter renders them.
"""

from __future__ import annotations

from restore_contracts.validators.engine import Engine, ValidationResult, validate
from restore_contracts.validators.findings import Finding, Hit
from restore_contracts.validators.readers import open_source, open_sources
from restore_contracts.validators.rules import RULES, Rule, selected_codes
from restore_contracts.validators.source import ParseProblem, Record, Source

__all__ = (
    "RULES",
    "Engine",
    "Finding",
    "Hit",
    "ParseProblem",
    "Record",
    "Rule",
    "Source",
    "ValidationResult",
    "open_source",
    "open_sources",
    "selected_codes",
    "validate",
)
