"""The rule catalogue: complete entries, stable codes, the rules command and docs/rules.md."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.provenance import Provenance
from restore_contracts.validators.catalogue import catalogue_markdown
from restore_contracts.validators.rules import RULES, Family, selected_codes
from restore_contracts.validators.tables import ROW_MODELS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


class TestCatalogue:
    def test_codes_are_sorted_and_in_their_family(self) -> None:
        """Codes are RRnnn, listed in order, and their hundreds digit names their family."""
        families = {"0": "parse", "1": "row-shape", "2": "lifecycle", "3": "results"}
        families |= {"4": "attention", "5": "operation-run", "6": "evidence", "7": "references"}
        assert sorted(RULES) == list(RULES)
        assert {code: families[code[2]] for code in RULES} == {
            code: entry.family.value for code, entry in RULES.items()
        }

    def test_every_rule_says_why_and_names_known_tables(self) -> None:
        """Each rule has a title, a why sentence, a provenance label and known tables."""
        for entry in RULES.values():
            assert entry.title, entry.code
            assert entry.why.endswith((".", ")")), entry.code
            assert isinstance(entry.provenance, Provenance)
            assert set(entry.tables) <= set(ROW_MODELS), entry.code

    def test_every_family_has_rules(self) -> None:
        """Each of the eight families has at least one rule."""
        assert set(Family) == {entry.family for entry in RULES.values()}

    def test_selection_by_code_and_prefix(self) -> None:
        """--select takes codes and prefixes; --ignore removes from the selection."""
        chosen = selected_codes(["RR3", "rr501"], ["RR31"])
        expected = {c for c in RULES if c.startswith("RR3") and not c.startswith("RR31")}
        assert expected | {"RR501"} == set(chosen)

    def test_docs_rules_md_is_generated_from_the_catalogue(self) -> None:
        """docs/rules.md is exactly what the catalogue renders (regenerate it, never edit it)."""
        assert catalogue_markdown() == DOCS.read_text(encoding="utf-8")


class TestRulesCommand:
    def test_json_lists_every_field_of_a_rule(self) -> None:
        """`rules RR506 --format json` prints the rule's whole catalogue entry."""
        result = CliRunner().invoke(cli, ["rules", "RR506", "--format", "json"])
        expected = 0
        assert expected == result.exit_code
        entry = RULES["RR506"]
        assert [
            {
                "code": "RR506",
                "title": entry.title,
                "family": "operation-run",
                "severity": "info",
                "default_severity": "info",
                "provenance": "foundation-real",
                "note": entry.note,
                "tables": ["restore_runs"],
                "reads": ["is_dry_run", "operation_run_id", "status"],
                "why": entry.why,
            }
        ] == orjson.loads(result.output)

    def test_config_overrides_the_severity_shown(self, tmp_path: Path) -> None:
        """A severity override in the configuration shows in the catalogue."""
        config = tmp_path / "restore-contracts.toml"
        config.write_text('[severity]\nRR506 = "error"\n', encoding="utf-8")
        result = CliRunner().invoke(
            cli, ["--config", str(config), "rules", "RR506", "--format", "json"]
        )
        expected = ("error", "info")
        assert expected == (
            orjson.loads(result.output)[0]["severity"],
            orjson.loads(result.output)[0]["default_severity"],
        )

    def test_text_names_family_prefix(self) -> None:
        """A prefix prints every rule of that family, one block each."""
        result = CliRunner().invoke(cli, ["rules", "RR6"])
        expected = 0
        assert expected == result.exit_code
        heads = [line.split()[0] for line in result.output.splitlines() if line.startswith("RR")]
        assert [c for c in RULES if c.startswith("RR6")] == heads

    def test_unknown_code_is_a_one_line_error(self) -> None:
        """An unknown code exits 2 with one line naming the range of codes."""
        result = CliRunner().invoke(cli, ["rules", "RR999"])
        expected = 2
        assert expected == result.exit_code
        assert f"Error: no rule 'RR999'; codes run {min(RULES)}..{max(RULES)}\n" == result.output

    def test_check_reports_drift(self, tmp_path: Path) -> None:
        """`rules --check FILE` passes on the generated file and exits 1 on an edited one."""
        target = tmp_path / "rules.md"
        runner = CliRunner()
        expected = 0
        assert (
            expected
            == runner.invoke(cli, ["rules", "--format", "markdown", "--out", str(target)]).exit_code
        )
        expected = 0
        assert expected == runner.invoke(cli, ["rules", "--check", str(target)]).exit_code
        target.write_text(target.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
        expected = 1
        assert expected == runner.invoke(cli, ["rules", "--check", str(target)]).exit_code
