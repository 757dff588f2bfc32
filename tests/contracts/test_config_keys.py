"""Configuration errors name the key as the user's file spells it, and only documented keys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from restore_contracts.config import Assumptions, build_assumptions, load_assumptions
from restore_contracts.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def _error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_assumptions(path)
    return caught.value.format_message()


@pytest.mark.parametrize(
    ("name", "text", "key"),
    [
        ("restore-contracts.toml", 'timezone = "Mars/Base"\n', "timezone"),
        (
            "restore-contracts.toml",
            '[tool.restore-contracts]\ntimezone = "Mars/Base"\n',
            "tool.restore-contracts.timezone",
        ),
        (
            "pyproject.toml",
            '[tool.restore-contracts]\ntimezone = "Mars/Base"\n',
            "tool.restore-contracts.timezone",
        ),
        ("other.toml", 'timezone = "Mars/Base"\n', "timezone"),
    ],
)
def test_key_is_spelled_as_in_the_file(tmp_path: Path, name: str, text: str, key: str) -> None:
    """Top-level keys are named bare, keys under [tool.restore-contracts] with that prefix."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert _error(path) == (
        f"{path}: {key}: unknown timezone 'Mars/Base' (expected an IANA name such as "
        "'Europe/Berlin')"
    )


def test_a_misspelt_key_gets_the_nearest_documented_one(tmp_path: Path) -> None:
    """An unknown key close to a real one names that key instead of pydantic's wording."""
    path = tmp_path / "restore-contracts.toml"
    path.write_text('evidence_polcy = "latest_any"\n', encoding="utf-8")
    assert _error(path) == f"{path}: evidence_polcy: unknown key; did you mean evidence_policy?"


def test_an_unknown_key_lists_only_documented_keys(tmp_path: Path) -> None:
    """With no near miss, the keys are listed, and docs/configuration.md documents each one."""
    path = tmp_path / "restore-contracts.toml"
    path.write_text("zzz = 1\n", encoding="utf-8")
    message = _error(path)
    prefix = f"{path}: zzz: unknown key; the keys are: "
    assert message.startswith(prefix)
    listed = message.removeprefix(prefix).split(", ")
    assert listed == sorted(Assumptions.model_fields)
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\[?([a-z_]+) = ", page, flags=re.MULTILINE))
    documented |= set(re.findall(r"\[tool\.restore-contracts\.([a-z_]+)\]", page))
    documented |= set(re.findall(r"^\[([a-z_]+)\]$", page, flags=re.MULTILINE))
    assert [key for key in listed if key not in documented] == []


def test_unknown_rule_code_in_severity_names_the_file_and_key(tmp_path: Path) -> None:
    """An unknown code under severity is refused at load, with the file and the key as written."""
    own = tmp_path / "restore-contracts.toml"
    own.write_text('[severity]\nRR999 = "error"\n', encoding="utf-8")
    assert _error(own) == f"{own}: severity: unknown rule code(s) ['RR999']"
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.restore-contracts.severity]\nRR999 = "error"\n', encoding="utf-8")
    assert _error(pyproject) == (
        f"{pyproject}: tool.restore-contracts.severity: unknown rule code(s) ['RR999']"
    )


def test_a_whole_file_check_at_the_top_level_has_no_empty_key() -> None:
    """A check about the whole configuration, without a prefix, reads 'source: message'."""
    with pytest.raises(ConfigError) as caught:
        build_assumptions({"tones": {"failed": "red"}}, source="cfg", prefix="")
    assert caught.value.format_message() == "cfg: tone 'red' is not in tone_vocabulary"
