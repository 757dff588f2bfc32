"""Exports made with the real database clients read like the NDJSON of the same rows.

MariaDB: ``mariadb --batch -e 'SELECT ...'`` (a header, ``NULL``, ``\\t \\n \\\\
\\0`` escapes) and ``SELECT ... INTO OUTFILE`` (no header, ``\\N``, a backslash
before a raw tab or newline) as ``.tsv``. PostgreSQL: psql's ``\\copy (select
row_to_json(t) ...) to FILE`` is COPY text (backslashes doubled) and is refused
with the command that writes NDJSON. The rows hold tabs, newlines, backslashes,
quotes, non-ASCII text, NUL (MariaDB) and NULLs.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import inspect, text

from restore_contracts.cli import cli
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.urls import parse_url
from restore_contracts.generators.world import World
from restore_contracts.generators.writers import write_worlds
from tests.db import conftest as db_fixtures
from tests.db.conftest import REQUIRE_DB, Server
from tests.db.db_worlds import completed_world

my = db_fixtures.my
pg = db_fixtures.pg
mysql_server = db_fixtures.mysql_server
postgresql_server = db_fixtures.postgresql_server
"""The database fixtures of tests/db: a database of this run's own on each server."""

SPECIAL = 'tab\there, newline\nthere, back\\slash, "quoted", Zürich ✓, \\N, NULL'
"""Text that every export format has to escape somehow."""


def awkward_world(*, nul: bool) -> World:
    """The hand-built completed world with awkward text in a text column and a JSON column."""
    world = completed_world(name="awkward")
    run = world.rows("restore_runs")[0]
    run["failure_reason"] = SPECIAL + ("\x00end" if nul else "")
    run["metadata"] = dict(run["metadata"], note=SPECIAL, gone=None, nested={"a": [SPECIAL]})
    return world


def invoke(*args: str) -> Result:
    """Run the command line in-process."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def findings(result: Result) -> tuple[int, list[tuple[Any, ...]]]:
    """The exit code and the findings without their file and line (which differ by format)."""
    report: dict[str, Any] = orjson.loads(result.output)
    return result.exit_code, [
        (f["code"], f["table"], f["id"], f["pointer"], f["message"]) for f in report["findings"]
    ]


def client(name: str) -> str:
    """The path of a client program, or a skip (a failure in CI) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed"
        if REQUIRE_DB:
            pytest.fail(f"{reason} (RESTORE_CONTRACTS_REQUIRE_DB=1)", pytrace=False)
        pytest.skip(reason)
    return path


def as_ndjson(world: World, directory: Path) -> tuple[int, list[tuple[Any, ...]]]:
    """The findings of the world written as NDJSON."""
    write_worlds([world], "ndjson", directory)
    return findings(invoke("validate", str(directory), "--format", "json"))


