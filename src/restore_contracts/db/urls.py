"""Database URLs: which databases the toolkit speaks to, through which driver, and masking.

Users write the URLs they know (``postgresql://``, Laravel's ``pgsql://``,
``mysql://``, ``sqlite:///path``); each maps to the one driver the toolkit supports for that
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
    package: str | None = None
    """The driver's own distribution: installs wherever the toolkit came from (a checkout,
    a wheel, an index that does not carry restore-contracts)."""

    @property
    def install_hint(self) -> str:
        """The commands that install the driver: the extra, or the driver package itself."""
        if not self.extra:
            return ""
        return f"pip install 'restore-contracts[{self.extra}]' (or: pip install '{self.package}')"


POSTGRESQL = Backend("postgresql", "postgresql+psycopg", "psycopg", "postgres", "psycopg[binary]")
MYSQL = Backend("mysql", "mysql+pymysql", "pymysql", "mysql", "PyMySQL")
MARIADB = Backend("mariadb", "mariadb+pymysql", "pymysql", "mysql", "PyMySQL")
SQLITE = Backend("sqlite", "sqlite+pysqlite", "sqlite3", None)

_SCHEMES: dict[str, Backend] = {
    "postgresql": POSTGRESQL,
    "postgresql+psycopg": POSTGRESQL,
    "postgres": POSTGRESQL,
    "pgsql": POSTGRESQL,
    "pgsql+psycopg": POSTGRESQL,
    "mysql": MYSQL,
    "mysql+pymysql": MYSQL,
    "mariadb": MARIADB,
    "mariadb+pymysql": MARIADB,
    "sqlite": SQLITE,
    "sqlite+pysqlite": SQLITE,
}
"""Accepted URL schemes -> backend: a bare database name means the toolkit's driver for it.
``pgsql`` is Laravel's name for the PostgreSQL driver (``DB_CONNECTION=pgsql``)."""

SUPPORTED = "postgresql:// (or pgsql://), mysql://, mariadb://, sqlite:///path"

_DIALECTS = {"postgresql": "postgresql", "postgres": "postgresql", "pgsql": "postgresql"}
_DIALECTS.update({name: name for name in ("mysql", "mariadb", "sqlite")})
"""Database names a scheme can start with -> the scheme to suggest when its driver is not ours."""

_MISTYPED_RE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):(?!//)(?=/|[^/]*@)")
"""A known database scheme followed by ``:`` and not ``//`` (``postgresql:/u:pw@host``):
a mistyped URL, never a file name to look for."""


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
    """Whether an input spec is a URL (``scheme://...``) rather than a path or ``-``.

    A known database scheme with one slash or none (``postgresql:/u:pw@host``)
    counts as a URL too, so that it is refused as a malformed URL (password
    masked) instead of being looked for as a file.
    """
    if _SCHEME_RE.match(spec):
        return True
    mistyped = _MISTYPED_RE.match(spec)
    return mistyped is not None and mistyped["scheme"].split("+", 1)[0].lower() in _DIALECTS


def _mask_raw(text: str) -> str:
    """An unparsed URL with anything between ``user:`` and ``@`` masked (for messages)."""
    from restore_contracts.errors import mask_urls

    return mask_urls(text)


def parse_url(spec: str | None) -> DatabaseUrl:
    """Parse a database URL, choosing the driver; a one-line InputError when unusable."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = DEFAULT_URL if spec is None else spec.strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    backend = _SCHEMES.get(scheme)
    if backend is None:
        if not scheme and is_database_url(text):
            mistyped = _MISTYPED_RE.match(text)
            assert mistyped is not None  # a URL without :// is a mistyped one
            written = mistyped["scheme"]
            raise InputError(
                f"not a valid database URL: {_mask_raw(text)!r} needs '//' after "
                f"'{written}:' ({written}://user@host/database)"
            )
        if not scheme:
            raise InputError(f"not a database URL (no scheme://); use one of {SUPPORTED}")
        dialect = _DIALECTS.get(scheme.split("+", 1)[0])
        if dialect is not None and "+" in scheme:
            raise InputError(
                f"database driver {scheme.split('+', 1)[1]!r} is not supported; "
                f"use {dialect}:// (the toolkit uses {_SCHEMES[dialect].module})"
            )
        raise InputError(f"unsupported database {scheme + '://'!r}; use one of {SUPPORTED}")
    try:
        url = make_url(text)
    except ArgumentError:
        raise InputError(f"not a valid database URL (scheme {scheme}://)") from None
    except ValueError:  # SQLAlchemy reads the port as it parses
        raise InputError(
            f"not a valid database URL (scheme {scheme}://): the port is not a number "
            "(an IPv6 address is written [::1]:5432; a ':' in a password is written %3A)"
        ) from None
    _check_address(url, scheme)
    parsed = DatabaseUrl(url.set(drivername=backend.drivername), backend, url.drivername)
    if backend is SQLITE and not url.database:
        raise InputError(
            "an in-memory SQLite database holds nothing: give a file, sqlite:///path/to/file.db"
        )
    if backend is not SQLITE and not url.database:
        raise InputError(f"the database URL names no database: {parsed}")
    return parsed


def _check_address(url: URL, scheme: str) -> None:
    """Refuse a host or port that cannot be what the user meant, without echoing either:
    a stray ``@`` or ``:`` may be part of the password."""
    where = f"not a valid database URL (scheme {scheme}://)"
    host = url.host or ""
    if "@" in host:
        raise InputError(f"{where}: '@' appears more than once; write '@' in a password as %40")
    if host.startswith("[") or host.endswith("]") or "/" in host:
        raise InputError(f"{where}: the host is malformed (an IPv6 address is written [::1])")
    try:
        port = url.port
    except ValueError:
        raise InputError(
            f"{where}: the port is not a number (an IPv6 address is written [::1]:5432; "
            "a ':' in a password is written %3A)"
        ) from None
    if port is not None and not 1 <= port <= 65535:
        raise InputError(f"{where}: the port must be between 1 and 65535, got {port}")


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
