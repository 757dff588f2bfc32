"""Real clients for the compatibility suites: php-cli with PDO, psql, and the database servers.

A client that is missing skips its tests with the reason locally; in CI
(``CI=true`` or ``RESTORE_CONTRACTS_REQUIRE_DB=1``) it fails them, as a
missing database server does (``.ci/run`` installs php-cli and its PDO
drivers).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.db.conftest import Server, my, mysql_server, pg, postgresql_server

REQUIRE_CLIENTS = (
    os.environ.get("CI") == "true" or os.environ.get("RESTORE_CONTRACTS_REQUIRE_DB") == "1"
)
PDO_DRIVERS = ("pdo_pgsql", "pdo_mysql", "pdo_sqlite")


def _unavailable(reason: str) -> None:
    if REQUIRE_CLIENTS:
        pytest.fail(f"{reason} (CI: .ci/run installs it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def php() -> str:
    """The php-cli binary, with the PDO drivers for PostgreSQL, MySQL/MariaDB and SQLite."""
    binary = shutil.which("php")
    if binary is None:
        _unavailable(
            "php is not installed (apt-get install php-cli php-pgsql php-mysql php-sqlite3)"
        )
        raise AssertionError("unreachable")
    modules = subprocess.run(
        [binary, "-m"], capture_output=True, text=True, check=False
    ).stdout.split()
    missing = [name for name in PDO_DRIVERS if name not in modules]
    if missing:
        _unavailable(
            f"php lacks {', '.join(missing)} (apt-get install php-pgsql php-mysql php-sqlite3)"
        )
    return binary


@pytest.fixture(scope="session")
def psql() -> str:
    """The psql binary (PostgreSQL's client), for the exports users make with it."""
    binary = shutil.which("psql")
    if binary is None:
        _unavailable("psql is not installed (apt-get install postgresql-client)")
        raise AssertionError("unreachable")
    return binary


@pytest.fixture(scope="session")
def mariadb_client() -> str:
    """The mariadb (or mysql) command-line client, for the exports users make with it."""
    binary = shutil.which("mariadb") or shutil.which("mysql")
    if binary is None:
        _unavailable("the mariadb client is not installed (apt-get install mariadb-client)")
        raise AssertionError("unreachable")
    return binary


__all__ = (
    "Server",
    "mariadb_client",
    "my",
    "mysql_server",
    "pg",
    "php",
    "postgresql_server",
    "psql",
)
