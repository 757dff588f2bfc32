"""Faults and bad arguments: each is one line on stderr and exit 2, never a traceback or exit 1.

Exit 1 means "findings" and nothing else, so an operating-system error (a
file that cannot be written, a full disk, a closed stdin, a FIFO given as
configuration), a malformed database URL or an absurd option value must end
with exit 2 and one line saying what is wrong, a URL's password masked.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from restore_contracts.cli import cli
from restore_contracts.db.tables import CONTRACT_TABLES
from restore_contracts.db.urls import POSTGRESQL, is_database_url, parse_url
from restore_contracts.generators import build_scenario
from restore_contracts.generators.writers import write_worlds
from tests.db.conftest import MYSQL_ADMIN, PG_ADMIN, Server, _run_database

SECRET = "s3cret-pw"


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one in-process invocation."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def run_process(
    *args: str, stdin: int | None = None, stdout: int | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """One invocation in a fresh interpreter (for stdin, stdout and signals of its own)."""
    return subprocess.run(
        [sys.executable, "-m", "restore_contracts", *args],
        stdin=stdin,
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A clean NDJSON export of one completed run."""
    directory = tmp_path / "export"
    write_worlds([build_scenario("completed", 1)], "ndjson", directory)
    return directory


def device(path: Path, major: int, minor: int) -> Path:
    """A character device node at ``path`` (1,7 is /dev/full); skips where mknod is refused."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD (run as root)")
    return path


class TestOsErrors:
    @pytest.mark.parametrize("option", ["--output", "--write-baseline"])
    def test_unwritable_report_path_is_one_line(
        self, export: Path, tmp_path: Path, option: str
    ) -> None:
        """A report or baseline under a path whose parent is a file is exit 2 naming the path."""
        (tmp_path / "file").write_text("x")
        target = tmp_path / "file" / "sub" / "report.txt"
        assert (2, "", f"Error: {target}: Not a directory\n") == run(
            "validate", str(export), option, str(target)
        )

    def test_unwritable_generate_out_is_one_line(self, tmp_path: Path) -> None:
        """``generate --out`` under a file is exit 2 naming the first file it could not write."""
        (tmp_path / "file").write_text("x")
        out = tmp_path / "file" / "fixtures"
        assert (2, "", f"Error: {out / 'completed.json'}: Not a directory\n") == run(
            "generate", "--scenario", "completed", "--out", str(out)
        )

    @pytest.mark.parametrize("option", ["--output", "--write-baseline"])
    def test_full_disk_is_one_line(self, export: Path, tmp_path: Path, option: str) -> None:
        """Writing a report or baseline to a full device is exit 2, the device left a device."""
        full = device(tmp_path / "full", 1, 7)
        outcome = run("validate", str(export), option, str(full))
        assert ((2, "", f"Error: {full}: No space left on device\n"), True) == (
            outcome,
            stat.S_ISCHR(full.stat().st_mode),
        )

    def test_full_stdout_is_exit_2_not_a_lost_report(self, export: Path) -> None:
        """A report printed to a full stdout is exit 2, not exit 0 with the report lost."""
        with open("/dev/full", "wb") as full:
            done = run_process("validate", str(export), stdout=full.fileno())
        assert (
            done.returncode,
            done.stderr,
        ) == (2, "Error: cannot write to stdout: No space left on device\n")

    @pytest.mark.parametrize("command", ["validate", "truth"])
    def test_closed_stdin_is_one_line(self, command: str) -> None:
        """Reading ``-`` when the process was started with stdin closed is exit 2."""
        done = subprocess.run(
            ["sh", "-c", f'exec "$0" -m restore_contracts {command} - <&-', sys.executable],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (
            done.returncode,
            done.stdout,
            done.stderr,
        ) == (2, "", "Error: cannot read stdin (-): it is closed\n")

    def test_fifo_as_config_is_refused_not_waited_on(self, tmp_path: Path) -> None:
        """A FIFO given as --config is exit 2 at once (opening it would wait for a writer)."""
        fifo = tmp_path / "config.toml"
        os.mkfifo(fifo)
        done = run_process("--config", str(fifo), "statuses", timeout=30)
        assert (2, f"Error: {fifo}: cannot read configuration: not a regular file\n") == (
            done.returncode,
            done.stderr,
        )


class TestUrls:
    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            (
                f"postgresql://alice:{SECRET}@db.example:fivefour/prod",
                "not a valid database URL (scheme postgresql://): the port is not a number "
                "(an IPv6 address is written [::1]:5432; a ':' in a password is written %3A)",
            ),
            (
                f"postgresql://alice:{SECRET}@[::1/prod",
                "not a valid database URL (scheme postgresql://): the port is not a number "
                "(an IPv6 address is written [::1]:5432; a ':' in a password is written %3A)",
            ),
            (
                f"mysql://alice:{SECRET}@db.example:70000/prod",
                "not a valid database URL (scheme mysql://): the port must be between 1 and "
                "65535, got 70000",
            ),
            (
                "postgresql://alice:s3c@ret@db.example/prod",
                "not a valid database URL (scheme postgresql://): '@' appears more than once; "
                "write '@' in a password as %40",
            ),
            (
                f"postgresql:/alice:{SECRET}@db.example/prod",
                "not a valid database URL: 'postgresql:/alice:***@db.example/prod' needs '//' "
                "after 'postgresql:' (postgresql://user@host/database)",
            ),
        ],
    )
    @pytest.mark.parametrize("command", ["validate", "truth", "db init"])
    def test_malformed_url_is_one_line_without_the_password(
        self, spec: str, message: str, command: str
    ) -> None:
        """Every malformed URL, wherever a URL is taken, is exit 2, its password never shown."""
        assert (2, "", f"Error: {message}\n") == run(*command.split(), spec)

    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            ("postgresql:/alice:pw@db.example/prod", True),
            ("mariadb:alice:pw@db.example/prod", True),
            ("pgsql://db.example/prod", True),
            ("mysql:exports.ndjson", False),
            ("C:/exports/restore_runs.ndjson", False),
            ("notes:/alice@example", False),
        ],
    )
    def test_mistyped_urls_are_urls_not_paths(self, spec: str, expected: bool) -> None:
        """A known database scheme with a missing slash is a (malformed) URL, never a file."""
        assert is_database_url(spec) == expected

    def test_pgsql_is_laravels_name_for_postgresql(self) -> None:
        """``pgsql://`` (and ``pgsql+psycopg://``) parse as PostgreSQL, shown as written."""
        parsed = [parse_url(f"{s}://alice:{SECRET}@h:5433/app") for s in ("pgsql", "pgsql+psycopg")]
        assert [(p.backend, p.url.drivername, p.masked) for p in parsed] == [
            (POSTGRESQL, "postgresql+psycopg", "pgsql://alice:***@h:5433/app"),
            (POSTGRESQL, "postgresql+psycopg", "pgsql+psycopg://alice:***@h:5433/app"),
        ]


