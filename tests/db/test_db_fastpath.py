"""Values read from a database take the same fast path as files and give the model's verdict."""

from __future__ import annotations

from sqlalchemy import text

from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.reader import DatabaseSource
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.urls import parse_url
from restore_contracts.validators import validate
from tests.db.db_worlds import completed_world


def test_item_key_with_a_comma_is_one_finding_per_map(db_url: str) -> None:
    """An item key "2,9000001" stored in results and preview is one finding in each map,
    from every database (it crashed the whole run)."""
    world = completed_world()
    run = world.rows("restore_runs")[0]
    old = next(iter(run["results"]["items"]))
    seed_worlds(parse_url(db_url), [world])
    engine = create_db_engine(parse_url(db_url))
    cast = "::text" if engine.dialect.name == "postgresql" else ""
    back = "::json" if engine.dialect.name == "postgresql" else ""
    with engine.begin() as conn:
        for column in ("results", "preview"):
            conn.execute(
                text(
                    f"UPDATE restore_runs SET {column} = "
                    f"replace({column}{cast}, :old, :new){back} WHERE id = :id"
                ),
                {"old": f'"{old}"', "new": '"2,9000001"', "id": run["id"]},
            )
    engine.dispose()
    with DatabaseSource(db_url) as source:
        result = validate(source)
    message = "key string should match pattern '^[1-9][0-9]{0,17}$' (got \"2,9000001\")"
    assert [(f.code, f.table, f.id, f.pointer, f.message) for f in result.findings] == [
        ("RR101", "restore_runs", run["id"], "/preview/items/2,9000001", message),
        ("RR101", "restore_runs", run["id"], "/results/items/2,9000001", message),
    ]
