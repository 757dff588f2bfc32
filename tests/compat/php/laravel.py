"""Driving the PHP application (app.php) and reading its data back the ways users export it.

``LaravelApp`` runs the application's migrations and writes generated worlds
through php-cli exactly as the Laravel application writes them; ``exports``
gives every source a user validates: the database itself, psql's ``\\copy``
CSV and ``row_to_json`` exports (PostgreSQL), and the application's own
Eloquent ``toArray()`` dumps as one JSON document and as NDJSON.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from restore_contracts.cli import cli
from restore_contracts.db.tables import CONTRACT_TABLES
from restore_contracts.generators import build_coverage, build_scenario
from restore_contracts.generators.world import World
from restore_contracts.validators import validate
from restore_contracts.validators.readers.memory import RowsSource

APP = Path(__file__).with_name("app.php")
BACKENDS = ("sqlite", "postgresql", "mysql")
APP_TIMEZONE = "Europe/Berlin"
EXTRA_COLUMNS = {"restore_runs": ["tenant_note"], "operation_runs": ["queue"]}
"""The application's columns the contracts do not know (app.php's migrations)."""

Finding = tuple[Any, ...]


MODEL_DEFAULTS = {"restore_runs": ("metadata", "preview"), "evidence_snapshots": ("summary",)}
"""JSON attributes the application's models default to an empty array (``$attributes``): a
row that never set them holds the empty map, which PHP's json_encode writes as ``[]``."""


def laravel_worlds(seed: int = 1) -> list[World]:
    """What the application holds: every status (the coverage set), the DST changes, unicode
    names, and requesters given by email address and by nobody; the JSON attributes with a
    model default hold the empty map (``{}`` here, ``[]`` once PHP has written them)."""
    extra = ("dst_spring_forward", "dst_fall_back", "unicode_display_names",
             "requested_by_email", "requested_by_nobody")  # fmt: skip
    worlds = [*build_coverage(seed), *(build_scenario(name, seed) for name in extra)]
    for world in worlds:
        for table, columns in MODEL_DEFAULTS.items():
            for row in world.rows(table):
                for column in columns:
                    if row.get(column) is None:
                        row[column] = {}
    return worlds


def world_named(worlds: Iterable[World], name: str) -> World:
    """The world of one scenario."""
    return next(world for world in worlds if world.name == name)


