"""``db seed --into-existing``: fixtures in the tables the application's migrations made.

The PHP application migrates its own tables (bigint ``requested_by``, ``json``
on PostgreSQL, MariaDB ``longtext`` with a json_valid CHECK, extra columns with
and without defaults, another column order); seeding fills them as they are,
and what it writes validates like the generators' own rows.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text
from sqlalchemy.exc import SAWarning

from restore_contracts.cli import cli
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import DatabaseError
from restore_contracts.db.seed import seed_worlds, user_id
from restore_contracts.db.tables import CONTRACT_TABLES
from restore_contracts.db.urls import parse_url
from restore_contracts.generators import build_coverage
from tests.compat.php.laravel import (
    APP_TIMEZONE,
    EXTRA_COLUMNS,
    LaravelApp,
    canonical_findings,
    laravel_worlds,
    validated,
    write_config,
)
from tests.db.db_worlds import completed_world


def run(*args: str) -> Any:
    """Invoke the command line; the result keeps stdout and stderr apart."""
    return CliRunner().invoke(cli, list(args))


def execute(url: str, *statements: str) -> list[Any]:
    """Run SQL on the application's database; the rows of the last statement."""
    engine = create_db_engine(parse_url(url))
    with engine.begin() as conn:
        rows = [conn.execute(text(statement)) for statement in statements][-1]
        result = list(rows) if rows.returns_rows else []
    engine.dispose()
    return result


