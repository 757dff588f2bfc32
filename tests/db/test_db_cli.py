"""The command line: ``db seed`` with the generate options, ``validate URL``, one-line failures."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from restore_contracts.cli import cli
from restore_contracts.cli.db import WORLD_OPTIONS, seed
from restore_contracts.cli.generate import generate
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.tables import CONTRACT_TABLES
from restore_contracts.db.urls import parse_url


def run(*args: str) -> Any:
    """Invoke the command line; the result keeps stdout and stderr apart."""
    return CliRunner().invoke(cli, list(args))


def findings_of(report: str) -> list[tuple[Any, ...]]:
    """The findings of a JSON report without where they were read (file:line or table#id)."""
    document = orjson.loads(report)
    return sorted(
        (f["code"], f["severity"], f["table"], f["id"], f["pointer"], f["message"])
        for f in document["findings"]
    )


class TestSeedCommand:
    def test_takes_the_world_options_of_generate(self) -> None:
        """db seed has generate's world options: the very same option objects."""
        shared = {p.name: p for p in seed.params if p.name in WORLD_OPTIONS}
        from_generate = {p.name: p for p in generate.params if p.name in WORLD_OPTIONS}
        assert list(shared) == list(WORLD_OPTIONS)
        assert all(shared[name] is from_generate[name] for name in WORLD_OPTIONS)

    def test_seeds_what_generate_writes_and_validates_the_same(
        self, tmp_path: Path, db_url: str
    ) -> None:
        """Coverage set: seeded then validated from the database = generated then validated."""
        seeded = run("db", "seed", db_url, "--scenario", "coverage", "--seed", "3")
        assert seeded.exit_code == 0, seeded.output
        assert seeded.output.splitlines()[-1].startswith(f"{db_url}: seeded 17 world(s), ")
        out = str(tmp_path / "fixtures")
        generated = run("generate", "--scenario", "coverage", "--seed", "3", "--format", "ndjson",
                        "--out", out)  # fmt: skip
        assert generated.exit_code == 0, generated.output
        from_db = run("validate", db_url, "--format", "json")
        from_files = run("validate", out, "--format", "json")
        assert (from_db.exit_code, from_files.exit_code) == (0, 0)
        assert findings_of(from_db.stdout) == findings_of(from_files.stdout)
        assert orjson.loads(from_db.stdout)["summary"]["source"] == db_url

    def test_random_worlds_with_status_in_one_batch_each(self, tmp_path: Path) -> None:
        """Random worlds of one status seed with a batch size of one row."""
        url = f"sqlite:///{tmp_path / 'rc.db'}"
        result = run("db", "seed", url, "--status", "failed", "--count", "3", "--batch-size", "1")
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[-1].startswith(f"{url}: seeded 3 world(s), ")

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (
                ["--scenario", "nope"],
                "Error: unknown scenario 'nope'; valid scenarios: coverage, random, ",
            ),
            (["--status", "done"], "Error: unknown status 'done'; valid statuses: draft, "),
            (["--count", "2"], "Error: --count applies to --scenario random and --status only"),
            (["--batch-size", "0"], "Error: Invalid value for '--batch-size': 0 is not in the "),
        ],
    )
    def test_bad_options_are_one_line(self, tmp_path: Path, args: list[str], message: str) -> None:
        """A bad option value is one line and exit code 2, before anything is written."""
        url = f"sqlite:///{tmp_path / 'rc.db'}"
        result = run("db", "seed", url, *args)
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1].startswith(message), result.stderr
        assert not (tmp_path / "rc.db").exists()

    def test_default_url_is_the_embedded_database(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without a URL, db seed writes restore-contracts.db in the working directory."""
        monkeypatch.chdir(tmp_path)
        result = run("db", "seed", "--scenario", "failed")
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[-1] == (
            "sqlite:///restore-contracts.db: seeded 1 world(s), "
            f"{result.output.split('world(s), ')[1].split(' ')[0]} row(s) in one transaction"
        )
        assert (tmp_path / "restore-contracts.db").is_file()


class TestValidateUrl:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            (
                "postgresql://postgres:hunter2@127.0.0.1:1/app",
                "Error: cannot read postgresql://postgres:***@127.0.0.1:1/app: cannot connect: "
                'connection failed: connection to server at "127.0.0.1", port 1 failed: '
                "Connection refused",
            ),
            (
                "mysql://root:hunter2@127.0.0.1:1/app",
                "Error: cannot read mysql://root:***@127.0.0.1:1/app: cannot connect: Can't "
                "connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused) "
                "(error 2003)",
            ),
        ],
    )
    def test_unreachable_database_exits_2_without_the_password(
        self, url: str, expected: str
    ) -> None:
        """A connection failure is one line, exit code 2, password masked."""
        result = run("validate", url)
        assert (result.exit_code, result.output.splitlines()) == (2, [expected])
        assert "hunter2" not in result.output

    def test_database_without_restore_runs_exits_2(self, db_url: str) -> None:
        """Pointing validate at a database without the contract tables is one line, exit 2."""
        engine = create_db_engine(parse_url(db_url))
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY)"))
        engine.dispose()
        result = run("validate", db_url)
        assert (result.exit_code, result.output.splitlines()) == (
            2,
            [f"Error: cannot read {db_url}: missing table: restore_runs"],
        )

    def test_several_inputs_name_the_database_masked(self, tmp_path: Path) -> None:
        """A database given beside files is named without its password in the report."""
        out = tmp_path / "fixtures"
        assert run("generate", "--scenario", "failed", "--format", "ndjson", "--out", str(out))
        result = run("validate", str(out), "postgresql://u:hunter2@127.0.0.1:1/app")
        assert result.exit_code == 2
        assert "hunter2" not in result.output


class TestReadOnlyRole:
    def test_validate_as_a_select_only_role(self, pg: Any) -> None:
        """validate passes as a role that may only SELECT; a table it may not read exits 2."""
        assert run("db", "seed", pg.spec, "--scenario", "coverage").exit_code == 0
        role = f"rc_reader_{secrets.token_hex(4)}"
        admin = pg.engine()
        database = pg.url.database
        with admin.begin() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'rc-reader-secret'"))
            conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {role}'))
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
            conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
        url = f"postgresql://{role}:rc-reader-secret@127.0.0.1:5432/{database}"
        masked = f"postgresql://{role}:***@127.0.0.1:5432/{database}"
        try:
            passed = run("validate", url, "--format", "json")
            assert passed.exit_code == 0, passed.output
            summary = orjson.loads(passed.stdout)["summary"]
            assert summary["source"] == masked
            assert set(summary["rows"]) == set(CONTRACT_TABLES)
            with admin.begin() as conn:
                conn.execute(text(f"REVOKE SELECT ON restore_runs FROM {role}"))
            denied = run("validate", url)
            assert (denied.exit_code, denied.output.splitlines()) == (
                2,
                [
                    f"Error: cannot read table restore_runs from {masked}: permission denied: "
                    "permission denied for table restore_runs"
                ],
            )
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))
            admin.dispose()