class TestMariadb:
    def _mariadb(self, server: Server, *args: str) -> bytes:
        url = server.url
        command = [client("mariadb"), "-h", str(url.host), "-P", str(url.port or 3306)]
        command += ["-u", str(url.username), str(url.database), *args]
        return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout

    def test_batch_output_reads_like_ndjson(self, my: Server, tmp_path: Path) -> None:
        """`mariadb --batch -e 'SELECT * FROM t'` per table, as .tsv: the NDJSON's findings."""
        world = awkward_world(nul=True)
        expected = as_ndjson(world, tmp_path / "ndjson")
        seed_worlds(parse_url(my.spec), [world])
        out = tmp_path / "tsv"
        out.mkdir()
        for table in world.tables:
            data = self._mariadb(my, "--batch", "-e", f"SELECT * FROM {table} ORDER BY id")
            (out / f"{table}.tsv").write_bytes(data)
        assert b"\\t" in (out / "restore_runs.tsv").read_bytes()
        assert expected == findings(invoke("validate", str(out), "--format", "json"))
        assert expected[1] != []

    def test_into_outfile_needs_a_header_then_reads_like_ndjson(
        self, my: Server, tmp_path: Path
    ) -> None:
        """INTO OUTFILE writes no header (exit 2); with the column names put first it reads
        like the NDJSON of the same rows."""
        world = awkward_world(nul=True)
        expected = as_ndjson(world, tmp_path / "ndjson")
        seed_worlds(parse_url(my.spec), [world])
        engine = my.engine()
        with engine.connect() as db:
            allowed = db.execute(text("SELECT @@secure_file_priv")).scalar()
        directory = Path(allowed) if allowed else Path("/tmp")
        out = tmp_path / "outfile"
        out.mkdir()
        columns = {t: [c["name"] for c in inspect(engine).get_columns(t)] for t in world.tables}
        for table in world.tables:
            written = directory / f"rc-{secrets.token_hex(6)}-{table}.txt"
            try:
                with engine.connect() as db:
                    db.execute(text(f"SELECT * FROM {table} ORDER BY id INTO OUTFILE '{written}'"))
                data = written.read_bytes()
            except Exception as exc:  # the server's own file system or rights
                engine.dispose()
                pytest.skip(f"INTO OUTFILE is not usable here: {str(exc).splitlines()[0]}")
            finally:
                written.unlink(missing_ok=True)
            (out / f"{table}.tsv").write_bytes(data)
        engine.dispose()
        assert b"\\N" in (out / "restore_runs.tsv").read_bytes()
        path = out / "restore_runs.tsv"
        refused = CliRunner().invoke(cli, ["validate", str(path)])
        message = (
            f"Error: {path}: the first line is not a header of column names (SELECT ... INTO "
            "OUTFILE and mysqldump --tab write none); export with `mariadb --batch -e 'SELECT * "
            "FROM <table>' <database> > <table>.tsv`, or put a line of tab-separated column "
            "names first\n"
        )
        expected_refusal = (2, message)
        assert expected_refusal == (refused.exit_code, refused.output)
        for table in world.tables:
            path = out / f"{table}.tsv"
            path.write_bytes("\t".join(columns[table]).encode() + b"\n" + path.read_bytes())
        assert expected == findings(invoke("validate", str(out), "--format", "json"))


class TestPsql:
    def test_copy_of_row_to_json_is_refused_with_the_command_that_works(
        self, pg: Server, tmp_path: Path
    ) -> None:
        """`\\copy (select row_to_json(t) ...) to FILE` exits 2 with a hint; the hinted
        `psql -XAt -c 'SELECT to_jsonb(t) ...'` output is read (never exit 2)."""
        world = awkward_world(nul=False)
        seed_worlds(parse_url(pg.spec), [world])
        url = pg.url
        base = [client("psql"), "-X", "-h", str(url.host), "-p", str(url.port or 5432)]
        base += ["-U", str(url.username), "-d", str(url.database)]
        copied = tmp_path / "restore_runs.ndjson"
        select = "select row_to_json(t) from restore_runs t"
        subprocess.run([*base, "-c", f"\\copy ({select}) to '{copied}'"], check=True, timeout=60)
        refused = CliRunner().invoke(cli, ["validate", str(copied)])
        expected = (
            2,
            f"Error: {copied}: line 1 is psql COPY text, not JSON (\\copy ... TO FILE doubles "
            "every backslash); export NDJSON with psql -XAt -c 'SELECT to_jsonb(t) FROM "
            "restore_runs t' -o restore_runs.ndjson\n",
        )
        assert expected == (refused.exit_code, refused.output)
        hinted = tmp_path / "hinted" / "restore_runs.ndjson"
        hinted.parent.mkdir()
        command = [*base, "-At", "-c", "SELECT to_jsonb(t) FROM restore_runs t", "-o", str(hinted)]
        subprocess.run(command, check=True, timeout=60)
        read = invoke("validate", str(hinted), "--format", "json", "--select", "RR0")
        clean: tuple[int, list[tuple[Any, ...]]] = (0, [])
        assert clean == findings(read)
        rows = [orjson.loads(line) for line in hinted.read_bytes().splitlines()]
        reasons = [SPECIAL]
        assert reasons == [row["failure_reason"] for row in rows]
