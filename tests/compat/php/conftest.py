"""The PHP application on a fresh database of each kind, its migrations run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compat.php.laravel import BACKENDS, LaravelApp
from tests.db.conftest import Server


def laravel_on(
    request: pytest.FixtureRequest, backend: str, php: str, tmp_path: Path
) -> LaravelApp:
    """The application on an emptied test database of ``backend``, migrated."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'database.sqlite'}"
    else:
        server: Server = request.getfixturevalue("pg" if backend == "postgresql" else "my")
        url = server.spec
    workdir = tmp_path / "app"
    workdir.mkdir()
    app = LaravelApp.on(php, backend, url, workdir)
    app.migrate()
    return app


@pytest.fixture(params=BACKENDS)
def laravel(request: pytest.FixtureRequest, php: str, tmp_path: Path) -> LaravelApp:
    """The application on each database (SQLite, PostgreSQL, MariaDB), migrated, no rows."""
    return laravel_on(request, request.param, php, tmp_path)


@pytest.fixture(params=("postgresql", "mysql"))
def laravel_server(request: pytest.FixtureRequest, php: str, tmp_path: Path) -> LaravelApp:
    """The application on each database server (PostgreSQL, MariaDB), migrated, no rows."""
    return laravel_on(request, request.param, php, tmp_path)
