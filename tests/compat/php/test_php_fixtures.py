"""``generate --format php`` read by real PHP: every file loads and says what the JSON says.

All files of a run go through one php process (load_fixtures.php); the
seeder and PHPUnit test of docs/php.md run with plain php-cli over
laravel_shim.php, the seeder filling a SQLite database the toolkit then
validates.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.generators import World, build_coverage, build_scenario
from restore_contracts.generators.php import PHP_INT_MAX, PHP_INT_MIN
from restore_contracts.generators.writers import write_worlds
from tests.compat.php.laravel import canonical_findings, validated

HERE = Path(__file__).parent
LOADER = HERE / "load_fixtures.php"
SHIM = HERE / "laravel_shim.php"
PAGE = HERE.parents[2] / "docs" / "php.md"

HOSTILE = [
    "it's", 'say "hi"', "back\\slash", "trailing\\", "\\'", "\\\\'", "$var", "{$x}", "${x}",
    "?>", "<?php echo 1; ?>", "a\x00b", "line\nbreak\r\n", "tab\t", "é ü ß", "日本語",
    "😀👩‍👩‍👧", "\u2028\u2029", "\x7f\x01\x1f", "*/ // #", "/slash/", "\\u00e9", "\\n", "",
]  # fmt: skip
NUMBERS = [0, -1, PHP_INT_MAX, PHP_INT_MIN, 1.0, -0.0, 0.1, 2.5, 1e16, 1e17, 1e25, 1.5e-7,
           1e-5, 0.0001, 5e-324, 1.7976931348623157e308, -123.456]  # fmt: skip


def run_php(php: str, *args: str) -> str:
    """Run php; a PHP error fails the test with PHP's own message."""
    done = subprocess.run([php, *args], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr or done.stdout
    return done.stdout


def typed(value: Any, *, zero_fraction_as_int: bool = False) -> Any:
    """A value with every scalar tagged by its type, so ``1``, ``1.0`` and ``True`` differ."""
    if isinstance(value, dict):
        return {k: typed(v, zero_fraction_as_int=zero_fraction_as_int) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v, zero_fraction_as_int=zero_fraction_as_int) for v in value]
    if zero_fraction_as_int and isinstance(value, float) and value.is_integer():
        return ("int", int(value))
    return (type(value).__name__, value)


def json_cells(document: dict[str, list[dict[str, Any]]]) -> list[list[Any]]:
    """[table, row index, column] of every JSON column holding a map or list."""
    return [
        [table, index, column]
        for table, rows in document.items()
        for index, row in enumerate(rows)
        for column, value in row.items()
        if isinstance(value, dict | list)
    ]


Entry = tuple[Path, Path | None, list[list[Any]]]


def loaded_by_php(php: str, entries: list[Entry], tmp_path: Path) -> Any:
    """What PHP holds for each (file, its array-mode twin, JSON text cells), in one process."""
    plan = [
        {"path": str(path), "arrays": None if arrays is None else str(arrays), "json_cells": cells}
        for path, arrays, cells in entries
    ]
    plan_path = tmp_path / "plan.json"
    plan_path.write_bytes(orjson.dumps(plan))
    return orjson.loads(run_php(php, str(LOADER), str(plan_path)))


