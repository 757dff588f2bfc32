"""Every example of README.md and docs/*.md runs, in page order, and prints what the page shows.

Each page runs in a fresh temporary directory, as a reader who starts from an
empty directory and types the examples one after the other would: an example
can only use what an earlier example of the same page created. Commands run in
bash (``-o pipefail``) with this virtual environment's ``bin`` first on PATH;
the conventions are in tests/docs/examples.py and docs/development.md.

What is not run, and why, is listed in NOT_RUN: ``make demo`` (run by
tests/cli/test_make_demo.py) and ``make test`` (the suite this test is part
of), package installs, and commands that run from a clone of this repository.
docs/rules.md is generated (``restore-contracts rules --format markdown``) and
holds no examples; tests/validators/test_catalogue.py checks it.

Database examples use the database name ``restore_demo`` on the local servers
(PostgreSQL 127.0.0.1:5432 user postgres, MariaDB 127.0.0.1:3306 root). Since
other test runs share those servers, the name is replaced in every command by
one unique to this test run (and back in the output before it is compared),
and that database, and any named after it (``restore_demo_app``), is dropped
afterwards. A page whose examples need a server or
a client (psql, mariadb, php) that is missing skips with the reason locally
and fails under RESTORE_CONTRACTS_REQUIRE_DB=1 or CI=true, as the compatibility
suites do.
"""

from __future__ import annotations

import doctest
import io
import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from restore_contracts.config import load_assumptions
from tests.docs.examples import Block, Command, blocks, matches

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PAGES = ["README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))]
GENERATED = {"docs/rules.md"}
PLACEHOLDER = "restore_demo"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MYSQL_ADMIN = "mysql+pymysql://root@127.0.0.1:3306/mysql"
REQUIRE = os.environ.get("RESTORE_CONTRACTS_REQUIRE_DB") == "1" or os.environ.get("CI") == "true"
TIMEOUT = 300

NOT_RUN: dict[str, str] = {
    "make demo": "tests/cli/test_make_demo.py runs it",
    "make test": "the suite this test is part of",
    "pip install 'restore-contracts[postgres]'": "installs a package; the test extra holds it",
    "pip install 'restore-contracts[html]'": "installs a package; the test extra holds it",
    "pip install 'restore-contracts[dask]'": "installs a package; the test extra holds it",
    "RESTORE_CONTRACTS_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/hostile": (
        "runs from a clone, for minutes; make test runs the same tests with 200 examples"
    ),
    ".venv/bin/pytest -q tests/compat/php": "runs from a clone; make test runs it",
    "python bench/bench_validate.py --skip-million": "runs from a clone, for minutes",
    "make bench": "runs from a clone, for minutes; tests/cli/test_bench_output.py checks its lines",
}
"""Commands shown but not run here, each with the reason."""

NEEDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"postgresql://\S*restore_demo|(^|[|;&(]\s*)psql\b"), "postgresql"),
    (re.compile(r"(mysql|mariadb)://\S*restore_demo|(^|[|;&(]\s*)mariadb\b"), "mysql"),
    (re.compile(r"(^|[|;&(]\s*)psql\b"), "psql"),
    (re.compile(r"(^|[|;&(]\s*)mariadb\b"), "mariadb"),
    (re.compile(r"(^|[|;&(]\s*)php\b"), "php"),
]
"""What a command needs besides the toolkit: a server (the placeholder database, by URL or
through its client) or a client. A URL to a port where nothing listens needs nothing."""


def without_comment(line: str) -> str:
    """A command line without the ``# comment`` ending it (a ``#`` inside quotes is not one)."""
    for match in re.finditer(r"\s+#", line):
        before = line[: match.start()]
        if before.count("'") % 2 == 0 and before.count('"') % 2 == 0:
            return before
    return line


def shown_only(command: Command) -> bool:
    """Whether a command is in NOT_RUN: its text, a trailing ``# comment`` aside."""
    return without_comment(command.text) in NOT_RUN


def _unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"{reason} (RESTORE_CONTRACTS_REQUIRE_DB=1 or CI)", pytrace=False)
    pytest.skip(reason)


def _read(page: str) -> list[Block]:
    return blocks((ROOT / page).read_text(encoding="utf-8"))


def _commands(page_blocks: list[Block]) -> list[Command]:
    return [command for block in page_blocks for command in block.commands]


def _needs(page_blocks: list[Block]) -> set[str]:
    return {
        need
        for command in _commands(page_blocks)
        if not shown_only(command)
        for pattern, need in NEEDS
        if pattern.search(command.text)
    }


