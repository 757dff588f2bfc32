"""ajv (JavaScript, draft 2020-12, strict mode) and the Python validator agree on every document.

The coverage set and every mutation are validated against the committed
schema files by jsonschema's Draft202012Validator (references resolved through
a local registry) and by ajv in one node process (tests/compat/js, ajv pinned
in its lock file). Both must give every document the same verdict and name the
same failing columns; which mutations a schema can see at all is asserted as
a whole table, so a rule the schemas start or stop catching is a reviewed change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from restore_contracts.contracts import CONTRACTS
from restore_contracts.generators import World, build_coverage, build_scenario
from restore_contracts.generators.mutations import MUTATIONS, mutate
from restore_contracts.schemas import (
    ANNOTATION_KEYWORDS,
    DECODED,
    EXPORT,
    SchemaSet,
    schema_registry,
    validator_for,
)
from restore_contracts.validators.tables import JSON_COLUMNS, ROW_MODELS

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
JS = Path(__file__).parent / "js"
SEED = 1

SCHEMA_OF = {
    table: name
    for table, model in ROW_MODELS.items()
    for name, m in CONTRACTS.items()
    if m is model
}
"""Table -> the contract (schema file) of its rows."""

Document = tuple[str, SchemaSet, str, Any]
"""(where, schema set, contract, document)."""
Verdicts = dict[str, list[str]]
"""where -> the failing columns as JSON pointers ('' for the row itself); valid rows absent."""


def ajv_unavailable() -> str | None:
    """Why ajv cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed (CI installs it: apt-get install nodejs npm)"
    if not (JS / "node_modules" / "ajv" / "package.json").is_file():
        return "ajv is not installed: run `npm ci` in tests/compat/js"
    return None


def require_ajv() -> None:
    """Skip with the reason when ajv cannot run; under CI (CI=true) fail instead."""
    reason = ajv_unavailable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI requires the ajv compatibility test: {reason}")
        pytest.skip(reason)


