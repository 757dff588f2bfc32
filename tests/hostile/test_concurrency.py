"""Two ``db init`` / ``db seed`` processes on one database: one waits for the other.

Real processes against PostgreSQL and MariaDB: the loser of a race waits for
the winner and then does its own work on what the winner left (tables kept,
ids already there: a duplicate key), or gives up after ``--wait`` seconds with
one line; never a traceback, never a suggestion of a ``--force`` it lacks.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from restore_contracts.cli import cli
from restore_contracts.db.tables import CONTRACT_TABLES
from restore_contracts.generators import build_coverage
from tests.db.conftest import Server, my, mysql_server, pg, postgresql_server  # noqa: F401

COMMAND = [sys.executable, "-m", "restore_contracts"]
RACE_WAIT = 120
"""Seconds the loser of a race may wait: the winner's work, on a machine under load."""

HOLDER = """
import sys
from restore_contracts.db.create import exclusive
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.urls import parse_url

url = parse_url(sys.argv[1])
engine = create_db_engine(url)
with engine.connect() as conn, exclusive(conn, url, "cannot hold", 10):
    print("held", flush=True)
    sys.stdin.readline()
"""
"""Another db init/db seed at work: holds the database's lock until its stdin has a line."""


@pytest.fixture(params=("postgresql", "mysql"))
def server(request: pytest.FixtureRequest) -> Server:
    """An emptied database on each server."""
    fixture: Server = request.getfixturevalue("pg" if request.param == "postgresql" else "my")
    return fixture


@pytest.fixture
def holder(server: Server) -> Iterator[subprocess.Popen[str]]:
    """A process holding the lock of ``db init``/``db seed`` on the server's database."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, server.spec],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "held\n"
    yield process
    if process.poll() is None:
        process.communicate("done\n", timeout=30)


def race(*commands: list[str]) -> list[tuple[int, str, str]]:
    """Start the commands together; (exit code, stdout, stderr) of each."""
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command in commands
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append((process.returncode, out, err))
    return results


def counts(server: Server) -> dict[str, int]:
    """Rows per contract table."""
    engine = server.engine()
    with engine.connect() as conn:
        result = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in CONTRACT_TABLES
        }
    engine.dispose()
    return result


def run(*args: str) -> Any:
    """Invoke the command line in this process."""
    return CliRunner().invoke(cli, list(args))


def test_two_inits_at_once_create_the_tables_once(server: Server) -> None:
    """Both succeed: one creates every table, the other finds them created and keeps them."""
    init = [*COMMAND, "db", "init", server.spec, "--wait", str(RACE_WAIT)]
    results = race(init, init)
    assert [code for code, _, _ in results] == [0, 0]
    summaries = sorted(out.splitlines()[-1] for _, out, _ in results)
    assert summaries == [
        f"{server.spec}: 0 created, 0 replaced, {len(CONTRACT_TABLES)} kept",
        f"{server.spec}: {len(CONTRACT_TABLES)} created, 0 replaced, 0 kept",
    ]
    assert [err for _, _, err in results] == ["", ""]


def test_two_seeds_at_once_write_one_copy_and_the_loser_says_why(server: Server) -> None:
    """Into an empty database: one seeds (creating the tables), the other waits, then meets
    the same ids and stops with one line; exactly one copy of the worlds is there."""
    seed = [*COMMAND, "db", "seed", server.spec, "--scenario", "coverage", "--seed", "1",
            "--wait", str(RACE_WAIT)]  # fmt: skip
    results = sorted(race(seed, seed))
    [(won, won_out, won_err), (lost, lost_out, lost_err)] = results
    assert (won, won_err, lost, lost_out) == (0, "", 2, "")
    assert won_out.splitlines()[-1].startswith(f"{server.spec}: seeded 17 world(s), ")
    assert lost_err.startswith(f"Error: cannot seed {server.spec}: duplicate key: ")
    assert lost_err.count("\n") == 1
    assert "--force" not in lost_err
    assert "Traceback" not in lost_err
    worlds = list(build_coverage(1))
    assert counts(server) == {t: sum(len(w.rows(t)) for w in worlds) for t in CONTRACT_TABLES}


def test_init_gives_up_after_wait_with_one_line(
    server: Server, holder: subprocess.Popen[str]
) -> None:
    """While another db init/db seed holds the database, --wait 1 ends in one line, exit 2."""
    started = time.monotonic()
    result = run("db", "init", server.spec, "--wait", "1")
    waited = time.monotonic() - started
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"Error: cannot initialise {server.spec}: another restore-contracts db init or db seed "
        "has been working on this database for over 1 s; try again when it has finished, or "
        "wait longer with --wait\n",
    )
    assert 1 <= waited < RACE_WAIT
    assert counts_or_none(server) is None


def waiting_for_the_lock(server: Server) -> int:
    """Sessions on the database that asked for the db init/db seed lock and wait for it."""
    engine = server.engine()
    with engine.connect() as conn:
        if server.backend == "postgresql":
            # The holder's last query is the COMMIT after its lock; a waiter keeps trying.
            sql = (
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND query LIKE 'SELECT pg_try_advisory_lock%'"
            )
        else:
            sql = (
                "SELECT count(*) FROM information_schema.processlist "
                "WHERE db = DATABASE() AND info LIKE 'SELECT GET_LOCK%'"
            )
        waiting = int(conn.execute(text(sql)).scalar_one())
    engine.dispose()
    return waiting


def test_seed_waits_for_the_holder_then_seeds(
    server: Server, holder: subprocess.Popen[str]
) -> None:
    """A seed started while another holds the database waits, writing nothing, then seeds."""
    seed = subprocess.Popen(
        [*COMMAND, "db", "seed", server.spec, "--scenario", "completed"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while waiting_for_the_lock(server) < 1:
        assert seed.poll() is None
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert counts_or_none(server) is None
    holder.communicate("done\n", timeout=30)
    out, err = seed.communicate(timeout=120)
    assert (seed.returncode, err) == (0, "")
    assert out.splitlines()[-1].startswith(f"{server.spec}: seeded 1 world(s), ")
    assert counts_or_none(server) is not None


def counts_or_none(server: Server) -> dict[str, int] | None:
    """Rows per contract table, or None when db init created none of them."""
    engine = server.engine()
    with engine.connect() as conn:
        present = set(CONTRACT_TABLES) & set(inspect(conn).get_table_names())
    engine.dispose()
    return counts(server) if present else None