def _check_server(admin: str, what: str) -> None:
    engine = create_engine(admin, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            pass
    except Exception as exc:
        _unavailable(f"{what} does not answer: {str(exc).splitlines()[0]}")
    finally:
        engine.dispose()


def _drop(admin: str, name: str, backend: str) -> None:
    """Drop the run's database and those named after it (``restore_demo_app`` -> ``<name>_app``)."""
    engine = create_engine(admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if backend == "postgresql":
                query = "SELECT datname FROM pg_database WHERE datname LIKE :like"
                drop = 'DROP DATABASE IF EXISTS "{}" WITH (FORCE)'
            else:
                query = "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE :like"
                drop = "DROP DATABASE IF EXISTS `{}`"
            for (found,) in conn.execute(text(query), {"like": f"{name}%"}).all():
                conn.execute(text(drop.format(found)))
    finally:
        engine.dispose()


@pytest.fixture
def database_name(request: pytest.FixtureRequest) -> Iterator[str]:
    """The name that stands in for ``restore_demo``: unique, and dropped on each server after."""
    name = f"rc_docs_{os.getpid()}_{secrets.token_hex(4)}"
    used: list[tuple[str, str]] = []
    request.node.stash[USED] = used
    yield name
    for admin, backend in used:
        _drop(admin, name, backend)


USED = pytest.StashKey[list[tuple[str, str]]]()


def _prepare(page_blocks: list[Block], request: pytest.FixtureRequest) -> None:
    """Skip (or, in CI, fail) when a server or client the page needs is missing."""
    needs = _needs(page_blocks)
    clients = {"psql": "postgresql-client", "mariadb": "mariadb-client", "php": "php-cli"}
    for client, package in clients.items():
        if client in needs and shutil.which(client) is None:
            _unavailable(f"{client} is not installed (apt-get install {package})")
    if "postgresql" in needs:
        _check_server(PG_ADMIN, "PostgreSQL at 127.0.0.1:5432")
        request.node.stash[USED].append((PG_ADMIN, "postgresql"))
    if "mysql" in needs:
        _check_server(MYSQL_ADMIN, "MariaDB at 127.0.0.1:3306")
        request.node.stash[USED].append((MYSQL_ADMIN, "mysql"))


def _environment() -> dict[str, str]:
    """The reader's shell: this environment's commands first, no colour, no pytest variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "FORCE_COLOR"))}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1", COLUMNS="80")
    env.update(TERM="dumb", LC_ALL="C.UTF-8", PYTHONUNBUFFERED="1")  # the order a terminal shows
    return env


def run_command(command: Command, where: Path, name: str, page: str) -> None:
    """Run one command as typed; its exit code and the output shown must be what it does."""
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command.text.replace(PLACEHOLDER, name)],
        cwd=where,
        env=_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    printed = done.stdout.replace(name, PLACEHOLDER).replace(f"{where}/", "")
    shown = "\n".join(command.output)
    assert (done.returncode, not command.output or matches(command.output, printed)) == (
        command.exit_code,
        True,
    ), (
        f"{page}:{command.line}: $ {command.text}\n"
        f"exit code {done.returncode} (the page says {command.exit_code})\n"
        f"--- printed\n{printed}--- the page shows\n{shown}"
    )


def run_doctest(block: Block, namespace: dict[str, object], page: str) -> None:
    """Run a ```pycon block in the page's namespace; every output shown must be printed."""
    test = doctest.DocTestParser().get_doctest(block.body, namespace, page, page, block.line - 1)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report = io.StringIO()
    result = runner.run(test, out=report.write, clear_globs=False)
    namespace.update(test.globs)  # a DocTest holds a copy: hand its names to the next block
    assert result.failed == 0, report.getvalue()


def check_toml(block: Block, scratch: Path, page: str) -> None:
    """A configuration example loads (a pyproject.toml one as pyproject.toml)."""
    name = "pyproject.toml" if "[tool.restore-contracts" in block.body else "restore-contracts.toml"
    scratch.mkdir(exist_ok=True)
    (scratch / name).write_text(block.body, encoding="utf-8")
    try:
        load_assumptions(scratch / name)
    except Exception as exc:
        pytest.fail(f"{page}:{block.line}: the configuration does not load: {exc}", pytrace=False)
    finally:
        (scratch / name).unlink()


def run_page(page: str, page_blocks: list[Block], where: Path, name: str) -> int:
    """Run a page's examples in order in ``where``; the number of examples run."""
    namespace: dict[str, object] = {}
    ran = 0
    for block in page_blocks:
        if block.path is not None:
            target = where / block.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.body, encoding="utf-8")
        if block.language == "toml":
            check_toml(block, where.parent / f"{where.name}-toml", page)
            ran += 1
        elif block.language == "pycon":
            run_doctest(block, namespace, page)
            ran += 1
        for command in block.commands:
            if not shown_only(command):
                run_command(command, where, name, page)
                ran += 1
    return ran


@pytest.mark.parametrize("page", [p for p in PAGES if p not in GENERATED])
def test_page_examples_run_in_order(
    page: str,
    tmp_path: Path,
    database_name: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each example of the page runs after the ones before it and prints what the page shows."""
    page_blocks = _read(page)
    _prepare(page_blocks, request)
    where = tmp_path / "reader"
    where.mkdir()
    monkeypatch.chdir(where)
    assert run_page(page, page_blocks, where, database_name) > 0


def test_generated_pages_hold_no_examples() -> None:
    """The pages this test passes over are generated and have nothing to run."""
    assert {page: _commands(_read(page)) for page in GENERATED} == {page: [] for page in GENERATED}


def test_every_command_not_run_is_on_a_page() -> None:
    """NOT_RUN lists only commands some page shows, so no stale exception hides a change."""
    shown = {without_comment(c.text) for page in PAGES for c in _commands(_read(page))}
    assert sorted(set(NOT_RUN) - shown) == []


def test_a_command_shown_only_is_not_run(tmp_path: Path) -> None:
    """Commands in NOT_RUN, with or without a trailing comment, are not run."""
    page = (
        "```console\n$ make test\n$ pip install 'restore-contracts[html]'   # 'matplotlib'\n```\n"
    )
    assert run_page("page.md", blocks(page), tmp_path, "unused") == 0


def test_readme_starts_with_the_two_commands() -> None:
    """README's first commands are ``make demo`` and ``make test`` (.ci/run relies on the second)."""
    assert [c.text for c in _commands(_read("README.md"))][:2] == ["make demo", "make test"]


def test_readme_links_every_manual() -> None:
    """Every page under docs/ is linked from README."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", readme))
    assert sorted(p for p in PAGES if p.startswith("docs/")) == sorted(linked)


GOOD = """\
```console
$ restore-contracts generate --scenario failed --format json --out fx/
wrote 1 world(s), 12 row(s) as json to fx/
  fx/failed.json
$ restore-contracts validate fx/failed.json
...
fx/failed.json: passed (fail on error): 0 findings, 68 rules applied
```
"""


def test_a_right_example_passes(tmp_path: Path) -> None:
    """The example the next test breaks runs as shown: two commands."""
    assert run_page("page.md", blocks(GOOD), tmp_path, "unused") == 2


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (
            GOOD.replace("failed.json\n...", "failed.json  # exit 1\n..."),
            "exit code 0 (the page says 1)",
        ),
        (GOOD.replace("12 row(s)", "7 row(s)"), "--- the page shows"),
        (
            GOOD.replace("validate fx/failed.json", "validate fx/other.json"),
            "exit code 2 (the page says 0)",
        ),
        ("```pycon\n>>> 1 + 1\n3\n```\n", 'File "page.md", line 2'),
        ('```toml\ntimezon = "UTC"\n```\n', "timezon: unknown key; did you mean timezone?"),
        ("```sh\nls\n```\n", "a ```sh block: write ```console with $ prompts"),
    ],
)
def test_a_wrong_example_fails(page: str, message: str, tmp_path: Path) -> None:
    """An example whose output, exit code or files differ from the page fails, saying where."""
    with pytest.raises((AssertionError, ValueError, pytest.fail.Exception)) as failed:
        run_page("page.md", blocks(page), tmp_path, "unused")
    assert message in str(failed.value)


def _anchors(text: str) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as -."""
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)
    }


@pytest.mark.parametrize("page", PAGES)
def test_links_between_pages_resolve(page: str) -> None:
    """Every relative link of a page names a file that exists, and a heading it has."""
    text = (ROOT / page).read_text(encoding="utf-8")
    outside = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    broken = []
    for target, anchor in re.findall(r"\]\(([^)#:\s]*)(?:#([^)\s]+))?\)", outside):
        path = (ROOT / page).parent / target if target else ROOT / page
        if not path.exists() or (
            anchor and anchor not in _anchors(path.read_text(encoding="utf-8"))
        ):
            broken.append(f"{target}#{anchor}" if anchor else target)
    assert broken == []
