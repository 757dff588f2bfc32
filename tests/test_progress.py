"""Progress bars of the long commands, seen through a real pseudo-terminal on stderr.

Each command runs as a subprocess whose stderr is a pty (or a pipe) and whose
stdout is a file, so the bar's rendered text and the stdout bytes are compared
separately.
"""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "restore_contracts"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
RATE = r"[\d,]+ rows/s"
BAR = r"[━╸╺ ]+"


@dataclass(frozen=True)
class Run:
    """What one command printed: stdout bytes, stderr text and exit code."""

    stdout: bytes
    stderr: str
    code: int

    def lines(self) -> list[str]:
        """The stderr lines as drawn: escape sequences removed, each redraw a line."""
        text = ANSI.sub("", self.stderr)
        return [line.rstrip() for line in re.split(r"[\r\n]", text) if line.strip()]


def _env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"}
    }
    env.update(TERM="xterm-256color", COLUMNS="160", LINES="40", PYTHONIOENCODING="utf-8")
    return env


def run(args: list[str], cwd: Path, *, tty: bool) -> Run:
    """Run the CLI with stderr on a pty (``tty``) or a pipe; stdout goes to a file."""
    out_path = cwd / f"stdout-{os.getpid()}-{len(list(cwd.iterdir()))}"
    with out_path.open("wb") as out:
        if not tty:
            done = subprocess.run(
                [*CLI, *args], cwd=cwd, env=_env(), stdout=out, stderr=subprocess.PIPE, check=False
            )
            return Run(out_path.read_bytes(), done.stderr.decode(), done.returncode)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
        proc = subprocess.Popen(
            [*CLI, *args], cwd=cwd, env=_env(), stdout=out, stderr=slave, stdin=subprocess.DEVNULL
        )
        os.close(slave)
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError as exc:  # EIO: every writer of the pty has gone
                if exc.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        code = proc.wait(timeout=120)
    return Run(out_path.read_bytes(), b"".join(chunks).decode(), code)


def _rows(directory: Path) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in directory.glob("*.ndjson"))


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Forty random worlds as NDJSON, written without a terminal."""
    root = tmp_path_factory.mktemp("progress")
    done = run(
        ["generate", "--scenario", "random", "--count", "40", "--format", "ndjson", "--out", "fx"],
        root,
        tty=False,
    )
    assert done.code == 0
    return root


def test_generate_draws_worlds_and_rows_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal generate ends with a full bar, 100% and every row it wrote, at a rate."""
    done = run(
        ["generate", "--scenario", "random", "--count", "40", "--format", "ndjson", "--out", "g"],
        tmp_path,
        tty=True,
    )
    rows = _rows(tmp_path / "g")
    assert (done.code, rows > 0) == (0, True)
    assert re.fullmatch(rf"generate worlds {BAR} 100% {rows:,} rows  {RATE}", done.lines()[-1])


def test_generate_draws_nothing_on_a_pipe_or_with_no_progress(tmp_path: Path) -> None:
    """A pipe gets no bar, and neither does a terminal with --no-progress."""
    args = ["generate", "--scenario", "random", "--count", "5", "--format", "ndjson"]
    piped = run([*args, "--out", "a"], tmp_path, tty=False)
    quiet = run([*args, "--out", "b", "--no-progress"], tmp_path, tty=True)
    assert (piped.code, piped.stderr, quiet.code, quiet.stderr) == (0, "", 0, "")


def test_generate_to_stdout_is_the_same_bytes_with_a_bar(tmp_path: Path) -> None:
    """`generate --out -` writes the same stdout bytes with the bar drawn and without it."""
    args = ["generate", "--scenario", "random", "--count", "20", "--format", "ndjson", "--out", "-"]
    drawn = run([*args, "--progress"], tmp_path, tty=True)
    plain = run([*args, "--no-progress"], tmp_path, tty=False)
    assert "generate worlds" in drawn.stderr
    assert (drawn.code, len(drawn.stdout) > 0, drawn.stdout) == (0, True, plain.stdout)


def test_forced_progress_draws_on_a_pipe(tmp_path: Path) -> None:
    """--progress draws the bar even when stderr is a pipe."""
    args = ["generate", "--scenario", "random", "--count", "3", "--format", "ndjson"]
    done = run(
        [*args, "--progress", "--out", "j"],
        tmp_path,
        tty=False,
    )
    rows = _rows(tmp_path / "j")
    assert done.code == 0
    assert re.fullmatch(rf"generate worlds {BAR} 100% {rows:,} rows  {RATE}", done.lines()[-1])


def test_db_seed_draws_its_rows_on_a_terminal(tmp_path: Path) -> None:
    """db seed ends with a full bar naming the database and the rows it inserted."""
    url = f"sqlite:///{tmp_path / 'seed.db'}"
    done = run(["db", "seed", url, "--scenario", "random", "--count", "30"], tmp_path, tty=True)
    summary = done.stdout.decode().splitlines()[-1]
    match = re.fullmatch(
        rf"{re.escape(url)}: seeded 30 world\(s\), (\d+) row\(s\) in one transaction", summary
    )
    assert match is not None
    rows = int(match.group(1))
    assert re.fullmatch(
        rf"db seed {re.escape(url)} {BAR} 100% {rows:,} rows  {RATE}", done.lines()[-1]
    )