class TestConfig:
    def test_config_after_the_subcommand_means_what_it_means_before(self, tmp_path: Path) -> None:
        """``statuses --config x`` prints what ``--config x statuses`` prints (not the default)."""
        config = tmp_path / "restore-contracts.toml"
        config.write_text('[legacy_mapping]\naborted = "failed"\n')
        before = run("--config", str(config), "statuses", "--format", "json")
        after = run("statuses", "--format", "json", "--config", str(config))
        default = run("statuses", "--format", "json")
        aborted = {"status": "aborted", "group": "legacy", "resolves_to": "failed"}
        shown = [
            {k: row[k] for k in aborted}
            for row in json.loads(after[1])["statuses"]
            if row["status"] == "aborted"
        ]
        assert (before, [aborted], True) == (after, shown, before != default)

    def test_config_after_a_nested_subcommand(self, tmp_path: Path) -> None:
        """``db seed --config x`` reads x: a broken file there is its one-line error."""
        config = tmp_path / "broken.toml"
        config.write_text("evidence_policy = 3\n")
        code, _, stderr = run(
            "db", "seed", f"sqlite:///{tmp_path / 'x.db'}", "--config", str(config)
        )
        expected = (
            f"Error: {config}: evidence_policy: Input should be 'latest_active' or 'latest_any'\n"
        )
        assert (2, expected) == (code, stderr)

    def test_two_different_configs_are_refused(self, tmp_path: Path) -> None:
        """``--config a`` before and ``--config b`` after the subcommand is exit 2, not a guess."""
        a, b = tmp_path / "a.toml", tmp_path / "b.toml"
        a.write_text("")
        b.write_text("")
        expected = f"Error: --config given twice with different files: {a} and {b}\n"
        assert (2, "", expected) == run("--config", str(a), "statuses", "--config", str(b))

    def test_config_that_is_not_utf8_is_one_line(self, tmp_path: Path) -> None:
        """A Latin-1 configuration file is exit 2 naming the byte and line."""
        config = tmp_path / "restore-contracts.toml"
        config.write_bytes(b'# ok\nevidence_policy = "latest_\xe9"\n')
        expected = f"Error: {config}: not valid TOML: not UTF-8 (byte 0xe9 on line 2)\n"
        assert (2, "", expected) == run("--config", str(config), "statuses")

    @pytest.mark.parametrize(
        "document", ["a = " + "[" * 5000 + "]" * 5000, "a = " + "{b = " * 3000 + "1" + "}" * 3000]
    )
    def test_config_nested_too_deep_is_one_line(self, tmp_path: Path, document: str) -> None:
        """Arrays or tables nested thousands deep are exit 2, not a RecursionError."""
        config = tmp_path / "restore-contracts.toml"
        config.write_text(document)
        expected = f"Error: {config}: not valid TOML: values nest too deeply\n"
        assert (2, "", expected) == run("statuses", "--config", str(config))


