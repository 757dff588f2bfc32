"""Writes: nothing replaced that should be written to, nothing overwritten, nothing left behind.

Reports and baselines go to what the user named: a regular file is replaced
atomically with the permissions it had (or the umask's), a symlink is written
through, a FIFO or a device is written to and stays what it is. An output that
is one of the inputs is refused. ``generate`` interrupted by SIGTERM leaves no
temporary file, and worlds of one scenario with different seeds never share
an id or a file.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from restore_contracts._io import atomic_writer
from restore_contracts.cli import cli
from restore_contracts.errors import InputError
from restore_contracts.generators import World, build_scenario
from restore_contracts.generators.writers import table_columns, write_worlds


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one in-process invocation."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A clean NDJSON export of one completed run."""
    directory = tmp_path / "export"
    write_worlds([build_scenario("completed", 1)], "ndjson", directory)
    return directory


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for one test; the previous one is restored after it."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield os.umask
    os.umask(previous)


def report_of(export: Path) -> str:
    """The JSON report ``validate`` prints for ``export``."""
    code, stdout, _ = run("validate", str(export), "--format", "json")
    assert code == 0
    return stdout


def read_fifo(fifo: Path, into: list[bytes]) -> threading.Thread:
    """A thread that reads everything written to ``fifo``."""

    def read() -> None:
        with fifo.open("rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


class TestNonRegularTargets:
    @pytest.mark.parametrize("option", ["--output", "--write-baseline"])
    def test_fifo_is_written_to_not_replaced(
        self, export: Path, tmp_path: Path, option: str
    ) -> None:
        """A FIFO as --output or --write-baseline receives the bytes and is still a FIFO."""
        fifo = tmp_path / "out.fifo"
        os.mkfifo(fifo)
        received: list[bytes] = []
        reader = read_fifo(fifo, received)
        code, _stdout, stderr = run("validate", str(export), "--format", "json", option, str(fifo))
        reader.join(timeout=30)
        regular = tmp_path / "regular"
        run("validate", str(export), "--format", "json", option, str(regular))
        expected = report_of(export) if option == "--output" else regular.read_text()
        written = received[0].decode() if received else None
        assert (code, stderr, written, stat.S_ISFIFO(fifo.lstat().st_mode)) == (
            0,
            "",
            expected,
            True,
        )

    def test_device_is_written_to_not_replaced(self, export: Path, tmp_path: Path) -> None:
        """A null device as --output swallows the report and stays a character device."""
        null = tmp_path / "null"
        try:
            os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("creating a device node needs CAP_MKNOD (run as root)")
        outcome = run("validate", str(export), "--output", str(null))
        assert (outcome, stat.S_ISCHR(null.lstat().st_mode)) == ((0, "", ""), True)

    def test_symlink_is_written_through_to_its_target(self, export: Path, tmp_path: Path) -> None:
        """--output naming a symlink replaces its target's content; the link stays a link."""
        target = tmp_path / "reports" / "latest.json"
        target.parent.mkdir()
        target.write_text("old report\n")
        link = tmp_path / "report.json"
        link.symlink_to(target)
        outcome = run("validate", str(export), "--format", "json", "--output", str(link))
        assert (outcome, link.is_symlink(), os.readlink(link), target.read_text()) == (
            (0, "", ""),
            True,
            str(target),
            report_of(export),
        )


class TestOutputIsAnInput:
    @pytest.mark.parametrize("option", ["--output", "--write-baseline"])
    def test_output_that_is_an_input_is_refused(
        self, export: Path, tmp_path: Path, option: str
    ) -> None:
        """Writing the report over one of the files being validated is exit 2; it is kept."""
        data = export / "restore_runs.ndjson"
        before = data.read_bytes()
        outcome = run("validate", str(data), option, str(data))
        message = f"Error: {option} {data}: is one of the inputs; write elsewhere\n"
        assert (outcome, data.read_bytes()) == ((2, "", message), before)

    def test_output_through_a_link_to_an_input_is_refused(
        self, export: Path, tmp_path: Path
    ) -> None:
        """A symlink to an input is that input: refused too."""
        data = export / "restore_runs.ndjson"
        link = tmp_path / "report.txt"
        link.symlink_to(data)
        outcome = run("validate", str(export / "restore_runs.ndjson"), "-o", str(link))
        message = f"Error: --output {link}: is one of the inputs; write elsewhere\n"
        assert outcome == (2, "", message)

    def test_report_inside_an_input_directory_is_refused(self, export: Path) -> None:
        """A JSON report written into the directory being validated would be read as an
        input next time: refused; a text report there is not read and is allowed."""
        refused = run("validate", str(export), "-o", str(export / "report.json"))
        allowed = run("validate", str(export), "-o", str(export / "report.txt"))
        message = (
            f"Error: --output {export / 'report.json'}: is inside the input directory "
            f"{export}, where the next run would read it as an input; write elsewhere\n"
        )
        assert (refused, allowed[0], (export / "report.json").exists()) == (
            (2, "", message),
            0,
            False,
        )

    def test_report_over_the_baseline_is_refused(self, export: Path, tmp_path: Path) -> None:
        """--output naming the --baseline file would replace the baseline: exit 2."""
        baseline = tmp_path / "baseline.json"
        assert run("validate", str(export), "--write-baseline", str(baseline))[0] == 0
        outcome = run("validate", str(export), "--baseline", str(baseline), "-o", str(baseline))
        message = f"Error: --output {baseline}: is the --baseline file; write elsewhere\n"
        assert outcome == (2, "", message)


class TestPermissions:
    def test_new_report_respects_the_umask(
        self, export: Path, tmp_path: Path, umask: Callable[[int], None]
    ) -> None:
        """Under umask 077 a new report and baseline are 0600, not 0644."""
        umask(0o077)
        report, baseline = tmp_path / "report.txt", tmp_path / "baseline.json"
        run("validate", str(export), "-o", str(report), "--write-baseline", str(baseline))
        modes = [stat.S_IMODE(p.stat().st_mode) for p in (report, baseline)]
        assert modes == [0o600, 0o600]

    def test_replaced_report_keeps_its_mode(
        self, export: Path, tmp_path: Path, umask: Callable[[int], None]
    ) -> None:
        """Replacing a 0640 report under umask 022 keeps 0640 (and the new content)."""
        umask(0o022)
        report = tmp_path / "report.json"
        report.write_text("old\n")
        report.chmod(0o640)
        run("validate", str(export), "--format", "json", "-o", str(report))
        assert (stat.S_IMODE(report.stat().st_mode), report.read_text()) == (
            0o640,
            report_of(export),
        )

    def test_generated_files_respect_the_umask(
        self, tmp_path: Path, umask: Callable[[int], None]
    ) -> None:
        """Fixture files written under umask 027 are 0640."""
        umask(0o027)
        paths = write_worlds([build_scenario("failed", 1)], "ndjson", tmp_path / "out")
        assert {stat.S_IMODE(p.stat().st_mode) for p in paths} == {0o640}

    def test_interrupted_write_leaves_the_old_file_and_no_temporary(self, tmp_path: Path) -> None:
        """An error inside the write leaves the previous content and no hidden file."""
        target = tmp_path / "report.txt"
        target.write_text("previous\n")

        def interrupted() -> None:
            with atomic_writer(target) as handle:
                handle.write(b"half a rep")
                raise RuntimeError("interrupted")

        with pytest.raises(RuntimeError):
            interrupted()
        assert (sorted(p.name for p in tmp_path.iterdir()), target.read_text()) == (
            ["report.txt"],
            "previous\n",
        )


class TestGenerateLeavesNothingBehind:
    def test_sigterm_leaves_no_temporary_files(self, tmp_path: Path) -> None:
        """SIGTERM while generate writes: exit 143 and no file (hidden or not), no directory."""
        out = tmp_path / "fixtures"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "restore_contracts",
                "generate",
                "--scenario",
                "random",
                "--count",
                "5000000",
                "--format",
                "ndjson",
                "--out",
                str(out),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not (out.exists() and any(out.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # some rows written
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        left = sorted(p.name for p in out.iterdir()) if out.exists() else None
        assert (process.returncode, stderr, left) == (143, "restore-contracts: terminated\n", None)

    def test_refused_write_leaves_no_directory(self, tmp_path: Path) -> None:
        """A run refused while writing (a row with a column the CSV header lacks) removes
        its temporary files and the directories it created."""
        first = build_scenario("failed", 1)
        second = build_scenario("completed", 1)
        second.restore_run()["tenant_note"] = "extra"
        out = tmp_path / "new" / "fixtures"
        with pytest.raises(InputError) as refused:
            write_worlds([first, second], "csv", out)
        header = table_columns("restore_runs")
        assert (refused.value.format_message(), (tmp_path / "new").exists()) == (
            f"row has column(s) ['tenant_note'] not in the CSV header {header}",
            False,
        )

    def test_generate_refused_before_writing_leaves_no_directory(self, tmp_path: Path) -> None:
        """``generate --format ndjson --items 0`` is exit 2 and creates no directory."""
        out = tmp_path / "new" / "fixtures"
        outcome = run(
            "generate",
            "--scenario",
            "random",
            "--items",
            "0",
            "--format",
            "ndjson",
            "--out",
            str(out),
        )
        message = "Error: items per run must be between 1 and 99999, got 0\n"
        assert (outcome, (tmp_path / "new").exists()) == ((2, "", message), False)


def document(world: World) -> bytes:
    """A world as ``generate --format json`` writes it."""
    return orjson.dumps(world.tables, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


class TestSeedsNeverCollide:
    def test_two_seeds_of_one_scenario_get_two_files(
        self,
        restore_world: Callable[..., World],
        restore_fixture_files: Callable[..., list[Path]],
    ) -> None:
        """Seeds 1 and 2 of ``failed`` are written to two files, each holding its own world."""
        worlds = [restore_world("failed", seed=1), restore_world("failed", seed=2)]
        paths = restore_fixture_files(worlds, "json")
        assert [(p.name, p.read_bytes()) for p in paths] == [
            ("failed.json", document(worlds[0])),
            ("failed.seed-2.json", document(worlds[1])),
        ]

    def test_two_seeds_of_one_scenario_share_no_id(
        self,
        restore_world: Callable[..., World],
        restore_fixture_files: Callable[..., list[Path]],
    ) -> None:
        """As NDJSON, two seeds of one scenario give each table unique ids."""
        worlds = [restore_world("failed", seed=s) for s in (1, 2, 0, 99_999)]
        paths = restore_fixture_files(worlds, "ndjson")
        duplicates = {}
        for path in paths:
            ids = [orjson.loads(line)["id"] for line in path.read_bytes().splitlines()]
            duplicates[path.stem] = len(ids) - len(set(ids))
        assert duplicates == dict.fromkeys(duplicates, 0)

    def test_one_path_twice_is_refused(
        self,
        tmp_path: Path,
        restore_world: Callable[..., World],
        restore_fixture_files: Callable[..., list[Path]],
    ) -> None:
        """The same world twice would write one file twice: refused, naming both worlds."""
        world = restore_world("failed", seed=3)
        with pytest.raises(InputError) as refused:
            restore_fixture_files([world, world], "json")
        path = tmp_path / "fixtures" / "failed.seed-3.json"
        expected = (
            f"two worlds would be written to {path}: world 'failed' (seed 3) and world "
            "'failed' (seed 3); give each world its own name or seed"
        )
        assert refused.value.format_message() == expected
