"""``db init``: create the mirrored tables, idempotently, touching only tables the toolkit owns.

Seeding or recreating a table is destructive, and the URL might point at the
application's own database. So every table ``db init`` creates is recorded,
with the SHA-256 of its DDL, in the marker table ``restore_contracts_meta``; a
same-named table that is not recorded there (or was created from other DDL) is
left alone unless ``--force`` says to drop and recreate it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, inspect, select

from restore_contracts import __version__
from restore_contracts.db.ddl import table_fingerprint
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import DatabaseError, database_errors
from restore_contracts.db.tables import CONTRACT_TABLES, META_TABLE, build_metadata
from restore_contracts.db.urls import DatabaseUrl

CREATED_BY = f"restore-contracts {__version__}"


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
) -> InitReport:
    """Create the contract tables that are missing, on an open connection.

    Refuses (DatabaseError) when a contract table exists that the toolkit did
    not create, or that it created from different DDL, unless ``force``; then
    every existing contract table is dropped and all are created anew.
    ``accept_owned`` keeps owned tables whatever DDL made them (seeding only
    needs to know it may write there).
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
        raise DatabaseError(
            f"refusing to touch {'; '.join(problems)}; pass --force to drop and recreate them "
            "(their rows are lost)"
        )
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


def init_database(
    url: DatabaseUrl, *, force: bool = False, foreign_keys: bool = True
) -> InitReport:
    """``db init URL``: create the contract tables in one transaction where the database can."""
    engine = create_db_engine(url)
    try:
        with database_errors(url, "cannot initialise"), engine.begin() as conn:
            return init_tables(conn, force=force, foreign_keys=foreign_keys)
    finally:
        engine.dispose()


__all__ = ("CREATED_BY", "InitReport", "init_database", "init_tables", "owned_tables")