def schema(url: str) -> dict[str, list[tuple[str, str, bool, Any]]]:
    """Every table's columns as the database describes them (name, type, nullable, default)."""
    engine = create_db_engine(parse_url(url))
    with engine.connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # SQLite's tinyint(1) reflects as INTEGER
        inspector = inspect(conn)
        result = {
            table: [
                (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                for c in inspector.get_columns(table)
            ]
            for table in sorted(inspector.get_table_names())
        }
    engine.dispose()
    return result


def counts(url: str) -> dict[str, int]:
    """Rows per contract table."""
    return {t: execute(url, f"SELECT count(*) FROM {t}")[0][0] for t in CONTRACT_TABLES}


class TestSeedsTheApplicationsTables:
    def test_seeded_worlds_validate_like_the_generators_rows(self, laravel: LaravelApp) -> None:
        """Every status, the DST changes and unicode, seeded into Laravel's tables, give the
        generators' own findings (the extra columns aside, which need configuring)."""
        worlds = laravel_worlds()
        report = seed_worlds(parse_url(laravel.url), worlds, into_existing=True, batch_size=7)
        assert report.total == sum(len(w.rows(t)) for w in worlds for t in CONTRACT_TABLES)
        assert validated(laravel.url, None, "--ignore", "RR103") == (0, canonical_findings(worlds))

    def test_seeded_worlds_validate_clean_with_the_application_configured(
        self, laravel: LaravelApp, tmp_path: Path
    ) -> None:
        """With timezone Europe/Berlin and extra_columns naming tenant_note and queue, the
        coverage set seeded by the command line (Berlin local time) validates clean."""
        config = write_config(
            tmp_path / "restore-contracts.toml", timezone=APP_TIMEZONE, extra_columns=EXTRA_COLUMNS
        )
        seeded = run("--config", str(config), "db", "seed", laravel.url, "--into-existing",
                     "--scenario", "coverage", "--seed", "1")  # fmt: skip
        assert (seeded.exit_code, seeded.stderr) == (0, "")
        assert validated(laravel.url, config) == (0, canonical_findings(list(build_coverage(1))))

    def test_values_fit_the_columns_and_extra_columns_keep_their_defaults(
        self, laravel: LaravelApp
    ) -> None:
        """A requester's name becomes a user id in the bigint requested_by, varchar created_by
        keeps names and ids as text, queue gets its default and tenant_note stays NULL."""
        worlds = laravel_worlds()
        seed_worlds(parse_url(laravel.url), worlds, into_existing=True)
        runs = {w.restore_run()["id"]: w.restore_run()["requested_by"] for w in worlds}
        stored = dict(execute(laravel.url, "SELECT id, requested_by FROM restore_runs"))
        assert stored == {run: user_id(requester) for run, requester in runs.items()}
        assert {type(value) for value in stored.values()} <= {int, type(None)}
        assert any(isinstance(requester, str) for requester in runs.values())
        sets = {r["id"]: r["created_by"] for w in worlds for r in w.rows("backup_sets")}
        assert dict(execute(laravel.url, "SELECT id, created_by FROM backup_sets")) == {
            key: None if value is None else str(value) for key, value in sets.items()
        }
        assert execute(laravel.url, "SELECT DISTINCT queue FROM operation_runs") == [("default",)]
        assert execute(
            laravel.url, "SELECT count(*) FROM restore_runs WHERE tenant_note IS NULL"
        ) == [(len(worlds),)]

    def test_the_command_line_seeds_and_never_alters_a_table(self, laravel: LaravelApp) -> None:
        """db seed --into-existing --scenario coverage: the coverage set goes in, the schema
        (the application's tables, columns, types and defaults) is exactly as it was."""
        before = schema(laravel.url)
        result = run("db", "seed", laravel.url, "--into-existing", "--scenario", "coverage")
        assert (result.exit_code, result.stderr) == (0, "")
        assert result.stdout.splitlines()[-1] == (
            f"{laravel.url}: seeded 17 world(s), {sum(counts(laravel.url).values())} row(s) "
            "in one transaction"
        )
        assert schema(laravel.url) == before
        assert execute(laravel.url, "SELECT count(*) FROM migrations") == [(8,)]

    def test_seeding_is_one_transaction(self, laravel: LaravelApp) -> None:
        """A dangling reference in the last world rolls back everything written before it."""
        broken = completed_world(200, name="hand/dangling")
        broken.restore_run()["backup_set_id"] = 999
        with pytest.raises(DatabaseError) as caught:
            seed_worlds(parse_url(laravel.url), [*build_coverage(1), broken], into_existing=True)
        assert caught.value.format_message().startswith(
            f"cannot seed {laravel.url}: foreign key violated: "
        )
        assert counts(laravel.url) == dict.fromkeys(CONTRACT_TABLES, 0)

    def test_replace_swaps_the_rows_and_leaves_other_tables_alone(
        self, laravel: LaravelApp
    ) -> None:
        """--replace empties the contract tables in the same transaction; the application's
        other tables (users, migrations) and the schema are untouched."""
        url = laravel.url
        execute(url, "INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')")
        before = schema(url)
        seed_worlds(parse_url(url), build_coverage(1), into_existing=True)
        seed_worlds(parse_url(url), [completed_world()], into_existing=True, replace=True)
        assert counts(url) == {
            "workspaces": 1,
            "managed_environments": 1,
            "backup_sets": 1,
            "backup_items": 2,
            "operation_runs": 1,
            "restore_runs": 1,
            "evidence_snapshots": 1,
        }
        assert execute(url, "SELECT name, email FROM users") == [("Ada", "ada@example.com")]
        assert execute(url, "SELECT count(*) FROM migrations") == [(8,)]
        assert schema(url) == before

    def test_the_applications_next_insert_gets_a_new_id(self, laravel: LaravelApp) -> None:
        """Explicit ids advance the id sequence: the application's next row does not collide."""
        worlds = list(build_coverage(1))
        seed_worlds(parse_url(laravel.url), worlds, into_existing=True)
        highest = max(w.rows("workspaces")[0]["id"] for w in worlds)
        next_id = execute(
            laravel.url,
            "INSERT INTO workspaces (name) VALUES ('next')",
            "SELECT id FROM workspaces WHERE name = 'next'",
        )
        assert next_id == [(highest + 1,)]


class TestRefusals:
    def test_without_the_flag_the_refusal_names_into_existing(self, laravel: LaravelApp) -> None:
        """The application's tables are not written unasked; the line names --into-existing."""
        result = run("db", "seed", laravel.url, "--scenario", "completed")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            "Error: refusing to touch tables restore-contracts did not create: "
            f"{', '.join(CONTRACT_TABLES)}; pass --into-existing to write into them as they "
            "are (their columns are reflected; nothing is created, dropped or altered)\n"
        )
        assert counts(laravel.url) == dict.fromkeys(CONTRACT_TABLES, 0)

    def test_a_not_null_column_without_default_is_named(self, laravel_server: LaravelApp) -> None:
        """An application column the contract cannot fill stops seeding before any row."""
        url = laravel_server.url
        execute(url, "ALTER TABLE restore_runs ADD COLUMN approval_code varchar(32) NOT NULL")
        result = run("db", "seed", url, "--into-existing", "--scenario", "completed")
        assert (result.exit_code, result.stderr) == (
            2,
            f"Error: cannot seed {url} into existing tables: restore_runs.approval_code is "
            "NOT NULL without a default and the contract gives it no value\n",
        )
        assert counts(url) == dict.fromkeys(CONTRACT_TABLES, 0)

    def test_a_missing_contract_column_is_named(self, laravel: LaravelApp) -> None:
        """A contract column the application's table lacks is refused, never dropped."""
        url = laravel.url
        execute(url, "ALTER TABLE restore_runs DROP COLUMN failure_reason")
        result = run("db", "seed", url, "--into-existing", "--scenario", "completed")
        assert (result.exit_code, result.stderr) == (
            2,
            f"Error: cannot seed {url} into existing tables: restore_runs.failure_reason "
            "(a contract column) is missing\n",
        )
        assert counts(url) == dict.fromkeys(CONTRACT_TABLES, 0)

    def test_a_missing_table_is_never_created(self, laravel: LaravelApp) -> None:
        """--into-existing writes only into tables that exist; it creates none."""
        url = laravel.url
        execute(url, "DROP TABLE evidence_snapshots")
        result = run("db", "seed", url, "--into-existing", "--scenario", "completed")
        assert (result.exit_code, result.stderr) == (
            2,
            f"Error: cannot seed {url} into existing tables: no table evidence_snapshots; "
            "--into-existing never creates tables (run the application's migrations first)\n",
        )
        assert "evidence_snapshots" not in schema(url)

    def test_no_foreign_keys_is_refused_with_into_existing(self, laravel: LaravelApp) -> None:
        """--no-foreign-keys describes tables to create; --into-existing creates none."""
        result = run("db", "seed", laravel.url, "--into-existing", "--no-foreign-keys")
        assert (result.exit_code, result.stderr) == (
            2,
            "Error: --no-foreign-keys says how to create tables, and --into-existing "
            "creates none\n",
        )


def test_a_name_always_gets_the_same_user_id() -> None:
    """Ids stay ids, digit text is its id, a name maps to one stable id in 1..480 (CRC-32)."""
    assert (user_id(None), user_id(42), user_id("42")) == (None, 42, 42)
    assert user_id("ops@example.com") == user_id("ops@example.com") == 52
