"""The PHP writer's literals, refusals and files, without php (tests/compat/php runs real PHP)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.errors import InputError
from restore_contracts.generators import World, build_scenario
from restore_contracts.generators.php import (
    PHP_INT_MAX,
    PHP_INT_MIN,
    json_text,
    php_document,
    php_literal,
)
from restore_contracts.generators.writers import output_tables, write_worlds
from tests.generators.test_determinism import _CHILD


class TestLiterals:
    """Values as PHP literals: nothing interpolated, every value read back as itself."""

    @pytest.mark.parametrize(
        ("value", "literal"),
        [
            (None, "null"),
            (True, "true"),
            (False, "false"),
            (0, "0"),
            (-17, "-17"),
            (PHP_INT_MAX, "9223372036854775807"),
            (PHP_INT_MIN, "PHP_INT_MIN"),
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1.5e-07, "1.5e-07"),
            ("it's", "'it\\'s'"),
            ("back\\slash\\", "'back\\\\slash\\\\'"),
            ("\\'", "'\\\\\\''"),
            ('$var {$x} ?> "q"', "'$var {$x} ?> \"q\"'"),
            ("a\x00b\n", "'a\x00b\n'"),
            ("é😀", "'é😀'"),
            ("", "''"),
        ],
    )
    def test_scalar(self, value: Any, literal: str) -> None:
        """Strings single-quoted with only \\ and ' escaped; PHP_INT_MIN by name (no literal)."""
        assert php_literal(value) == literal

    def test_json_column_as_text(self) -> None:
        """A map or list is the JSON text json_encode writes with default flags, single-quoted."""
        value = {"path": "a/b", "name": "é😀'\\", "n": [1.0, 1e25, 0.1, -0.0], "e": {}, "l": []}
        expected = (
            '\'{"path":"a\\\\/b","name":"\\\\u00e9\\\\ud83d\\\\ude00\\\'\\\\\\\\",'
            '"n":[1,1.0e+25,0.1,-0],"e":{},"l":[]}\''
        )
        assert php_literal(value) == expected

    def test_json_column_as_array(self) -> None:
        """A map is an array, one element per line; the maps PHP would hold as lists are
        (object) so that json_encode gives the same JSON back."""
        value = {"a": [1, "x"], "0": {}, "list_like": {"0": "a", "1": "b"}, "sparse": {"1": "a"}}
        expected = """[
    'a' => [
        1,
        'x',
    ],
    '0' => (object) [],
    'list_like' => (object) [
        '0' => 'a',
        '1' => 'b',
    ],
    'sparse' => [
        '1' => 'a',
    ],
]"""
        assert php_literal(value, json_mode="array") == expected

    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (1.0, "1"),
            (1e15, "1000000000000000"),
            (1e16, "10000000000000000"),
            (1e17, "1.0e+17"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (1e-5, "1.0e-5"),
            (1.5e-7, "1.5e-7"),
            (5e-324, "5.0e-324"),
            (-123.456, "-123.456"),
            (-0.0, "-0"),
            ("\x7f\x1f\u2028/", '"\x7f\\u001f\\u2028\\/"'),
        ],
    )
    def test_json_text_matches_php(self, value: Any, text: str) -> None:
        """Floats and strings as PHP 8's json_encode writes them (serialize_precision -1)."""
        assert json_text(value) == text


def _world_with(table: str, column: str, value: Any) -> World:
    world = build_scenario("draft", 1)
    world.rows(table)[0][column] = value
    return world


