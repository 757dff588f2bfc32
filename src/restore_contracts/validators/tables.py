"""The tables the validators know: their row models, primary keys and reading order.

The persisted tables come from the contracts; ``restore_run_proofs`` is the
derived view generators can export beside them (never columns of
``restore_runs``). Referenced tables are read before ``restore_runs`` so the
cross-table rules can look rows up while the runs stream by.
"""

from __future__ import annotations

from pydantic import BaseModel

from restore_contracts.contracts import TABLE_MODELS, RestoreRunProof
from restore_contracts.contracts._types import JsonText

WORKSPACES = "workspaces"
ENVIRONMENTS = "managed_environments"
BACKUP_SETS = "backup_sets"
BACKUP_ITEMS = "backup_items"
OPERATION_RUNS = "operation_runs"
RESTORE_RUNS = "restore_runs"
EVIDENCE = "evidence_snapshots"
PROOFS = "restore_run_proofs"

ROW_MODELS: dict[str, type[BaseModel]] = {**TABLE_MODELS, PROOFS: RestoreRunProof}
"""Every table the validators check, with its row model."""

READ_ORDER: tuple[str, ...] = (
    WORKSPACES,
    ENVIRONMENTS,
    BACKUP_SETS,
    BACKUP_ITEMS,
    OPERATION_RUNS,
    EVIDENCE,
    PROOFS,
    RESTORE_RUNS,
)
"""Referenced tables first, the streamed restore runs last."""

PRIMARY_KEYS: dict[str, str] = dict.fromkeys(ROW_MODELS, "id") | {PROOFS: "restore_run_id"}


def json_columns(model: type[BaseModel]) -> frozenset[str]:
    """Columns a model accepts as JSON text (their text must parse as JSON)."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if any(isinstance(meta, JsonText) for meta in info.metadata)
    )


JSON_COLUMNS: dict[str, frozenset[str]] = {t: json_columns(m) for t, m in ROW_MODELS.items()}
COLUMNS: dict[str, frozenset[str]] = {t: frozenset(m.model_fields) for t, m in ROW_MODELS.items()}

assert set(READ_ORDER) == set(ROW_MODELS), "every known table has a place in the reading order"

__all__ = (
    "BACKUP_ITEMS",
    "BACKUP_SETS",
    "COLUMNS",
    "ENVIRONMENTS",
    "EVIDENCE",
    "JSON_COLUMNS",
    "OPERATION_RUNS",
    "PRIMARY_KEYS",
    "PROOFS",
    "READ_ORDER",
    "RESTORE_RUNS",
    "ROW_MODELS",
    "WORKSPACES",
    "json_columns",
)
