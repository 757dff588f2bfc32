"""The server fixtures: a server that does not answer skips, or fails when CI requires it."""

from __future__ import annotations

import pytest

from tests.db import conftest

UNREACHABLE = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/postgres",
    "mysql": "mysql+pymysql://root@127.0.0.1:1/mysql",
}


class TestUnreachableServer:
    @pytest.mark.parametrize("backend", sorted(UNREACHABLE))
    def test_skips_with_the_reason(self, monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
        """Without RESTORE_CONTRACTS_REQUIRE_DB the tests are skipped, saying which server."""
        monkeypatch.setattr(conftest, "REQUIRE_DB", False)
        with pytest.raises(pytest.skip.Exception) as caught:
            next(conftest._run_database(backend, UNREACHABLE[backend]))
        assert str(caught.value.msg).startswith(f"{backend} at {UNREACHABLE[backend]} does not")

    @pytest.mark.parametrize("backend", sorted(UNREACHABLE))
    def test_fails_when_required(self, monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
        """With RESTORE_CONTRACTS_REQUIRE_DB=1 (CI) a missing server fails the run."""
        monkeypatch.setattr(conftest, "REQUIRE_DB", True)
        with pytest.raises(pytest.fail.Exception) as caught:
            next(conftest._run_database(backend, UNREACHABLE[backend]))
        assert str(caught.value.msg).endswith("(RESTORE_CONTRACTS_REQUIRE_DB=1)")
