"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit in a temporary git repository.

pre-commit installs a hook repository the way users get it: it clones the repository at a
commit and pip-installs it into an environment of its own. The repository here is a snapshot
of this checkout (tracked and new files, as they are on disk, committed in a temporary
repository), so the test exercises the working tree, not the last commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"
RC = BIN / "restore-contracts"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not PRE_COMMIT.exists(), reason="needs git and pre-commit"
)


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding this checkout's files as they are now, and its commit."""
    repo = tmp_path_factory.mktemp("hook-repo")
    listed = _git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "snapshot")
    return repo, _git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PRE_COMMIT_HOME for the module: the hook environment is installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _project(tmp_path: Path, hook_repo: tuple[Path, str], hooks: str) -> Path:
    """A user's repository with a pre-commit configuration using this project's hooks."""
    repo_path, rev = hook_repo
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo_path}\n    rev: {rev}\n    hooks:\n{hooks}", encoding="utf-8"
    )
    return project


def _run(project: Path, home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    _git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [str(PRE_COMMIT), "run", hook, "--all-files", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


VALIDATE = "      - id: restore-contracts-validate\n        args: [fixtures]\n"


def test_validate_hook_passes_a_clean_fixture_and_fails_a_broken_one(
    tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """The validate hook passes a generated world and fails, naming the finding, once it is broken."""
    project = _project(tmp_path, hook_repo, VALIDATE)
    subprocess.run(
        [str(RC), "generate", "--scenario", "draft", "--format", "ndjson", "--out", "fixtures"],
        cwd=project,
        check=True,
        capture_output=True,
    )
    clean = _run(project, pre_commit_home, "restore-contracts-validate")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "restore-contracts validate" in clean.stdout
    assert "Passed" in clean.stdout

    runs = project / "fixtures" / "restore_runs.ndjson"
    text = runs.read_text(encoding="utf-8")
    assert text.count('"status":"draft"') == 1
    runs.write_text(text.replace('"status":"draft"', '"status":"exploded"'), encoding="utf-8")
    broken = _run(project, pre_commit_home, "restore-contracts-validate")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    lines = [line.strip() for line in broken.stdout.splitlines()]
    assert "RR101 error   Row does not match its contract (1 finding)" in lines
    assert (
        "fixtures/restore_runs.ndjson:1  restore_runs#1500001  /status  Input should be 'draft', "
        "'scoped', 'checked', 'previewed', 'pending', 'queued', 'running', 'completed', 'partial', "
        "'failed', 'cancelled', 'aborted' or 'completed_with_errors' (got \"exploded\")"
    ) in lines
    # the count of rules applied grows with the catalogue: the verdict is what matters here
    verdict = [line for line in lines if line.startswith("fixtures: ")]
    assert [v.split(", ")[0] for v in verdict] == [
        "fixtures: FAILED (fail on error): 1 finding (1 error)"
    ]


SCHEMAS = "      - id: restore-contracts-schemas\n"


def test_schemas_hook_passes_current_schemas_and_fails_an_edited_one(
    tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """The schemas hook passes schemas written by this version and names a file edited by hand."""
    project = _project(tmp_path, hook_repo, SCHEMAS)
    subprocess.run(
        [str(RC), "schemas", "--out", "schemas"], cwd=project, check=True, capture_output=True
    )
    clean = _run(project, pre_commit_home, "restore-contracts-schemas")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout

    edited = sorted((project / "schemas").glob("*.json"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    broken = _run(project, pre_commit_home, "restore-contracts-schemas")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    lines = broken.stdout.splitlines()
    assert f"schemas/{edited.name}: differs from the models" in lines
    assert "schemas are out of date: run `restore-contracts schemas --out schemas`" in lines
