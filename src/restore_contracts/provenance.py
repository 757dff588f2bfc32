"""Provenance labels: how sure the toolkit is of each field and rule.

The Repo Truth Map labels every fact it records; the toolkit carries the same
labels (plus ``assumed`` for its own working assumptions) on every model field
and every derivation rule, so that an assumption can never pass for a fact.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Field

PROVENANCE_KEY = "x-provenance"
NOTE_KEY = "x-provenance-note"
VOCABULARY_KEY = "x-vocabulary"


class Provenance(StrEnum):
    """How a field or rule is known.

    The first five are the truth map's legend (``derived`` is its "derived
    from existing model", ``not-available`` its "not available"); ``assumed``
    marks this toolkit's working assumptions, and ``format`` marks rules about
    the export's encoding (JSON, UTF-8, CSV), which no application fact backs
    or needs to.
    """

    REPO_VERIFIED = "repo-verified"
    DERIVED = "derived"
    FOUNDATION_REAL = "foundation-real"
    NOT_AVAILABLE = "not-available"
    DEFERRED = "deferred"
    ASSUMED = "assumed"
    FORMAT = "format"


def field(
    provenance: Provenance,
    description: str,
    *,
    default: Any = ...,
    note: str | None = None,
    vocabulary: Iterable[str] | None = None,
    schema: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """A pydantic ``Field`` that carries its provenance into the JSON Schema.

    ``vocabulary`` lists an assumed set of values as an annotation
    (``x-vocabulary``) instead of an ``enum``: the values are checked by
    configurable validator rules, not baked into the contract as fact.
    ``schema`` adds keywords the model enforces but pydantic cannot express.
    """
    extra: dict[str, Any] = dict(schema or {})
    extra[PROVENANCE_KEY] = provenance.value
    if note is not None:
        extra[NOTE_KEY] = note
    if vocabulary is not None:
        extra[VOCABULARY_KEY] = list(vocabulary)
    return Field(default, description=description, json_schema_extra=extra, **kwargs)


class MissingProvenanceError(LookupError):
    """A field was declared without a provenance label (a bug in the contracts)."""


def provenance_of(model: type[BaseModel], name: str) -> Provenance:
    """The provenance label of one field of a contract model."""
    info = model.model_fields[name]
    extra = info.json_schema_extra
    if not isinstance(extra, dict) or PROVENANCE_KEY not in extra:
        raise MissingProvenanceError(f"{model.__name__}.{name} has no provenance label")
    return Provenance(str(extra[PROVENANCE_KEY]))


def note_of(model: type[BaseModel], name: str) -> str | None:
    """The provenance note of a field, if it has one (what exactly is assumed)."""
    extra = model.model_fields[name].json_schema_extra
    if isinstance(extra, dict) and NOTE_KEY in extra:
        return str(extra[NOTE_KEY])
    return None


def vocabulary_of(model: type[BaseModel], name: str) -> tuple[str, ...] | None:
    """The default (assumed) vocabulary annotated on a field, if any."""
    extra = model.model_fields[name].json_schema_extra
    if isinstance(extra, dict) and VOCABULARY_KEY in extra:
        values = extra[VOCABULARY_KEY]
        if isinstance(values, list):
            return tuple(str(v) for v in values)
    return None


def field_provenance(model: type[BaseModel]) -> dict[str, Provenance]:
    """Every field of a model with its label, in declaration order."""
    return {name: provenance_of(model, name) for name in model.model_fields}


def _nested_models(annotation: Any) -> list[tuple[type[BaseModel], str]]:
    """Models inside a field's type, each with the path step to reach one of its values."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return _nested_models(args[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, "")]
    if origin is Union or origin is types.UnionType:
        return [found for arg in args for found in _nested_models(arg)]
    if origin is list and args:
        return [(m, "[]" + step) for m, step in _nested_models(args[0])]
    if origin is dict and len(args) == 2:
        return [(m, ".*" + step) for m, step in _nested_models(args[1])]
    return []


def contract_fields(
    model: type[BaseModel], *, stop: tuple[type[BaseModel], ...] = (), prefix: str = ""
) -> Iterator[tuple[str, Provenance, str | None]]:
    """Every field of a model and of the models nested in it, by path, with label and note.

    A nested value of a map is reached as ``items.*.status``, an entry of a list as
    ``foundations[].type``. Models in ``stop`` (contracts listed on their own) are
    not descended into.
    """
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path, provenance_of(model, name), note_of(model, name)
        for nested, step in _nested_models(info.annotation):
            if nested is model or nested in stop:
                continue
            yield from contract_fields(nested, stop=stop, prefix=f"{path}{step}.")


__all__ = (
    "NOTE_KEY",
    "PROVENANCE_KEY",
    "VOCABULARY_KEY",
    "MissingProvenanceError",
    "Provenance",
    "contract_fields",
    "field",
    "field_provenance",
    "note_of",
    "provenance_of",
    "vocabulary_of",
)
