"""The model path as the fast path's oracle: what the pydantic model makes of a row.

The engine hands a row to the rules either as the fast path normalised it or as
the model dumped it. The two must agree on what is accepted and on the row. One
difference is by design and removed here: inside the typed JSON objects (item
outcomes, bases, ...) the model keeps keys the contract does not name while the
fast path drops them; no rule reads them. Columns the contract does not name
are kept by both.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from pydantic import BaseModel, ValidationError

from restore_contracts.contracts._types import timestamp_context
from restore_contracts.validators.tables import ROW_MODELS


def _named(model: BaseModel, dumped: dict[str, Any], *, top: bool) -> dict[str, Any]:
    extra = set(model.model_extra or ()) if not top else set()
    return {
        name: _walk(getattr(model, name), value)
        for name, value in dumped.items()
        if name not in extra
    }


def _walk(value: Any, dumped: Any) -> Any:
    if isinstance(value, BaseModel):
        return _named(value, dumped, top=False)
    if isinstance(value, dict) and isinstance(dumped, dict):
        return {key: _walk(value[key], item) for key, item in dumped.items()}
    if isinstance(value, list) and isinstance(dumped, list):
        return [_walk(v, d) for v, d in zip(value, dumped, strict=True)]
    return dumped


def model_row(table: str, data: Any, zone: tzinfo | None = None) -> dict[str, Any] | None:
    """The row as the model normalises it (None when the model rejects it), in the fast
    path's shape: every column of the contract, nested objects with the keys they carried."""
    model_type = ROW_MODELS[table]
    try:
        model = model_type.model_validate(data, context=timestamp_context(zone))
    except ValidationError:
        return None
    dumped = model.model_dump(mode="json", exclude_unset=True)
    columns = dict.fromkeys(model_type.model_fields)
    return columns | _named(model, dumped, top=True)


__all__ = ("model_row",)