def run_ajv(documents: list[Document]) -> Verdicts:
    """ajv's verdicts on every document, from one node process."""
    request = {
        "directories": [str(SCHEMAS), str(SCHEMAS / EXPORT.directory)],
        "annotations": list(ANNOTATION_KEYWORDS),
        "documents": [[s.schema_id(name), doc] for _, s, name, doc in documents],
    }
    done = subprocess.run(
        ["node", str(JS / "validate.mjs")],
        input=orjson.dumps(request),
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert (done.returncode, done.stderr.decode()) == (0, "")
    results = json.loads(done.stdout)
    assert len(results) == len(documents)
    verdicts: Verdicts = {}
    for (where, *_), errors in zip(documents, results, strict=True):
        if errors is not None:
            verdicts[where] = sorted({_column(e["instancePath"]) for e in errors})
    return verdicts


def _column(pointer: str) -> str:
    """The row-level part of a JSON pointer: '/results/items/12/status' -> '/results'."""
    return "/" + pointer.split("/")[1] if pointer else ""


def run_python(documents: list[Document]) -> Verdicts:
    """jsonschema's verdicts on every document, from the committed files."""
    registry = schema_registry(SCHEMAS)
    validators = {
        (s.name, name): validator_for(name, s, registry)
        for s in (DECODED, EXPORT)
        for name in s.contracts
    }
    verdicts: Verdicts = {}
    for where, s, name, doc in documents:
        errors = list(validators[(s.name, name)].iter_errors(doc))
        if errors:
            verdicts[where] = sorted(
                {"/" + str(e.absolute_path[0]) if e.absolute_path else "" for e in errors}
            )
    return verdicts


def rows_of(world: World, label: str, schema_set: SchemaSet) -> list[Document]:
    """Every row of a world as a document of its table's contract."""
    return [
        (f"{label}/{table}/{index}", schema_set, SCHEMA_OF[table], row)
        for table, rows in world.tables.items()
        for index, row in enumerate(rows)
    ]


def as_json_text(row: dict[str, Any], table: str) -> dict[str, Any]:
    """A row as a text export carries it: each JSON column that is not null as its JSON text."""
    return {
        column: orjson.dumps(value).decode()
        if column in JSON_COLUMNS[table] and value is not None
        else value
        for column, value in row.items()
    }


@pytest.fixture(scope="module")
def coverage() -> list[World]:
    """The coverage set, the derived view included."""
    from restore_contracts.generators import proof_rows

    worlds = list(build_coverage(SEED))
    for world in worlds:
        world.tables["restore_run_proofs"] = proof_rows(world)
    return worlds


@pytest.fixture(scope="module")
def mutated() -> dict[str, World]:
    """Every mutation applied to its base scenario."""
    return {
        code: mutate(build_scenario(m.base_scenario, SEED), code) for code, m in MUTATIONS.items()
    }


@pytest.fixture(scope="module")
def verdicts(
    coverage: list[World], mutated: dict[str, World]
) -> Callable[[], tuple[list[Document], Verdicts, Verdicts]]:
    """All documents, then the verdicts of jsonschema and of ajv (one node run)."""
    require_ajv()
    documents: list[Document] = []
    for world in coverage:
        documents += rows_of(world, f"coverage/{world.name}", DECODED)
        text = World(
            world.name,
            {t: [as_json_text(r, t) for r in rows] for t, rows in world.tables.items()},
        )
        documents += rows_of(text, f"text/{world.name}", EXPORT)
        documents += rows_of(text, f"text-as-decoded/{world.name}", DECODED)
    for code, world in mutated.items():
        documents += rows_of(world, f"{code}/decoded", DECODED)
        documents += rows_of(world, f"{code}/export", EXPORT)
    python = run_python(documents)
    ajv = run_ajv(documents)
    return lambda: (documents, python, ajv)


SEEN: Verdicts = {
    "RR101/decoded/restore_runs/0": ["/status"],
    "RR101/export/restore_runs/0": ["/status"],
    "RR102/decoded/restore_runs/0": ["/results"],
    "RR106/decoded/restore_runs/0": ["/metadata"],
    "RR106/export/restore_runs/0": ["/metadata"],
    "RR107/decoded/restore_runs/0": ["/results"],
    "RR107/export/restore_runs/0": ["/results"],
    "RR108/decoded/restore_runs/0": ["/requested_items"],
    "RR108/export/restore_runs/0": ["/requested_items"],
    "RR109/decoded/restore_runs/0": ["/metadata"],
}
"""Every row a mutation makes invalid, per schema set, with its failing column. The export
set reads RR102's and RR109's strings as JSON text: only a JSON parser can tell (RR102) or
a second decode (RR109), which JSON Schema's annotation-only contentMediaType never does."""

CROSS_ROW = "cross-row or cross-table: a schema sees one document"
CROSS_FIELD = "between columns of one row, or between a row and its JSON columns"
VOCABULARY = "assumed value set: an x-vocabulary annotation, never an enum"
OPTIONAL = "assumed key: optional in the contract"
DERIVED = "a value of the derived view compared with the derivation"
ALLOWED = "a valid row the validators report on: legacy status, unknown column, missing link"
UNSEEN = {
    "RR006": CROSS_ROW,
    "RR103": ALLOWED,
    "RR104": ALLOWED,
    **dict.fromkeys(
        ["RR201", "RR202", "RR203", "RR204", "RR205", "RR206", "RR207", "RR208", "RR209"],
        CROSS_FIELD,
    ),
    "RR210": CROSS_FIELD,
    "RR211": CROSS_FIELD,
    "RR212": CROSS_ROW,
    **dict.fromkeys(["RR301", "RR302", "RR303", "RR304", "RR305"], CROSS_FIELD),
    **dict.fromkeys(["RR306", "RR307", "RR308"], VOCABULARY),
    **dict.fromkeys(["RR309", "RR310", "RR311", "RR312", "RR313"], CROSS_FIELD),
    **dict.fromkeys(["RR314", "RR315", "RR316"], OPTIONAL),
    **dict.fromkeys(["RR401", "RR402", "RR403"], DERIVED),
    "RR404": CROSS_ROW,
    "RR405": VOCABULARY,
    "RR406": DERIVED,
    "RR407": DERIVED,
    **dict.fromkeys(["RR501", "RR502", "RR503"], CROSS_ROW),
    "RR504": VOCABULARY,
    "RR505": VOCABULARY,
    "RR506": ALLOWED,
    "RR601": CROSS_ROW,
    "RR602": CROSS_ROW,
    "RR603": VOCABULARY,
    "RR604": VOCABULARY,
    "RR605": CROSS_ROW,
    **dict.fromkeys(
        ["RR701", "RR702", "RR703", "RR704", "RR705", "RR706", "RR707", "RR708"], CROSS_ROW
    ),
}
"""Mutations no schema can see, each with the reason: every row stays valid in both sets."""


def _only(verdicts: Verdicts, prefix: str) -> Verdicts:
    return {where: cols for where, cols in verdicts.items() if where.startswith(prefix)}


def _of_mutations(verdicts: Verdicts) -> Verdicts:
    return {where: cols for where, cols in verdicts.items() if where.split("/")[0] in MUTATIONS}


class TestAjvAgrees:
    """ajv and jsonschema, loading the same committed files, agree on every document."""

    def test_same_verdict_and_columns_on_every_document(
        self, verdicts: Callable[[], tuple[list[Document], Verdicts, Verdicts]]
    ) -> None:
        """Every document gets the same verdict and the same failing columns from both."""
        documents, python, ajv = verdicts()
        assert len(documents) > 2000
        assert python == ajv

    def test_coverage_set_is_valid(
        self, verdicts: Callable[[], tuple[list[Document], Verdicts, Verdicts]]
    ) -> None:
        """Every row of the coverage set is valid decoded, and valid as JSON text in export/."""
        _, python, ajv = verdicts()
        expected: Verdicts = {}
        assert (expected, expected) == (_only(python, "coverage/"), _only(ajv, "coverage/"))
        assert (expected, expected) == (_only(python, "text/"), _only(ajv, "text/"))

    def test_json_text_is_not_a_decoded_document(
        self,
        coverage: list[World],
        verdicts: Callable[[], tuple[list[Document], Verdicts, Verdicts]],
    ) -> None:
        """Against the decoded set, a row fails at exactly each JSON column given as text."""
        _, python, ajv = verdicts()
        expected = {
            f"text-as-decoded/{world.name}/{table}/{index}": columns
            for world in coverage
            for table, rows in world.tables.items()
            for index, row in enumerate(rows)
            if (columns := sorted(f"/{c}" for c in JSON_COLUMNS[table] if row.get(c) is not None))
        }
        assert len(expected) > 100
        prefix = "text-as-decoded/"
        assert (expected, expected) == (_only(python, prefix), _only(ajv, prefix))

    def test_mutations_the_schemas_see(
        self, verdicts: Callable[[], tuple[list[Document], Verdicts, Verdicts]]
    ) -> None:
        """Each mutation a schema can see is rejected by both, at its column, in each set."""
        _, python, ajv = verdicts()
        assert (_of_mutations(python), _of_mutations(ajv)) == (SEEN, SEEN)

    def test_every_mutation_is_seen_or_listed_as_unseen(self) -> None:
        """Each mutation either appears in SEEN or is listed in UNSEEN with its reason."""
        seen = {where.split("/")[0] for where in SEEN}
        assert (seen & UNSEEN.keys(), sorted(seen | UNSEEN.keys())) == (set(), sorted(MUTATIONS))


def page_js_example() -> tuple[str, str]:
    """docs/contracts.md's ajv example and the output it shows (the ```text block after it)."""
    page = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    start = page.index("```js\n", page.index("## JSON Schemas")) + len("```js\n")
    end = page.index("```\n", start)
    shown = page.index("```text\n", end) + len("```text\n")
    return page[start:end], page[shown : page.index("```\n", shown)]


class TestPageExample:
    """The JavaScript example of docs/contracts.md runs as shown."""

    def test_example_prints_what_the_page_shows(self, tmp_path: Path) -> None:
        """Run from the repository root with the pinned ajv, it prints the output the page shows."""
        require_ajv()
        code, shown = page_js_example()
        (tmp_path / "node_modules").symlink_to(JS / "node_modules")
        (tmp_path / "example.mjs").write_text(code, encoding="utf-8")
        done = subprocess.run(
            ["node", str(tmp_path / "example.mjs")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (done.returncode, done.stderr, done.stdout) == (0, "", shown)


class TestWithoutAjv:
    """Where ajv cannot run, the test says why: a skip locally, a failure under CI."""

    def test_no_node_skips_with_reason(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without node on PATH and outside CI, the tests skip naming what is missing."""
        monkeypatch.setattr(shutil, "which", lambda _: None)
        monkeypatch.delenv("CI", raising=False)
        with pytest.raises(pytest.skip.Exception) as skipped:
            require_ajv()
        assert str(skipped.value) == (
            "node is not installed (CI installs it: apt-get install nodejs npm)"
        )

    def test_no_modules_fails_under_ci(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """Under CI=true, ajv not installed is a failure that says how to install it."""
        monkeypatch.setattr(shutil, "which", lambda _: "/usr/bin/node")
        monkeypatch.setattr(sys.modules[__name__], "JS", tmp_path)
        monkeypatch.setenv("CI", "true")
        with pytest.raises(pytest.fail.Exception) as failed:
            require_ajv()
        assert str(failed.value) == (
            "CI requires the ajv compatibility test: "
            "ajv is not installed: run `npm ci` in tests/compat/js"
        )


class TestKnownGap:
    """The one disagreement JavaScript cannot avoid, pinned so that it stays visible."""

    def test_id_beyond_double_precision(self) -> None:
        """JSON.parse reads 2**63 as the double 2**63-1 rounds to: ajv accepts the id above the
        maximum that jsonschema rejects; ids below 2**53 are exact in both."""
        require_ajv()
        documents: list[Document] = [
            ("2**63", DECODED, "workspace", {"id": 2**63, "name": "w"}),
            ("2**63-1", DECODED, "workspace", {"id": 2**63 - 1, "name": "w"}),
            ("2**53+1", DECODED, "workspace", {"id": 2**53 + 1, "name": "w"}),
        ]
        assert (run_python(documents), run_ajv(documents)) == ({"2**63": ["/id"]}, {})
