"""`db init` / `db seed` create a missing PostgreSQL or MariaDB database, and a second seed
without --replace says to use it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from restore_contracts.cli import cli
from tests.db.conftest import Server

TABLES = (
    "workspaces",
    "managed_environments",
    "backup_sets",
    "backup_items",
    "operation_runs",
    "restore_runs",
    "evidence_snapshots",
)


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(params=["postgresql", "mysql"])
def missing(request: pytest.FixtureRequest) -> Iterator[tuple[Server, str, str]]:
    """A server, the name of a database that does not exist on it, and its URL; dropped after."""
    server: Server = request.getfixturevalue(f"{request.param}_server")
    name = f"rc_new_{secrets.token_hex(4)}"
    scheme = "postgresql" if request.param == "postgresql" else "mariadb"
    url = server.url.set(drivername=scheme, database=name)
    yield server, name, url.render_as_string(hide_password=False)
    quoted = f'"{name}"' if request.param == "postgresql" else f"`{name}`"
    force = " WITH (FORCE)" if request.param == "postgresql" else ""
    with server.admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {quoted}{force}"))


def _exists(server: Server, name: str) -> bool:
    query = (
        "SELECT count(*) FROM pg_database WHERE datname = :name"
        if server.backend == "postgresql"
        else "SELECT count(*) FROM information_schema.schemata WHERE schema_name = :name"
    )
    with server.admin.connect() as conn:
        return bool(conn.execute(text(query), {"name": name}).scalar_one())


def test_db_init_creates_the_missing_database_and_says_so(
    missing: tuple[Server, str, str],
) -> None:
    """db init on a database that does not exist creates it (one line) and then its tables."""
    server, name, url = missing
    assert not _exists(server, name)
    first = run("db", "init", url)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        f"created database '{name}' (it did not exist)",
        *[f"created  {table}" for table in TABLES],
        f"{url}: 7 created, 0 replaced, 0 kept",
    ]
    assert _exists(server, name)
    again = run("db", "init", url)
    assert again.exit_code == 0, again.output
    assert (
        again.output.splitlines()[0]
        == f"kept     {TABLES[0]} (created earlier by restore-contracts)"
    )


def test_db_seed_creates_the_missing_database_then_refuses_a_second_seed_with_the_remedy(
    missing: tuple[Server, str, str],
) -> None:
    """db seed creates the database; seeding the same world again names --replace, which works."""
    server, name, url = missing
    first = run("db", "seed", url, "--scenario", "draft")
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[0] == f"created database '{name}' (it did not exist)"
    assert _exists(server, name)
    assert (
        first.output.splitlines()[-1] == f"{url}: seeded 1 world(s), 10 row(s) in one transaction"
    )

    second = run("db", "seed", url, "--scenario", "draft")
    assert second.exit_code == 2
    (line,) = second.output.splitlines()
    assert line.startswith(f"Error: cannot seed {url}: duplicate key: ")
    assert line.endswith(
        "; the tables already hold rows with these ids (seeded before?): add --replace to "
        "delete their rows first, in the same transaction"
    )

    replaced = run("db", "seed", url, "--scenario", "draft", "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "created database" not in replaced.output


def test_seeding_into_existing_tables_never_creates_a_database(
    missing: tuple[Server, str, str],
) -> None:
    """--into-existing writes into the application's database: a missing one is an error."""
    server, name, url = missing
    result = run("db", "seed", url, "--into-existing", "--scenario", "draft")
    assert result.exit_code == 2
    (line,) = result.output.splitlines()
    assert line.startswith(f"Error: cannot seed {url}: cannot connect: ")
    assert not _exists(server, name)


def test_a_wrong_user_is_reported_not_answered_with_a_creation(
    postgresql_server: Server,
) -> None:
    """A refused login is the one-line connection error it always was; nothing is created."""
    name = f"rc_new_{secrets.token_hex(4)}"
    url = f"postgresql://rc_nobody_{secrets.token_hex(3)}@127.0.0.1:5432/{name}"
    result = run("db", "init", url)
    assert result.exit_code == 2
    (line,) = result.output.splitlines()
    assert line.startswith(f"Error: cannot initialise {url}: cannot connect: ")
    assert "role" in line
    assert not _exists(postgresql_server, name)


def test_sqlite_seeded_twice_names_replace_too(tmp_path: Any) -> None:
    """The --replace remedy is given for SQLite as well (the file is created by the first seed)."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert run("db", "seed", url, "--scenario", "draft").exit_code == 0
    second = run("db", "seed", url, "--scenario", "draft")
    assert second.exit_code == 2
    assert second.output == (
        f"Error: cannot seed {url}: duplicate key: UNIQUE constraint failed: workspaces.id; "
        "the tables already hold rows with these ids (seeded before?): add --replace to "
        "delete their rows first, in the same transaction\n"
    )
