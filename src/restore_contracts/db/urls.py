"""Database URLs: which databases the toolkit speaks to, through which driver, and masking.

Users write the URLs they know (``postgresql://``, ``mysql://``,
``sqlite:///path``); each maps to the one driver the toolkit supports for that
database (psycopg 3, PyMySQL, the standard library's sqlite3). A password is
never shown: every URL and every message that could carry one goes through
:func:`mask` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus

from restore_contracts.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

DEFAULT_URL = "sqlite:///restore-contracts.db"
"""The embedded database commands use when no URL is given."""

MASK = "***"

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class Backend:
    """One supported database: the driver the toolkit uses and the extra that installs it."""

    name: str
    drivername: str
    module: str
    extra: str | None
    """The ``restore-contracts[...]`` extra that installs the driver (None: standard library)."""

    @property
    def install_hint(self) -> str:
        """The command that installs the driver."""
        return f"pip install 'restore-contracts[{self.extra}]'" if self.extra else ""


POSTGRESQL = Backend("postgresql", "postgresql+psycopg", "psycopg", "postgres")
MYSQL = Backend("mysql", "mysql+pymysql", "pymysql", "mysql")
MARIADB = Backend("mariadb", "mariadb+pymysql", "pymysql", "mysql")
SQLITE = Backend("sqlite", "sqlite+pysqlite", "sqlite3", None)

_SCHEMES: dict[str, Backend] = {
    "postgresql": POSTGRESQL,
    "postgresql+psycopg": POSTGRESQL,
    "postgres": POSTGRESQL,
    "mysql": MYSQL,
    "mysql+pymysql": MYSQL,
    "mariadb": MARIADB,
    "mariadb+pymysql": MARIADB,
    "sqlite": SQLITE,
    "sqlite+pysqlite": SQLITE,
}
"""Accepted URL schemes -> backend: a bare database name means the toolkit's driver for it."""

SUPPORTED = "postgresql://, mysql://, mariadb://, sqlite:///path"


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A parsed database URL with its backend; ``str()`` is the masked form."""

    url: URL
    backend: Backend
    scheme: str = ""
    """The scheme as the user wrote it; shown instead of the driver the toolkit picked."""

    @property
    def masked(self) -> str:
        """The URL with its password (and any password query parameter) replaced by ***."""
        url = self.url.set(drivername=self.scheme) if self.scheme else self.url
        if "password" in url.query:
            url = url.update_query_dict({"password": MASK})
        return url.render_as_string(hide_password=True).replace(quote(MASK, safe=""), MASK)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every spelling of the password that could leak into a driver's message."""
        found = [self.url.password, self.url.query.get("password")]
        values: set[str] = set()
        for value in found:
            if isinstance(value, str) and value:
                values.update({value, quote(value, safe=""), quote_plus(value)})
        return tuple(sorted(values, key=len, reverse=True))

    @property
    def sqlite_path(self) -> str | None:
        """The file of a SQLite URL (None for other backends)."""
        return self.url.database if self.backend is SQLITE else None

    def mask(self, text: str) -> str:
        """``text`` with the password replaced wherever it appears."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def __str__(self) -> str:
        return self.masked


def is_database_url(spec: str) -> bool:
    """Whether an input spec is a URL (``scheme://...``) rather than a path or ``-``."""
    return bool(_SCHEME_RE.match(spec))


def parse_url(spec: str | None) -> DatabaseUrl:
    """Parse a database URL, choosing the driver; a one-line InputError when unusable."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = DEFAULT_URL if spec is None else spec.strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    backend = _SCHEMES.get(scheme)
    if backend is None:
        if not scheme:
            raise InputError(f"not a database URL (no scheme://); use one of {SUPPORTED}")
        dialect = scheme.split("+", 1)[0]
        if dialect in {"postgresql", "mysql", "mariadb", "sqlite"}:
            raise InputError(
                f"database driver {scheme.split('+', 1)[1]!r} is not supported; "
                f"use {dialect}:// (the toolkit uses {_SCHEMES[dialect].module})"
            )
        raise InputError(f"unsupported database {scheme + '://'!r}; use one of {SUPPORTED}")
    try:
        url = make_url(text)
    except ArgumentError:
        raise InputError(f"not a valid database URL (scheme {scheme}://)") from None
    parsed = DatabaseUrl(url.set(drivername=backend.drivername), backend, url.drivername)
    if backend is SQLITE and not url.database:
        raise InputError(
            "an in-memory SQLite database holds nothing: give a file, sqlite:///path/to/file.db"
        )
    if backend is not SQLITE and not url.database:
        raise InputError(f"the database URL names no database: {parsed}")
    return parsed


__all__ = (
    "DEFAULT_URL",
    "MARIADB",
    "MASK",
    "MYSQL",
    "POSTGRESQL",
    "SQLITE",
    "SUPPORTED",
    "Backend",
    "DatabaseUrl",
    "is_database_url",
    "parse_url",
)