class TestRefusals:
    """What PHP cannot hold as the same value is one line naming the row and pointer."""

    @pytest.mark.parametrize(
        ("table", "column", "value", "message"),
        [
            (
                "backup_sets",
                "item_count",
                PHP_INT_MAX + 1,
                "world 'draft', backup_sets id 1300001, /item_count: integer "
                "9223372036854775808 is beyond PHP's range "
                "(-9223372036854775808..9223372036854775807); PHP would read it as a float",
            ),
            (
                "restore_runs",
                "metadata",
                {"a/b": [0, {"~": -(2**64)}]},
                "world 'draft', restore_runs id 1500001, /metadata/a~1b/1/~0: integer "
                "-18446744073709551616 is beyond PHP's range "
                "(-9223372036854775808..9223372036854775807); PHP would read it as a float",
            ),
            (
                "restore_runs",
                "preview",
                [float("nan")],
                "world 'draft', restore_runs id 1500001, /preview/0: float nan has no JSON "
                "or PHP literal",
            ),
        ],
    )
    @pytest.mark.parametrize("mode", ["text", "array"])
    def test_refused(
        self, table: str, column: str, value: Any, message: str, mode: str, tmp_path: Path
    ) -> None:
        """The same message in both modes; nothing is written."""
        with pytest.raises(InputError) as refused:
            write_worlds([_world_with(table, column, value)], "php", tmp_path, php_json=mode)
        assert (refused.value.format_message(), list(tmp_path.iterdir())) == (message, [])

    def test_two_worlds_one_file(self, tmp_path: Path) -> None:
        """Two worlds whose names give the same file: the second is refused, not written over."""
        with pytest.raises(InputError) as refused:
            write_worlds([build_scenario("draft", 1), build_scenario("draft", 1)], "php", tmp_path)
        expected = f"worlds 'draft' and 'draft' would both be written to {tmp_path}/draft.php"
        assert refused.value.format_message() == expected

    def test_seeds_name_their_files(self, tmp_path: Path) -> None:
        """Worlds of one scenario with different seeds get files of their own, as in JSON."""
        paths = write_worlds(
            [build_scenario("draft", 1), build_scenario("draft", 2)], "php", tmp_path
        )
        assert [p.name for p in paths] == ["draft.php", "draft.seed-2.php"]


class TestFilesAndCommand:
    """Files, stdout and the command's options."""

    def test_stdout_is_the_file(self, tmp_path: Path) -> None:
        """One world to stdout is byte for byte its file; more than one is refused."""
        world = build_scenario("failed", 1)
        [path] = write_worlds([world], "php", tmp_path, php_json="array")
        buffer = io.BytesIO()
        write_worlds([world], "php", "-", php_json="array", stdout=buffer)
        with pytest.raises(InputError) as refused:
            write_worlds([world, world], "php", "-", stdout=io.BytesIO())
        assert (buffer.getvalue(), refused.value.format_message()) == (
            path.read_bytes(),
            "php to stdout holds exactly one world, got more; use --out DIR",
        )

    def test_document_shape(self) -> None:
        """Header comments name the world (safely) and the mode; every table appears."""
        world = World(name="x?>y\nz", tables={"workspaces": [{"id": 1, "name": "W"}]})
        tables = output_tables(None, with_derived=False)
        text = php_document(world.tables, tables, name=world.name).decode()
        expected_head = (
            "<?php\n\n// restore-contracts world x__y_z: rows per table, parents first.\n"
            "// JSON columns are JSON text, as Eloquent's array cast stores it "
            "(--php-json text).\n\nreturn [\n    'workspaces' => [\n        [\n"
            "            'id' => 1,\n            'name' => 'W',\n        ],\n    ],\n"
        )
        empty = "".join(f"    '{t}' => [],\n" for t in tables[1:])
        assert text == expected_head + empty + "];\n"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--php-json", "array"], "Error: --php-json applies to --format php only"),
            (
                ["--format", "php", "--php-json", "objects"],
                "Error: unknown --php-json mode 'objects'; valid modes: text, array",
            ),
            (
                ["--format", "php", "--scenario", "random", "--count", "2", "--out", "-"],
                "Error: php to stdout holds exactly one world, got more; use --out DIR",
            ),
        ],
    )
    def test_bad_options(self, args: list[str], message: str, tmp_path: Path) -> None:
        """A wrong combination is one line on stderr, exit 2."""
        if "--out" not in args:
            args = [*args, "--out", str(tmp_path)]
        result = CliRunner().invoke(cli, ["generate", *args])
        assert (result.exit_code, result.stderr) == (2, message + "\n")


def _generated_in(tmp_path: Path, label: str, tz: str, fake_epoch: float) -> dict[str, str]:
    out = tmp_path / label
    args = ["generate", "--format", "php", "--php-json", "array", "--out", str(out)]
    subprocess.run(
        [sys.executable, "-c", _CHILD, str(fake_epoch), *args],
        check=True,
        capture_output=True,
        env={**os.environ, "TZ": tz},
        cwd=tmp_path,
    )
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def test_other_day_and_timezone_same_bytes(tmp_path: Path) -> None:
    """Coverage PHP files made 'in 2024 in Tokyo' equal those made 'in 2031 in LA'."""
    tokyo = _generated_in(tmp_path, "tokyo", "Asia/Tokyo", 1_718_000_000.0)
    los_angeles = _generated_in(tmp_path, "la", "America/Los_Angeles", 1_950_000_000.0)
    assert (tokyo, 18) == (los_angeles, len(los_angeles))
