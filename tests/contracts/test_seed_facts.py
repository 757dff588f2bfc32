"""The truth map's labelled facts, read from tests/contracts/seed_facts.csv, hold in the toolkit.

Each row of the table names a fact, the line of the truth map that labels it
(``-`` for what the map does not name), the label it must carry and where the
toolkit carries it: a contract field by path, a rule code, a derivation row,
or the status groups. Any disagreement fails the test, all of them listed.

Lines with a label that the toolkit does not model are left out on purpose:
62 (the item outcome table, a UI view of results.items), 88 (UI link
helpers), 100-120 (the detail page, its tests and permissions) and 124
(RBAC, which the truth report states is not answerable from tables).
"""

from __future__ import annotations

import csv
from pathlib import Path

from restore_contracts.config import Assumptions
from restore_contracts.contracts import CONTRACTS
from restore_contracts.contracts.status import STATUS_GROUPS_PROVENANCE
from restore_contracts.derivations import derivation_tables
from restore_contracts.provenance import Provenance, contract_fields
from restore_contracts.validators.rules import RULES

TABLE = Path(__file__).with_name("seed_facts.csv")
SEED_LABELS = {"repo-verified", "derived", "foundation-real", "not-available", "deferred"}


def _facts() -> list[dict[str, str]]:
    with TABLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _label_of(target: str) -> str:
    """The toolkit's label of one target (``field:contract.path``, ``rule:RRnnn``, ...)."""
    kind, _, name = target.partition(":")
    if kind == "field":
        contract, _, path = name.partition(".")
        labels = {p: prov for p, prov, _ in contract_fields(CONTRACTS[contract])}
        return labels[path].value
    if kind == "rule":
        return RULES[name].provenance.value
    if kind == "derivation":
        table, _, row = name.partition("/")
        rows = {r.rule: r.provenance for r in derivation_tables(Assumptions())[table]}
        return rows[row].value
    if target == "status_groups":
        return STATUS_GROUPS_PROVENANCE.value
    raise AssertionError(f"unknown target {target!r} in {TABLE.name}")


class TestSeedFacts:
    """Every labelled fact of the truth map is modelled with the label the map gives it."""

    def test_every_fact_carries_its_label(self) -> None:
        """No row of seed_facts.csv disagrees with the toolkit's label for its target."""
        disagreements = [
            (row["seed_line"], row["target"], row["expected"], _label_of(row["target"]))
            for row in _facts()
            if _label_of(row["target"]) != row["expected"]
        ]
        assert disagreements == []

    def test_table_uses_only_known_labels_and_lines(self) -> None:
        """Labelled lines use the map's five labels; unnamed facts (``-``) are assumed or format."""
        wrong = [
            (row["seed_line"], row["expected"])
            for row in _facts()
            if not (
                (row["seed_line"].isdigit() and row["expected"] in SEED_LABELS)
                or (row["seed_line"] == "-" and row["expected"] in ("assumed", "format"))
            )
        ]
        assert wrong == []

    def test_all_five_seed_labels_are_used(self) -> None:
        """not-available and deferred are used, like the other three labels of the legend."""
        used = {row["expected"] for row in _facts() if row["seed_line"] != "-"}
        assert used == SEED_LABELS
        assert {p.value for p in Provenance} == SEED_LABELS | {"assumed", "format"}

    def test_nothing_unnamed_is_repo_verified(self) -> None:
        """Every field and rule labelled repo-verified cites a line; no derivation row is."""
        cited = {row["target"] for row in _facts() if row["seed_line"].isdigit()}
        uncited = [
            f"field:{name}.{path}"
            for name, model in CONTRACTS.items()
            for path, prov, _ in contract_fields(model, stop=tuple(CONTRACTS.values()))
            if prov is Provenance.REPO_VERIFIED and f"field:{name}.{path}" not in cited
        ]
        uncited += [
            f"rule:{code}"
            for code, entry in RULES.items()
            if entry.provenance is Provenance.REPO_VERIFIED and f"rule:{code}" not in cited
        ]
        uncited += [
            f"derivation:{table}/{row.rule}"
            for table, rows in derivation_tables(Assumptions()).items()
            for row in rows
            if row.provenance is Provenance.REPO_VERIFIED
        ]
        assert uncited == []