@dataclass
class LaravelApp:
    """The PHP application on one database, and where its exports go."""

    php: str
    backend: str
    url: str
    """The database as restore-contracts is given it."""
    workdir: Path
    timezone: str = APP_TIMEZONE
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def on(cls, php: str, backend: str, url: str, workdir: Path, **kwargs: Any) -> LaravelApp:
        """The application configured (DB_* variables, as in .env) for a toolkit URL."""
        app = cls(php, backend, url, workdir, **kwargs)
        if backend == "sqlite":
            path = url.removeprefix("sqlite:///")
            app.env = {"DB_CONNECTION": "sqlite", "DB_DATABASE": path}
        else:
            parsed = make_url(url)
            app.env = {
                "DB_CONNECTION": "pgsql" if backend == "postgresql" else "mariadb",
                "DB_HOST": parsed.host or "127.0.0.1",
                "DB_PORT": str(parsed.port or (5432 if backend == "postgresql" else 3306)),
                "DB_DATABASE": parsed.database or "",
                "DB_USERNAME": parsed.username or "",
                "DB_PASSWORD": parsed.password or "",
            }
        app.env["APP_TIMEZONE"] = app.timezone
        return app

    def run(self, *args: str) -> None:
        """Run one app.php command; a PHP failure fails the test with PHP's own message."""
        done = subprocess.run(
            [self.php, str(APP), *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"php app.php {args[0]}: {done.stderr or done.stdout}")

    def migrate(self) -> None:
        """php artisan migrate: the application's own tables."""
        self.run("migrate")

    def write(
        self,
        worlds: Sequence[World],
        quirks: Sequence[dict[str, Any]] = (),
        *,
        tenant_notes: bool = True,
    ) -> None:
        """Insert the worlds through the application (quirks: the PHP mistakes to make)."""
        plan = {
            "worlds": [{"name": world.name, "tables": world.tables} for world in worlds],
            "quirks": list(quirks),
            "tenant_notes": tenant_notes,
        }
        path = self.workdir / "plan.json"
        path.write_bytes(orjson.dumps(plan))
        self.run("write", str(path))

    def exports(self, psql: str | None = None) -> dict[str, str]:
        """Every source of the written rows: name -> what ``validate`` is given."""
        sources = {"database": self.url}
        dump = self.workdir / "eloquent-json" / "dump.json"
        dump.parent.mkdir()
        self.run("dump-array", str(dump))
        sources["eloquent toArray() JSON"] = str(dump)
        ndjson = self.workdir / "eloquent-ndjson"
        ndjson.mkdir()
        self.run("dump-ndjson", str(ndjson))
        sources["eloquent NDJSON"] = str(ndjson)
        if self.backend == "postgresql" and psql is not None:
            csv = self.workdir / "psql-csv"
            csv.mkdir()
            self.psql(psql, *(f"\\copy {t} to '{csv / t}.csv' csv header" for t in CONTRACT_TABLES))
            sources["psql \\copy csv header"] = str(csv)
            rows = self.workdir / "psql-row-to-json"
            rows.mkdir()
            commands = ["\\pset format unaligned", "\\pset tuples_only on"]
            for t in CONTRACT_TABLES:
                commands += [
                    f"\\o '{rows / t}.ndjson'",
                    f"select row_to_json(t) from {t} t order by id",
                ]
            self.psql(psql, *commands, "\\o")
            sources["psql row_to_json (-At)"] = str(rows)
        return sources

    def copy_row_to_json(self, psql: str) -> str:
        """``\\copy (select row_to_json(t) ...) to FILE`` per table (COPY text, backslashes
        doubled): the directory."""
        rows = self.workdir / "psql-copy-row-to-json"
        rows.mkdir()
        self.psql(
            psql,
            *(
                f"\\copy (select row_to_json(t) from {t} t order by id) to '{rows / t}.ndjson'"
                for t in CONTRACT_TABLES
            ),
        )
        return str(rows)

    def mariadb_batch(self, client: str) -> str:
        """``mariadb --batch -e 'SELECT * ...' > table.tsv`` per table: the directory."""
        out = self.workdir / "mariadb-batch"
        out.mkdir()
        env = self.env
        for table in CONTRACT_TABLES:
            done = subprocess.run(
                [
                    client,
                    "--batch",
                    "--protocol=tcp",
                    "-h",
                    env["DB_HOST"],
                    "-P",
                    env["DB_PORT"],
                    "-u",
                    env["DB_USERNAME"],
                    env["DB_DATABASE"],
                    "-e",
                    f"SELECT * FROM {table} ORDER BY id",
                ],
                env={**os.environ, "MYSQL_PWD": env["DB_PASSWORD"]},
                capture_output=True,
                timeout=120,
                check=False,
            )
            if done.returncode != 0:
                raise AssertionError(f"mariadb: {done.stderr.decode()}")
            (out / f"{table}.tsv").write_bytes(done.stdout)
        return str(out)

    def psql(self, psql: str, *commands: str) -> None:
        """Run psql commands against the application's database, as a user would."""
        env = self.env
        args = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", env["DB_HOST"], "-p",
                env["DB_PORT"], "-U", env["DB_USERNAME"], "-d", env["DB_DATABASE"]]  # fmt: skip
        for command in commands:
            args += ["-c", command]
        done = subprocess.run(
            args,
            env={**os.environ, "PGPASSWORD": env["DB_PASSWORD"]},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"psql: {done.stderr}")


def write_config(path: Path, **keys: Any) -> Path:
    """A restore-contracts.toml with the given top-level keys (strings, or table -> list)."""
    lines = []
    for key, value in keys.items():
        if isinstance(value, dict):
            inner = ", ".join(
                f"{table} = [{', '.join(orjson.dumps(c).decode() for c in cols)}]"
                for table, cols in value.items()
            )
            lines.append(f"{key} = {{ {inner} }}")
        else:
            lines.append(f"{key} = {orjson.dumps(value).decode()}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def validated(source: str, config: Path | None = None, *options: str) -> tuple[int, list[Finding]]:
    """Exit code and findings of ``restore-contracts validate SOURCE --format json``.

    A finding is (code, severity, table, id, pointer, message), without where
    it was read (file:line or table#id), which differs by source by design.
    """
    args = ["--config", str(config)] if config is not None else []
    result = CliRunner().invoke(cli, [*args, "validate", source, "--format", "json", *options])
    if result.exit_code not in (0, 1):
        return result.exit_code, [("exit", result.output.strip())]
    document = orjson.loads(result.stdout)
    return result.exit_code, sorted(
        (f["code"], f["severity"], f["table"], f["id"], f["pointer"], f["message"])
        for f in document["findings"]
    )


def canonical_findings(worlds: Sequence[World]) -> list[Finding]:
    """The findings of the worlds as the generators write them (the oracle of a valid write)."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in CONTRACT_TABLES}
    for world in worlds:
        for name in CONTRACT_TABLES:
            tables[name].extend(world.rows(name))
    result = validate(RowsSource(tables))
    return sorted(
        (f.code, str(f.severity), f.table, f.id, f.pointer, f.message) for f in result.findings
    )