def compare(php: str, worlds: list[World], tmp_path: Path) -> None:
    """Each world as php text, php array and JSON: PHP's view of both equals the JSON's, and
    each JSON text is what json_encode writes for the array file's value of it."""
    for mode in ("text", "array"):
        write_worlds(worlds, "php", tmp_path / mode, php_json=mode)
    json_files = write_worlds(worlds, "json", tmp_path / "json")
    documents = [orjson.loads(path.read_bytes()) for path in json_files]
    names = [path.with_suffix(".php").name for path in json_files]
    results = loaded_by_php(
        php,
        [
            (tmp_path / "text" / name, tmp_path / "array" / name, json_cells(document))
            for name, document in zip(names, documents, strict=True)
        ]
        + [(tmp_path / "array" / name, None, []) for name in names],
        tmp_path,
    )
    for document, from_text, from_array in zip(
        documents, results[: len(documents)], results[len(documents) :], strict=True
    ):
        assert typed(from_array["document"]) == typed(document)
        texts = [text for text, _ in from_text["encoded"]]
        assert texts == [again for _, again in from_text["encoded"]]
        # json_encode's default flags drop a zero fraction (1.0 is written 1, 1e25 as 1.0e+25):
        # inside JSON text an integral float and its integer are the same value.
        php_side = typed(from_text["document"])
        expected = typed(document)
        for (table, index, column), text in zip(json_cells(document), texts, strict=True):
            php_side[table][index][column] = typed(orjson.loads(text), zero_fraction_as_int=True)
            value = document[table][index][column]
            expected[table][index][column] = typed(value, zero_fraction_as_int=True)
        assert php_side == expected


def hostile_world() -> World:
    """A world whose strings, keys and numbers are the ones a PHP literal writer gets wrong."""
    world = build_scenario("unicode_display_names", 1)
    for index, item in enumerate(world.rows("backup_items")):
        item["display_name"] = HOSTILE[index % len(HOSTILE)]
    run = world.restore_run()
    run["failure_reason"] = "".join(HOSTILE)
    run["metadata"] = {
        "strings": HOSTILE,
        "keys": {text: text for text in HOSTILE},
        "list_like": {"0": "a", "1": "b"},
        "out_of_order": {"1": "a", "0": "b"},
        "digits": {"123": 1, "-5": 2, "007": 3, "-0": 4, "9223372036854775808": 5, "1.5": 6},
        "empty_map": {},
        "empty_list": [],
        "nested": [[{}], {"0": {}}, [[]]],
        "numbers": NUMBERS,
        "scalars": [True, False, None],
    }
    world.rows("backup_sets")[0]["item_count"] = PHP_INT_MIN
    return world


class TestPhpLoadsWhatTheJsonSays:
    def test_every_coverage_file_round_trips_through_php(self, php: str, tmp_path: Path) -> None:
        """Every coverage world, in both JSON modes, loads in PHP and json_encodes to its JSON."""
        compare(php, [*build_coverage(1), build_scenario("unicode_display_names", 1)], tmp_path)

    def test_hostile_strings_keys_and_numbers_round_trip(self, php: str, tmp_path: Path) -> None:
        """Quotes, backslashes, $var, {$x}, ?>, NUL, emoji, digit keys, {} and float edges."""
        compare(php, [hostile_world()], tmp_path)

    def test_cli_files_are_the_coverage_set_and_load(self, php: str, tmp_path: Path) -> None:
        """The command writes a file per coverage world, named like the JSON ones, the same
        manifest, and each file holds the JSON file's rows (JSON columns as their text)."""
        for fmt in ("php", "json"):
            result = CliRunner().invoke(
                cli, ["generate", "--format", fmt, "--out", str(tmp_path / fmt)]
            )
            assert result.exit_code == 0, result.output
        names = sorted(p.stem for p in (tmp_path / "json").glob("*.json") if p.stem != "manifest")
        listing = sorted(p.name for p in (tmp_path / "php").iterdir())
        assert listing == sorted([*(f"{name}.php" for name in names), "manifest.json"])
        manifests = [(tmp_path / fmt / "manifest.json").read_bytes() for fmt in ("php", "json")]
        assert manifests[0] == manifests[1]
        documents = [orjson.loads((tmp_path / "json" / f"{n}.json").read_bytes()) for n in names]
        entries: list[Entry] = [(tmp_path / "php" / f"{n}.php", None, []) for n in names]
        loaded = [r["document"] for r in loaded_by_php(php, entries, tmp_path)]
        for document in loaded:
            for rows in document.values():
                for row in rows:
                    for column, value in row.items():
                        if isinstance(value, str) and value[:1] in ("{", "["):
                            row[column] = orjson.loads(value)
        assert typed(loaded) == typed(documents)


