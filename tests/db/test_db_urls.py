"""Database URLs: driver selection, masking and one-line rejections."""

from __future__ import annotations

import sys

import pytest

from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import MissingDriverError
from restore_contracts.db.urls import DEFAULT_URL, is_database_url, parse_url
from restore_contracts.errors import InputError


class TestParseUrl:
    @pytest.mark.parametrize(
        ("spec", "drivername", "backend"),
        [
            ("postgresql://u@h/db", "postgresql+psycopg", "postgresql"),
            ("postgresql+psycopg://u@h/db", "postgresql+psycopg", "postgresql"),
            ("postgres://u@h/db", "postgresql+psycopg", "postgresql"),
            ("mysql://root@h/db", "mysql+pymysql", "mysql"),
            ("mysql+pymysql://root@h/db", "mysql+pymysql", "mysql"),
            ("mariadb://root@h/db", "mariadb+pymysql", "mariadb"),
            ("sqlite:///rc.db", "sqlite+pysqlite", "sqlite"),
            ("sqlite:////abs/rc.db", "sqlite+pysqlite", "sqlite"),
        ],
    )
    def test_each_scheme_maps_to_the_toolkit_driver(
        self, spec: str, drivername: str, backend: str
    ) -> None:
        """A bare database scheme means the one driver the toolkit supports for it."""
        parsed = parse_url(spec)
        assert (drivername, backend) == (parsed.url.drivername, parsed.backend.name)

    def test_no_url_means_the_embedded_default(self) -> None:
        """Commands without a URL use the SQLite file in the working directory."""
        assert DEFAULT_URL == "sqlite:///restore-contracts.db"
        parsed = parse_url(None)
        assert (parsed.backend.name, parsed.sqlite_path) == ("sqlite", "restore-contracts.db")

    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            (
                "oracle://scott:tiger@h/db",
                "unsupported database 'oracle://'; use one of postgresql:// (or pgsql://), "
                "mysql://, mariadb://, sqlite:///path",
            ),
            (
                "postgresql+psycopg2://u:pw@h/db",
                "database driver 'psycopg2' is not supported; use postgresql:// "
                "(the toolkit uses psycopg)",
            ),
            (
                "mysql+mysqldb://u:pw@h/db",
                "database driver 'mysqldb' is not supported; use mysql:// "
                "(the toolkit uses pymysql)",
            ),
            (
                "sqlite://",
                "an in-memory SQLite database holds nothing: give a file, "
                "sqlite:///path/to/file.db",
            ),
            ("postgresql://u:pw@h", "the database URL names no database: postgresql://u:***@h"),
            (
                "u:pw@h/db",
                "not a database URL (no scheme://); use one of postgresql:// (or pgsql://), "
                "mysql://, mariadb://, sqlite:///path",
            ),
        ],
    )
    def test_unusable_urls_are_one_line_errors_without_the_password(
        self, spec: str, message: str
    ) -> None:
        """Unsupported databases, drivers and URLs are rejected in one line, password hidden."""
        with pytest.raises(InputError) as caught:
            parse_url(spec)
        assert message == caught.value.format_message()


class TestMasking:
    def test_masked_url_hides_the_password_and_keeps_the_users_scheme(self) -> None:
        """The URL shown in messages keeps what the user wrote except the password."""
        parsed = parse_url("postgresql://alice:s3cr%40t@db.example:5433/prod?sslmode=require")
        assert str(parsed) == "postgresql://alice:***@db.example:5433/prod?sslmode=require"

    def test_password_query_parameter_is_masked(self) -> None:
        """A password passed as a query parameter is hidden too."""
        parsed = parse_url("mysql://alice@h/db?password=hunter2")
        assert parsed.masked == "mysql://alice@h/db?password=***"

    def test_every_spelling_of_the_password_is_masked_in_text(self) -> None:
        """Raw and URL-encoded forms of the password are replaced wherever they appear."""
        parsed = parse_url("postgresql://alice:p%40ss%20word@h/db")
        text = "auth failed for p@ss word (p%40ss%20word, p%40ss+word)"
        assert parsed.mask(text) == "auth failed for *** (***, ***)"


class TestIsDatabaseUrl:
    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            ("postgresql://u@h/db", True),
            ("sqlite:///x.db", True),
            ("mysql+pymysql://root@h/db", True),
            ("exports/restore_runs.ndjson", False),
            ("-", False),
            ("C:/exports/x.json", False),
        ],
    )
    def test_urls_are_told_from_paths(self, spec: str, expected: bool) -> None:
        """Only ``scheme://`` specs are databases; paths and ``-`` are files and stdin."""
        assert expected == is_database_url(spec)


class TestMissingDriver:
    @pytest.mark.parametrize(
        ("spec", "module", "message"),
        [
            (
                "postgresql://u:pw@127.0.0.1/db",
                "psycopg",
                "the postgresql driver (psycopg) is not installed: "
                "pip install 'restore-contracts[postgres]' (or: pip install 'psycopg[binary]')",
            ),
            (
                "mysql://u:pw@127.0.0.1/db",
                "pymysql",
                "the mysql driver (pymysql) is not installed: "
                "pip install 'restore-contracts[mysql]' (or: pip install 'PyMySQL')",
            ),
        ],
    )
    def test_missing_driver_names_the_extra(
        self, monkeypatch: pytest.MonkeyPatch, spec: str, module: str, message: str
    ) -> None:
        """Without the driver, the error names the extra and the driver package (an ImportError)."""
        monkeypatch.setitem(sys.modules, module, None)
        with pytest.raises(MissingDriverError) as caught:
            create_db_engine(parse_url(spec))
        assert message == caught.value.format_message()
        assert isinstance(caught.value, ImportError)