def test_db_seed_draws_nothing_on_a_pipe_or_with_no_progress(tmp_path: Path) -> None:
    """db seed on a pipe, or on a terminal with --no-progress, writes nothing to stderr."""
    args = ["db", "seed", "--scenario", "random", "--count", "3"]
    piped = run([*args, f"sqlite:///{tmp_path / 'a.db'}"], tmp_path, tty=False)
    quiet = run([*args, f"sqlite:///{tmp_path / 'b.db'}", "--no-progress"], tmp_path, tty=True)
    assert (piped.code, piped.stderr, quiet.code, quiet.stderr) == (0, "", 0, "")


def test_validate_draws_tables_and_rows_on_a_terminal(export: Path) -> None:
    """validate ends with the last table read, 100% of the bytes and every row, at a rate."""
    done = run(["validate", "fx"], export, tty=True)
    rows = _rows(export / "fx")
    assert done.code == 0
    assert re.fullmatch(
        rf"validate restore_runs {BAR} 100% {rows:,} rows  {RATE}", done.lines()[-1]
    )


def test_validate_draws_nothing_on_a_pipe_or_with_no_progress(export: Path) -> None:
    """validate on a pipe, or on a terminal with --no-progress, writes nothing to stderr."""
    piped = run(["validate", "fx"], export, tty=False)
    quiet = run(["validate", "fx", "--no-progress"], export, tty=True)
    assert (piped.code, piped.stderr, quiet.code, quiet.stderr) == (0, "", 0, "")


def test_validate_report_is_the_same_bytes_with_a_bar(export: Path) -> None:
    """The JSON report on stdout is byte for byte the same with the bar drawn and without."""
    drawn = run(["validate", "fx", "--format", "json"], export, tty=True)
    plain = run(["validate", "fx", "--format", "json"], export, tty=False)
    assert "validate restore_runs" in drawn.stderr
    assert (drawn.code, drawn.stdout) == (plain.code, plain.stdout)


def test_truth_draws_tables_and_rows_on_a_terminal(export: Path) -> None:
    """truth names the table it reads and ends with every row of the export (no total: no share)."""
    done = run(["truth", "fx", "--date", "2026-06-01"], export, tty=True)
    rows = _rows(export / "fx")
    assert done.code == 0
    assert re.fullmatch(rf"truth restore_runs {BAR} {rows:,} rows  {RATE}", done.lines()[-1])


def test_truth_report_is_the_same_bytes_and_quiet_without_a_terminal(export: Path) -> None:
    """truth's report is the same bytes with the bar; a pipe and --no-progress get no bar."""
    args = ["truth", "fx", "--date", "2026-06-01"]
    drawn = run(args, export, tty=True)
    piped = run(args, export, tty=False)
    quiet = run([*args, "--no-progress"], export, tty=True)
    assert "truth " in drawn.stderr
    assert (piped.stderr, quiet.stderr) == ("", "")
    assert (drawn.stdout, quiet.stdout) == (piped.stdout, piped.stdout)


def test_schemas_draws_the_files_it_writes_on_a_terminal(tmp_path: Path) -> None:
    """schemas --out ends with a full bar and the number of files it wrote; the stdout list
    of files is the same with --no-progress."""
    drawn = run(["schemas", "--out", "a"], tmp_path, tty=True)
    quiet = run(["schemas", "--out", "a", "--no-progress"], tmp_path, tty=True)
    files = sorted(p for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert (drawn.code, quiet.stderr, drawn.stdout) == (0, "", quiet.stdout)
    assert re.fullmatch(
        rf"schemas {BAR} 100% {len(files)} files  [\d,]+ files/s", drawn.lines()[-1]
    )


def test_an_error_starts_on_its_own_line_after_the_bar(tmp_path: Path) -> None:
    """A run stopped by bad input leaves the bar short of done and prints its one-line error
    on a line of its own, exit 2."""
    (tmp_path / "foo.ndjson").write_text('{"x": 1}\n')
    done = run(["validate", "foo.ndjson", "--table", "nope"], tmp_path, tty=True)
    *drawn, last = [line.rstrip("\r") for line in ANSI.sub("", done.stderr).rstrip().split("\n")]
    bar = drawn[-1].split("\r")[-1]
    assert re.fullmatch(rf"validate foo\.ndjson {BAR}   0% 0 rows  [-\d,]+ rows/s", bar)
    assert (done.code, done.stdout, last) == (
        2,
        b"",
        "Error: foo.ndjson: none of the contract tables (it holds 'nope'); name the table "
        "with --table or name the file after it (e.g. restore_runs.ndjson)",
    )