def page_snippet(first_comment: str) -> str:
    """The ```php block of docs/php.md whose second line is ``first_comment``."""
    blocks = re.findall(r"```php\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
    [block] = [b for b in blocks if b.split("\n")[1] == first_comment]
    return str(block)


class TestReadmeSnippets:
    def test_seeder_fills_a_database_that_validates_clean(self, php: str, tmp_path: Path) -> None:
        """The seeder of docs/php.md inserts the coverage files through DB::table()->insert (PDO prepared
        statements, SQLite); validate finds exactly what it finds in the generators' own rows."""
        worlds = [*build_coverage(1), build_scenario("unicode_display_names", 1)]
        fixtures = tmp_path / "app" / "tests" / "fixtures" / "restore-runs"
        write_worlds(worlds, "php", fixtures)
        seeder = tmp_path / "RestoreRunFixturesSeeder.php"
        seeder.write_text(page_snippet("// database/seeders/RestoreRunFixturesSeeder.php"))
        database = tmp_path / "app.sqlite"
        url = f"sqlite:///{database}"
        init = CliRunner().invoke(cli, ["db", "init", url])
        assert init.exit_code == 0, init.output
        output = run_php(php, str(SHIM), "seed", str(database), str(seeder),
                         "Database\\Seeders\\RestoreRunFixturesSeeder", str(tmp_path / "app"))  # fmt: skip
        expected = canonical_findings(worlds)
        assert (output, validated(url)) == ("seeded\n", (0, expected))
        assert {finding[1] for finding in expected} == {"info"}

    def test_phpunit_test_passes_on_every_world(self, php: str, tmp_path: Path) -> None:
        """The PHPUnit test of docs/php.md runs one data set per coverage world, each assertion passing."""
        worlds = list(build_coverage(1))
        write_worlds(worlds, "php", tmp_path / "tests" / "fixtures" / "restore-runs")
        test = tmp_path / "tests" / "Unit" / "RestoreRunFixturesTest.php"
        test.parent.mkdir()
        test.write_text(page_snippet("// tests/Unit/RestoreRunFixturesTest.php"))
        output = run_php(php, str(SHIM), "test", str(test), "RestoreRunFixturesTest")
        runs = sum(len(world.rows("restore_runs")) for world in worlds)
        assert orjson.loads(output) == {"tests": len(worlds), "assertions": 2 * runs}

    def test_phpunit_test_fails_on_a_broken_world(self, php: str, tmp_path: Path) -> None:
        """The same test fails when a run names a backup set its world lacks (it can fail)."""
        world = build_scenario("failed", 1)
        world.restore_run()["backup_set_id"] = 999
        write_worlds([world], "php", tmp_path / "tests" / "fixtures" / "restore-runs")
        test = tmp_path / "tests" / "Unit" / "RestoreRunFixturesTest.php"
        test.parent.mkdir()
        test.write_text(page_snippet("// tests/Unit/RestoreRunFixturesTest.php"))
        done = subprocess.run(
            [php, str(SHIM), "test", str(test), "RestoreRunFixturesTest"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (done.returncode, "Failed asserting that the haystack contains 999" in done.stderr
                + done.stdout) == (255, True)  # fmt: skip


@pytest.mark.parametrize("mode", ["text", "array"])
def test_same_world_same_bytes(mode: str, tmp_path: Path) -> None:
    """Building and writing the same worlds twice gives the same bytes."""
    first = write_worlds(
        [hostile_world(), *build_coverage(1)], "php", tmp_path / "a", php_json=mode
    )
    second = write_worlds(
        [hostile_world(), *build_coverage(1)], "php", tmp_path / "b", php_json=mode
    )
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
