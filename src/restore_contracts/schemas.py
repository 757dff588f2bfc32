"""JSON Schemas (draft 2020-12) generated from the contracts, and their drift check.

Two sets are published, both generated, never edited by hand:

- ``schemas/``: the decoded document, what JavaScript and PHP consumers see
  after the application (or ``json_decode``) has decoded a row: a JSON column
  is its object or array (or null where allowed), never text;
- ``schemas/export/``: one row of a table as text exports carry it (CSV,
  MySQL or SQLite text columns), where a JSON column may also be its JSON
  text. Only the row schemas differ; the documents inside JSON columns are
  the decoded set's, referenced by ``$id``.

A contract nested in another (the results of a run, the attention of a proof)
is referenced by its ``$id`` rather than copied, so a validator loads every
file of both sets (:func:`schema_registry`, or ajv's ``addSchema``) and
resolves each reference locally, without network access.
``restore-contracts schemas --check`` fails when a model changed and the
files were not regenerated.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no stubs installed
from pydantic import BaseModel
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from restore_contracts._io import atomic_write_bytes
from restore_contracts.contracts import CONTRACTS
from restore_contracts.provenance import NOTE_KEY, PROVENANCE_KEY, VOCABULARY_KEY

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = "urn:restore-contracts:schema:"
EXPORT_ID_PREFIX = "urn:restore-contracts:schema:export:"
ANNOTATION_KEYWORDS = (PROVENANCE_KEY, NOTE_KEY, VOCABULARY_KEY)
"""The ``x-`` keywords the schemas carry: annotations only, never constraints (ajv's
strict mode needs each one registered with ``addKeyword``)."""

_DEFS = "#/$defs/"


@dataclass(frozen=True, slots=True)
class SchemaSet:
    """One published set of schemas: where its files go, their ``$id``s, which encodings."""

    name: str
    directory: str
    """Folder under ``schemas/`` ('' for the decoded set)."""
    id_prefix: str
    json_text: bool
    """Whether a JSON column may also be its JSON text."""
    contracts: tuple[str, ...]

    def filename(self, name: str) -> str:
        """Relative file name of one contract's schema in this set."""
        return f"{self.directory}{name}.schema.json"

    def schema_id(self, name: str) -> str:
        """The ``$id`` of one contract's schema in this set."""
        return f"{self.id_prefix}{name}"


ROW_CONTRACTS = (
    "workspace",
    "managed_environment",
    "backup_set",
    "backup_item",
    "operation_run",
    "restore_run",
    "evidence_snapshot",
    "restore_run_proof",
)
"""Contracts of a table row (the derived view ``restore_run_proofs`` included)."""

DECODED = SchemaSet("decoded", "", ID_PREFIX, json_text=False, contracts=tuple(CONTRACTS))
EXPORT = SchemaSet("export", "export/", EXPORT_ID_PREFIX, json_text=True, contracts=ROW_CONTRACTS)
SCHEMA_SETS = (DECODED, EXPORT)

_CONTRACT_OF_DEF = {model.__name__: name for name, model in CONTRACTS.items()}


def schema_for(name: str, model: type[BaseModel]) -> dict[str, Any]:
    """One self-contained schema of everything the model reads (JSON columns as text too).

    This is the model's own view, used to test that schema and model accept the
    same documents; the published files come from :func:`published_schema`.
    """
    return _with_head(
        name, ID_PREFIX, model, model.model_json_schema(ref_template=_DEFS + "{model}")
    )


def published_schema(name: str, schema_set: SchemaSet) -> dict[str, Any]:
    """The published schema of one contract in one set: nested contracts referenced by $id."""
    model = CONTRACTS[name]
    body = model.model_json_schema(ref_template=_DEFS + "{model}")
    if not schema_set.json_text:
        body = _without_json_text(body)
    body = _linked(body)
    return _with_head(name, schema_set.id_prefix, model, body)


def _with_head(
    name: str, prefix: str, model: type[BaseModel], body: dict[str, Any]
) -> dict[str, Any]:
    """$schema, $id, title and description first, then the body."""
    head: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": f"{prefix}{name}",
        "title": body.pop("title", model.__name__),
        "description": " ".join((model.__doc__ or "").split()),
    }
    body.pop("description", None)
    return head | body


def _is_json_text(branch: Any) -> bool:
    """The alternative a JSON column offers for its value encoded as JSON text."""
    return (
        isinstance(branch, dict)
        and branch.get("type") == "string"
        and branch.get("contentMediaType") == "application/json"
    )