class TestRefusedUpFront:
    @pytest.mark.parametrize(
        ("options", "message"),
        [
            (["--seed", "-1"], "--seed must be an integer from 0 to 99999, got -1"),
            (["--seed", "100000"], "--seed must be an integer from 0 to 99999, got 100000"),
            (
                ["--seed", str(10**40)],
                f"--seed must be an integer from 0 to 99999, got {10**40}",
            ),
            (
                ["--scenario", "random", "--count", "0"],
                "--count must be at least 1, got 0",
            ),
            (
                ["--scenario", "random", "--count", "-3"],
                "--count must be at least 1, got -3",
            ),
            (
                ["--scenario", "random", "--count", str(10**30)],
                f"--count (plus the start index) must be at most 9990000, got {10**30}",
            ),
            (
                ["--status", "failed", "--count", "9990001"],
                "--count (plus the start index) must be at most 9990000, got 9990001",
            ),
        ],
    )
    @pytest.mark.parametrize("fmt", ["json", "ndjson"])
    def test_absurd_seed_or_count_writes_nothing(
        self, tmp_path: Path, options: list[str], message: str, fmt: str
    ) -> None:
        """An out-of-range --seed or --count is exit 2 before any file or directory exists.

        A huge count runs as a process with a deadline: if it were not refused
        it would generate until the disk is full.
        """
        out = tmp_path / "new" / "fixtures"
        args = ["generate", *options, "--format", fmt, "--out", str(out)]
        if "--count" not in options or int(options[options.index("--count") + 1]) < 10**6:
            outcome = run(*args)
        else:
            try:
                done = run_process(*args, timeout=20)
            except subprocess.TimeoutExpired:
                pytest.fail(f"generate {' '.join(options)} was not refused after 20 s")
            outcome = (done.returncode, done.stdout, done.stderr)
        assert ((2, "", f"Error: {message}\n"), False) == (outcome, (tmp_path / "new").exists())

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            (["--seed", "-1"], "--seed must be an integer from 0 to 99999, got -1"),
            (["--status", "failed", "--count", "0"], "--count must be at least 1, got 0"),
        ],
    )
    def test_db_seed_refuses_them_before_connecting(
        self, tmp_path: Path, options: list[str], message: str
    ) -> None:
        """``db seed`` takes the same options and refuses them before creating a database."""
        database = tmp_path / "x.db"
        outcome = run("db", "seed", f"sqlite:///{database}", *options)
        assert ((2, "", f"Error: {message}\n"), False) == (outcome, database.exists())


# --- live databases: dropped connections, timeouts, permissions --------------------------


@pytest.fixture(scope="module")
def postgresql_db() -> Iterator[Server]:
    """A PostgreSQL database of this module's own (skipped with its reason if none runs)."""
    yield from _run_database("postgresql", PG_ADMIN)


@pytest.fixture(scope="module")
def mysql_db() -> Iterator[Server]:
    """A MariaDB/MySQL database of this module's own (skipped with its reason if none runs)."""
    yield from _run_database("mysql", MYSQL_ADMIN)


@pytest.fixture
def pg(postgresql_db: Server) -> Server:
    """The PostgreSQL database, emptied for this test."""
    postgresql_db.reset()
    return postgresql_db


@pytest.fixture
def my(mysql_db: Server) -> Server:
    """The MariaDB database, emptied for this test."""
    mysql_db.reset()
    return mysql_db


def seeded(server: Server, *, count: int = 5) -> str:
    """``server``'s test database holding ``count`` random worlds; the URL a user would give."""
    code, _, stderr = run("db", "seed", server.spec, "--scenario", "random", "--count", str(count))
    assert (code, stderr) == (0, "")
    return server.spec


def masked(spec: str) -> str:
    """The URL as messages show it."""
    return str(parse_url(spec))


