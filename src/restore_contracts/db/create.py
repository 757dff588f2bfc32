"""``db init``: create the mirrored tables, idempotently, touching only tables the toolkit owns.

Seeding or recreating a table is destructive, and the URL might point at the
application's own database. So every table ``db init`` creates is recorded,
with the SHA-256 of its DDL, in the marker table ``restore_contracts_meta``; a
same-named table that is not recorded there (or was created from other DDL) is
left alone unless ``--force`` says to drop and recreate it.

``db init`` and ``db seed`` hold a lock on the database while they work
(PostgreSQL advisory lock, MySQL/MariaDB ``GET_LOCK``), so two of them started
at once never race on the same tables: the second waits for the first, and
after a bounded wait gives up with one line saying who holds the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, inspect, select, text

from restore_contracts import __version__
from restore_contracts.db.ddl import table_fingerprint
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import DatabaseError, database_errors
from restore_contracts.db.tables import CONTRACT_TABLES, META_TABLE, build_metadata
from restore_contracts.db.urls import MARIADB, MYSQL, POSTGRESQL, DatabaseUrl

CREATED_BY = f"restore-contracts {__version__}"

DEFAULT_LOCK_WAIT = 30.0
"""Seconds ``db init`` / ``db seed`` wait for another one working on the same database."""

_POLL = 0.1
"""Seconds between two attempts at PostgreSQL's advisory lock."""

FOREIGN_TABLES_REMEDY = "pass --force to drop and recreate them (their rows are lost)"
"""What ``db init`` suggests for contract tables it did not create."""


@dataclass(frozen=True, slots=True)
class InitReport:
    """What ``db init`` did to each contract table."""

    created: tuple[str, ...]
    kept: tuple[str, ...]
    """Tables the toolkit created earlier, left as they were."""
    replaced: tuple[str, ...]
    """Tables dropped and recreated because of ``force``."""


def owned_tables(conn: Connection) -> dict[str, str]:
    """Table name -> DDL fingerprint of every table ``db init`` created in this database."""
    if not inspect(conn).has_table(META_TABLE):
        return {}
    meta = build_metadata().tables[META_TABLE]
    rows = conn.execute(select(meta.c.table_name, meta.c.ddl_sha256))
    return {str(name): str(sha) for name, sha in rows}


def init_tables(
    conn: Connection,
    *,
    force: bool = False,
    foreign_keys: bool = True,
    accept_owned: bool = False,
    remedy: str = FOREIGN_TABLES_REMEDY,
) -> InitReport:
    """Create the contract tables that are missing, on an open connection.

    Refuses (DatabaseError) when a contract table exists that the toolkit did
    not create, or that it created from different DDL, unless ``force``; then
    every existing contract table is dropped and all are created anew.
    ``accept_owned`` keeps owned tables whatever DDL made them (seeding only
    needs to know it may write there); ``remedy`` is what the refusal suggests
    (each command names its own options, never another command's).
    """
    metadata = build_metadata(foreign_keys=foreign_keys)
    dialect = conn.dialect
    existing = set(inspect(conn).get_table_names())
    owned = owned_tables(conn)
    tables = [metadata.tables[name] for name in CONTRACT_TABLES]
    present = [t for t in tables if t.name in existing]
    foreign = [t.name for t in present if t.name not in owned]
    stale = [
        t.name
        for t in present
        if t.name in owned and not accept_owned and owned[t.name] != table_fingerprint(t, dialect)
    ]
    if (foreign or stale) and not force:
        problems = []
        if foreign:
            problems.append(f"tables restore-contracts did not create: {', '.join(foreign)}")
        if stale:
            problems.append(f"tables created from other DDL: {', '.join(stale)}")
        raise DatabaseError(f"refusing to touch {'; '.join(problems)}; {remedy}")
    replaced: list[str] = []
    if force and (foreign or stale):
        for table in reversed(present):
            table.drop(conn)
            replaced.append(table.name)
        existing -= set(replaced)
    meta = metadata.tables[META_TABLE]
    meta.create(conn, checkfirst=True)
    created: list[str] = []
    for table in tables:
        if table.name not in existing:
            table.create(conn)
            created.append(table.name)
    if created:
        conn.execute(delete(meta).where(meta.c.table_name.in_(created)))
        conn.execute(
            insert(meta),
            [
                {
                    "table_name": table.name,
                    "ddl_sha256": table_fingerprint(table, dialect),
                    "created_by": CREATED_BY,
                }
                for table in tables
                if table.name in created
            ],
        )
    kept = tuple(t.name for t in tables if t.name not in created)
    return InitReport(
        created=tuple(name for name in created if name not in replaced),
        kept=kept,
        replaced=tuple(name for name in CONTRACT_TABLES if name in replaced),
    )


def _lock_name(conn: Connection) -> str:
    """MySQL's GET_LOCK names are server-wide: the database's name makes them per database."""
    database = str(conn.execute(text("SELECT DATABASE()")).scalar_one())
    return "restore-contracts:" + hashlib.sha256(database.encode()).hexdigest()[:40]


_PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"restore-contracts db").digest()[:8], "big") >> 1
"""PostgreSQL advisory lock key (advisory locks are per database already)."""


def _try_lock(conn: Connection, url: DatabaseUrl, wait: float) -> bool:
    if url.backend in (MYSQL, MARIADB):
        seconds = math.ceil(wait)
        got = conn.execute(text("SELECT GET_LOCK(:name, :wait)"),
                           {"name": _lock_name(conn), "wait": seconds}).scalar()  # fmt: skip
        return bool(got)
    deadline = time.monotonic() + wait
    while True:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
        if got.scalar():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL)


@contextlib.contextmanager
def exclusive(conn: Connection, url: DatabaseUrl, action: str, wait: float) -> Iterator[None]:
    """Hold the database's ``db init``/``db seed`` lock for the block, waiting up to ``wait`` s.

    The lock belongs to the session, not to a transaction, so it spans the
    creating and the seeding transaction; it goes with the connection in any
    case. SQLite needs none: its own write lock serialises writers.
    """
    if url.backend not in (POSTGRESQL, MYSQL, MARIADB):
        yield
        return
    acquired = _try_lock(conn, url, wait)
    conn.commit()
    if not acquired:
        raise DatabaseError(
            f"{action} {url.masked}: another restore-contracts db init or db seed has been "
            f"working on this database for over {wait:g} s; try again when it has finished, "
            "or wait longer with --wait"
        )
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            conn.rollback()
            if url.backend is POSTGRESQL:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
            else:
                conn.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": _lock_name(conn)})
            conn.commit()


def init_database(
    url: DatabaseUrl,
    *,
    force: bool = False,
    foreign_keys: bool = True,
    wait: float = DEFAULT_LOCK_WAIT,
) -> InitReport:
    """``db init URL``: create the contract tables in one transaction where the database can.

    Another ``db init`` or ``db seed`` on the same database is waited for (up
    to ``wait`` seconds); the tables it created are then kept, not created twice.
    """
    engine = create_db_engine(url)
    action = "cannot initialise"
    try:
        with (
            database_errors(url, action),
            engine.connect() as conn,
            exclusive(conn, url, action, wait),
            conn.begin(),
        ):
            return init_tables(conn, force=force, foreign_keys=foreign_keys)
    finally:
        engine.dispose()


__all__ = (
    "CREATED_BY",
    "DEFAULT_LOCK_WAIT",
    "FOREIGN_TABLES_REMEDY",
    "InitReport",
    "exclusive",
    "init_database",
    "init_tables",
    "owned_tables",
)