def _without_json_text(node: Any) -> Any:
    """A copy of a schema where no JSON column accepts JSON text: only the decoded value.

    The one remaining alternative takes the place of the ``anyOf`` (its keywords
    in the ``anyOf``'s position), so the field reads as if it had never had one.
    """
    if isinstance(node, list):
        return [_without_json_text(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _without_json_text(value) for key, value in node.items()}
    branches = out.get("anyOf")
    if not isinstance(branches, list) or not any(_is_json_text(b) for b in branches):
        return out
    kept = [branch for branch in branches if not _is_json_text(branch)]
    if len(kept) != 1 or not isinstance(kept[0], dict) or kept[0].keys() & (out.keys() - {"anyOf"}):
        out["anyOf"] = kept
        return out
    merged: dict[str, Any] = {}
    for key, value in out.items():
        if key == "anyOf":
            merged.update(kept[0])
        else:
            merged[key] = value
    return merged


def _refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` value in a schema fragment."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _relinked(node: Any) -> Any:
    """A copy where a reference to another contract's definition names that contract's $id."""
    if isinstance(node, list):
        return [_relinked(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _relinked(value) for key, value in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith(_DEFS):
        contract = _CONTRACT_OF_DEF.get(ref.removeprefix(_DEFS))
        if contract is not None:
            out["$ref"] = DECODED.schema_id(contract)
    return out


def _linked(body: dict[str, Any]) -> dict[str, Any]:
    """Nested contracts referenced by $id; only the definitions still used are kept."""
    defs = body.pop("$defs", {})
    linked = _relinked(body)
    kept = {name: _relinked(d) for name, d in defs.items() if name not in _CONTRACT_OF_DEF}
    reachable: set[str] = set()
    todo = [ref.removeprefix(_DEFS) for ref in _refs(linked) if ref.startswith(_DEFS)]
    while todo:
        name = todo.pop()
        if name in reachable or name not in kept:
            continue
        reachable.add(name)
        todo += [r.removeprefix(_DEFS) for r in _refs(kept[name]) if r.startswith(_DEFS)]
    used = {name: d for name, d in kept.items() if name in reachable}
    if not used:
        return dict(linked)
    # $defs stays where pydantic puts it: first, before the properties
    return {"$defs": used} | dict(linked)


def render(schema: dict[str, Any]) -> bytes:
    """Stable bytes for a schema: two-space indent, key order kept, trailing newline."""
    return (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def json_schema_files() -> dict[str, bytes]:
    """Relative file name -> bytes for every published JSON Schema, the decoded set first."""
    return {
        schema_set.filename(name): render(published_schema(name, schema_set))
        for schema_set in SCHEMA_SETS
        for name in schema_set.contracts
    }


def expected_files() -> dict[str, bytes]:
    """File name -> bytes for every published schema of both sets, then the SQL DDL."""
    from restore_contracts.db.ddl import sql_files  # SQLAlchemy, loaded only when needed

    return json_schema_files() | sql_files()


def file_counts() -> str:
    """What ``schemas --check`` found matching, per kind of file."""
    sql = len(expected_files()) - sum(len(s.contracts) for s in SCHEMA_SETS)
    return (
        f"{len(DECODED.contracts)} decoded-document schemas, "
        f"{len(EXPORT.contracts)} export schemas ({EXPORT.directory}) and {sql} SQL files"
    )


def write_schemas(out: Path, progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Write every schema into ``out`` (atomically, file by file); return the paths.

    ``progress`` is told the files written so far and how many there are, after each.
    """
    written = []
    files = expected_files()
    for filename, data in files.items():
        path = out / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        written.append(path)
        if progress is not None:
            progress(len(written), len(files))
    return written


@dataclass(frozen=True, slots=True)
class Drift:
    """One schema file that differs from what the models generate."""

    filename: str
    reason: str


def check_schemas(directory: Path) -> list[Drift]:
    """Every file in ``directory`` that is missing, stale or not generated by the models."""
    expected = expected_files()
    drifts = []
    for filename, data in expected.items():
        path = directory / filename
        if not path.is_file():
            drifts.append(Drift(filename, "missing"))
        elif path.read_bytes() != data:
            drifts.append(Drift(filename, "differs from the models"))
    if directory.is_dir():
        patterns = [f"{s.directory}*.schema.json" for s in SCHEMA_SETS] + ["sql/*.sql"]
        for pattern in patterns:
            for path in sorted(directory.glob(pattern)):
                name = path.relative_to(directory).as_posix()
                if name not in expected:
                    drifts.append(Drift(name, "not generated by any model"))
    return drifts


def schema_registry(directory: Path | None = None) -> Registry[Any]:
    """Every published schema of both sets by its $id, resolved locally (no network).

    From the files under ``directory`` (as a consumer loads them), or as the
    models generate them when no directory is given.
    """
    if directory is None:
        documents: list[Mapping[str, Any]] = [
            published_schema(name, s) for s in SCHEMA_SETS for name in s.contracts
        ]
    else:
        documents = [
            json.loads((directory / s.filename(name)).read_text(encoding="utf-8"))
            for s in SCHEMA_SETS
            for name in s.contracts
        ]
    resources = [
        (str(doc["$id"]), Resource.from_contents(doc, default_specification=DRAFT202012))
        for doc in documents
    ]
    return Registry().with_resources(resources)


def validator_for(
    name: str, schema_set: SchemaSet = DECODED, registry: Registry[Any] | None = None
) -> Draft202012Validator:
    """A draft 2020-12 validator of one contract in one set, references resolved locally."""
    registry = registry if registry is not None else schema_registry()
    schema = registry.contents(schema_set.schema_id(name))
    return Draft202012Validator(schema, registry=registry)


__all__ = (
    "ANNOTATION_KEYWORDS",
    "DECODED",
    "DIALECT",
    "EXPORT",
    "EXPORT_ID_PREFIX",
    "ID_PREFIX",
    "ROW_CONTRACTS",
    "SCHEMA_SETS",
    "Drift",
    "SchemaSet",
    "check_schemas",
    "expected_files",
    "file_counts",
    "json_schema_files",
    "published_schema",
    "render",
    "schema_for",
    "schema_registry",
    "validator_for",
    "write_schemas",
)