class Locked:
    """Another connection holding an exclusive lock on one table until the block ends."""

    def __init__(self, server: Server, table: str) -> None:
        self.connection = server.engine().connect()
        lock = (
            f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"
            if server.backend == "postgresql"
            else f"LOCK TABLES {table} WRITE"
        )
        self.connection.execute(text(lock))

    def __enter__(self) -> Locked:
        return self

    def __exit__(self, *_: object) -> None:
        if self.connection.dialect.name != "postgresql":
            self.connection.execute(text("UNLOCK TABLES"))
        self.connection.rollback()
        self.connection.close()


def waiting_sessions(server: Server) -> list[int]:
    """The toolkit's sessions on ``server``'s database that wait for a lock."""
    query = (
        "SELECT pid FROM pg_stat_activity WHERE datname = :db "
        "AND application_name = 'restore-contracts' AND wait_event_type = 'Lock'"
        if server.backend == "postgresql"
        else "SELECT id FROM information_schema.processlist WHERE db = :db "
        "AND state LIKE '%metadata lock%' AND id <> connection_id()"
    )
    with server.admin.connect() as conn:
        return list(conn.execute(text(query), {"db": server.url.database}).scalars())


def drop_connection_while_validating(server: Server, spec: str) -> subprocess.CompletedProcess[str]:
    """Run ``validate`` until it waits on a locked table, end its session from another
    connection (pg_terminate_backend, KILL) and return what the command did."""
    with Locked(server, "evidence_snapshots"):
        process = subprocess.Popen(
            [sys.executable, "-m", "restore_contracts", "validate", spec],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not (sessions := waiting_sessions(server)) and time.monotonic() < deadline:
            time.sleep(0.05)
        kill = "SELECT pg_terminate_backend({})" if server.backend == "postgresql" else "KILL {}"
        with server.admin.connect() as conn:
            for session in sessions:
                conn.execute(text(kill.format(int(session))))
        stdout, stderr = process.communicate(timeout=60)
    assert sessions, "validate never waited on the locked table"
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


class TestDroppedConnection:
    def test_postgresql_backend_terminated_mid_validation(self, pg: Server) -> None:
        """pg_terminate_backend on the reading session: one line, exit 2, nothing from cleanup."""
        spec = seeded(pg)
        done = drop_connection_while_validating(pg, spec)
        expected = (
            f"Error: cannot read {masked(spec)}: connection lost: "
            "terminating connection due to administrator command\n"
        )
        assert (done.returncode, done.stdout, done.stderr) == (2, "", expected)

    def test_mariadb_connection_killed_mid_validation(self, my: Server) -> None:
        """KILL of the reading connection: one line, exit 2, nothing from cleanup."""
        spec = seeded(my)
        done = drop_connection_while_validating(my, spec)
        expected = (
            f"Error: cannot read table evidence_snapshots from {masked(spec)}: connection lost: "
            "Lost connection to MySQL server during query (error 2013)\n"
        )
        assert (done.returncode, done.stdout, done.stderr) == (2, "", expected)


TIMED_OUT = " (--timeout sets how long any one wait may last)\n"


class Silent:
    """A local server that accepts connections and never says anything."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.accepted.append(self.listener.accept()[0])

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *_: object) -> None:
        self.listener.close()
        for conn in self.accepted:
            conn.close()


class TestTimeouts:
    @pytest.mark.parametrize(
        ("command", "action"),
        [("validate", "cannot read"), ("db init", "cannot initialise"), ("db seed", "cannot seed")],
    )
    def test_mariadb_port_that_never_answers(self, command: str, action: str) -> None:
        """Reading or writing, a server that accepts the connection and says nothing: exit 2
        after --timeout (a writer bounds the handshake too)."""
        with Silent() as server:
            port = server.port
            spec = f"mysql://root:{SECRET}@127.0.0.1:{port}/app"
            started = time.monotonic()
            outcome = run(*command.split(), spec, "--timeout", "1")
            elapsed = time.monotonic() - started
        expected = (
            f"Error: {action} mysql://root:***@127.0.0.1:{port}/app: timed out: "
            "Lost connection to MySQL server during query (timed out) (error 2013)" + TIMED_OUT
        )
        assert (outcome, elapsed < 15) == ((2, "", expected), True)

    @pytest.mark.parametrize(
        ("command", "action"), [("validate", "cannot read"), ("db init", "cannot initialise")]
    )
    def test_postgresql_port_that_never_answers(self, command: str, action: str) -> None:
        """Reading or writing, a PostgreSQL port that says nothing: exit 2 after --timeout."""
        with Silent() as server:
            spec = f"pgsql://alice:{SECRET}@127.0.0.1:{server.port}/app"
            started = time.monotonic()
            outcome = run(*command.split(), spec, "--timeout", "1")
            elapsed = time.monotonic() - started
        expected = (
            f"Error: {action} pgsql://alice:***@127.0.0.1:{server.port}/app: timed out: "
            "connection timeout expired" + TIMED_OUT
        )
        assert (outcome, elapsed < 15) == ((2, "", expected), True)

    def test_postgresql_table_locked_by_another_connection(self, pg: Server) -> None:
        """A table another session holds locked: exit 2 after --timeout, not a wait forever."""
        spec = seeded(pg)
        started = time.monotonic()
        with Locked(pg, "evidence_snapshots"):
            outcome = run("validate", spec, "--timeout", "1")
        elapsed = time.monotonic() - started
        expected = (
            f"Error: cannot read {masked(spec)}: timed out: "
            "canceling statement due to statement timeout" + TIMED_OUT
        )
        assert (outcome, elapsed < 10) == ((2, "", expected), True)

    def test_mariadb_table_locked_by_another_connection(self, my: Server) -> None:
        """A table another session holds locked: exit 2 after --timeout, not a wait forever."""
        spec = seeded(my)
        started = time.monotonic()
        with Locked(my, "evidence_snapshots"):
            outcome = run("truth", spec, "--timeout", "1")
        elapsed = time.monotonic() - started
        expected = (
            f"Error: cannot read table evidence_snapshots from {masked(spec)}: timed out: "
            "Lock wait timeout exceeded; try restarting transaction (error 1205)" + TIMED_OUT
        )
        assert (outcome, elapsed < 10) == ((2, "", expected), True)

    def test_default_timeout_is_thirty_seconds_everywhere(self) -> None:
        """The command line's default and the engines' default are the same 30 s."""
        from restore_contracts.cli._context import DEFAULT_TIMEOUT as CLI_DEFAULT
        from restore_contracts.db.engine import DEFAULT_TIMEOUT, current_timeout

        assert (CLI_DEFAULT, DEFAULT_TIMEOUT, current_timeout()) == (30.0, 30.0, 30.0)

    @pytest.mark.parametrize("value", ["0", "-1", "nan", "1e9"])
    def test_timeout_must_be_positive_and_bounded(self, value: str) -> None:
        """--timeout 0, below, not a number or beyond a day is one line, exit 2."""
        expected = (
            "Error: --timeout must be a number of seconds above 0 and at most 86400, "
            f"got {float(value):g}\n"
        )
        assert run("truth", "x.ndjson", "--timeout", value) == (2, "", expected)


class TestPermissions:
    def test_mariadb_table_the_user_may_not_read(self, my: Server) -> None:
        """A user without SELECT on evidence_snapshots: exit 2, as on PostgreSQL, never
        "skipped: not in the input"."""
        spec = seeded(my)
        database = my.url.database
        user = f"rc_{secrets.token_hex(4)}"
        with my.admin.connect() as conn:
            conn.execute(text(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{SECRET}'"))
        try:
            with my.admin.connect() as conn:
                for table in CONTRACT_TABLES:
                    if table != "evidence_snapshots":
                        conn.execute(
                            text(f"GRANT SELECT ON `{database}`.`{table}` TO '{user}'@'%'")
                        )
            limited = make_url(spec).set(username=user, password=SECRET)
            outcome = run("validate", limited.render_as_string(hide_password=False))
        finally:
            with my.admin.connect() as conn:
                conn.execute(text(f"DROP USER IF EXISTS '{user}'@'%'"))
        expected = (
            f"Error: cannot read table evidence_snapshots from "
            f"mysql://{user}:***@{my.url.host}:{my.url.port}/{database}: permission denied: "
            f"SELECT command denied to user '{user}'@'127.0.0.1' for table "
            f"`{database}`.`evidence_snapshots` (error 1142)\n"
        )
        assert outcome == (2, "", expected)


class TestPgsqlEverywhere:
    def test_pgsql_url_initialises_seeds_validates_and_answers(self, pg: Server) -> None:
        """``pgsql://`` works for db init, db seed, validate and truth, shown as written."""
        spec = pg.spec.replace("postgresql://", "pgsql://", 1)
        init = run("db", "init", spec)
        seed = run("db", "seed", spec, "--scenario", "completed")
        checked = run("validate", spec)
        answered = run("truth", spec, "--format", "json", "--date", "2026-06-01")
        reference = run("validate", pg.spec)
        assert (
            init[::2],
            seed[::2],
            checked,
            answered[0],
            json.loads(answered[1])["source"] if answered[0] == 0 else answered,
        ) == (
            (0, ""),
            (0, ""),
            (0, reference[1].replace("postgresql://", "pgsql://"), ""),
            0,
            masked(spec),
        )
