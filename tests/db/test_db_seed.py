"""``db seed``: worlds go in whole, in one transaction, and come back value for value."""

from __future__ import annotations

import logging
from typing import Any

import orjson
import pytest
from sqlalchemy import text

from restore_contracts.contracts import TABLE_MODELS
from restore_contracts.db.create import init_database
from restore_contracts.db.engine import create_db_engine
from restore_contracts.db.errors import DatabaseError
from restore_contracts.db.reader import DatabaseSource
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.tables import CONTRACT_TABLES, METADATA
from restore_contracts.db.urls import parse_url
from restore_contracts.errors import InputError
from restore_contracts.generators import build_coverage, build_random
from restore_contracts.generators.world import World
from tests.db.db_worlds import completed_world, dry_run_world


def normalise(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row as its contract model reads it, in JSON form (encodings made equal)."""
    return TABLE_MODELS[table].model_validate(row).model_dump(mode="json")


def as_stored(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A world row as its table holds it: a user id in an id|text column becomes its text."""
    columns = METADATA.tables[table].columns
    held = {c.name for c in columns if c.info["kind"] == "id|text"}
    return {
        key: str(value) if key in held and isinstance(value, int) else value
        for key, value in row.items()
    }


def written(worlds: list[World]) -> dict[str, list[dict[str, Any]]]:
    """Every row of the worlds as stored, normalised, by table, ordered by id."""
    result: dict[str, list[dict[str, Any]]] = {}
    for table in CONTRACT_TABLES:
        rows = [
            normalise(table, as_stored(table, row)) for world in worlds for row in world.rows(table)
        ]
        result[table] = sorted(rows, key=lambda row: row["id"])
    return result


def read_back(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row in the database, normalised, by table, in the order the source streams them."""
    with DatabaseSource(url) as source:
        return {
            table: [normalise(table, record.data or {}) for record in source.records(table)]
            for table in CONTRACT_TABLES
        }


def counts(url: str) -> dict[str, int]:
    """Rows per contract table."""
    engine = create_db_engine(parse_url(url))
    with engine.connect() as conn:
        result = {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in CONTRACT_TABLES
        }
    engine.dispose()
    return result


EMPTY = dict.fromkeys(CONTRACT_TABLES, 0)


class TestRoundTrip:
    def test_every_value_read_back_equals_what_was_written(self, db_url: str) -> None:
        """Whole rows, JSON, timestamps, booleans and unicode survive seeding and reading."""
        worlds = [completed_world(), dry_run_world(100)]
        report = seed_worlds(parse_url(db_url), worlds, batch_size=2)
        assert report.rows == {
            "workspaces": 2,
            "managed_environments": 2,
            "backup_sets": 2,
            "backup_items": 4,
            "operation_runs": 1,
            "restore_runs": 2,
            "evidence_snapshots": 1,
        }
        assert read_back(db_url) == written(worlds)

    def test_a_user_id_in_a_varchar_column_comes_back_as_text(self, db_url: str) -> None:
        """requested_by and created_by hold ids or names, so an id is read back as its text."""
        world = completed_world()
        world.restore_run()["requested_by"] = 42
        world.rows("backup_sets")[0]["created_by"] = 7
        seed_worlds(parse_url(db_url), [world])
        with DatabaseSource(db_url) as source:
            run = next(source.records("restore_runs")).data or {}
            backup_set = next(source.records("backup_sets")).data or {}
        assert (run["requested_by"], backup_set["created_by"]) == ("42", "7")

    def test_an_id_twice_is_refused(self, tmp_path: Any) -> None:
        """A primary key holds an id once: a second row with it is an error, nothing written."""
        url = f"sqlite:///{tmp_path / 'rc.db'}"
        with pytest.raises(InputError) as caught:
            seed_worlds(parse_url(url), [completed_world(), completed_world(name="hand/again")])
        assert caught.value.format_message() == (
            "world 'hand/again': workspaces#1: a row with this id came before; "
            "a primary key holds it once"
        )
        assert counts(url) == EMPTY

    def test_derived_view_tables_are_not_persisted(self, tmp_path: Any) -> None:
        """Rows of a derived view (restore_run_proofs) are counted, not written."""
        world = completed_world()
        world.rows("restore_run_proofs").append({"restore_run_id": 50})
        report = seed_worlds(parse_url(f"sqlite:///{tmp_path / 'rc.db'}"), [world])
        assert (report.total, report.not_persisted) == (8, {"restore_run_proofs": 1})


class TestGeneratedWorlds:
    def test_coverage_set_and_random_worlds_read_back_as_written(self, db_url: str) -> None:
        """Every generated row (the coverage set and a few random worlds) survives the trip."""
        worlds = [*build_coverage(3), *build_random(3, 8)]
        report = seed_worlds(parse_url(db_url), worlds)
        assert report.total == sum(len(w.rows(t)) for w in worlds for t in CONTRACT_TABLES)
        assert read_back(db_url) == written(worlds)


class TestAllOrNothing:
    def test_a_failing_row_leaves_no_row_behind(self, db_url: str) -> None:
        """A dangling reference in the last world rolls back every batch already written."""
        broken = completed_world(200, name="hand/dangling")
        broken.restore_run()["backup_set_id"] = 999
        with pytest.raises(DatabaseError) as caught:
            seed_worlds(parse_url(db_url), [completed_world(), broken], batch_size=1)
        assert caught.value.format_message().startswith(
            f"cannot seed {db_url}: foreign key violated: "
        )
        assert counts(db_url) == EMPTY

    def test_without_foreign_keys_dangling_references_are_kept(self, db_url: str) -> None:
        """Tables made without constraints hold what a constraint-free copy can hold."""
        broken = completed_world(name="hand/dangling")
        broken.restore_run()["backup_set_id"] = 999
        seed_worlds(parse_url(db_url), [broken], foreign_keys=False)
        assert read_back(db_url) == written([broken])

    def test_seeding_again_needs_replace(self, db_url: str) -> None:
        """The same ids twice are a duplicate key; --replace swaps the rows in one transaction."""
        url = parse_url(db_url)
        seed_worlds(url, [completed_world()])
        with pytest.raises(DatabaseError) as caught:
            seed_worlds(url, [completed_world()])
        assert caught.value.format_message().startswith(f"cannot seed {db_url}: duplicate key: ")
        seed_worlds(url, [dry_run_world(100)], replace=True)
        assert read_back(db_url) == written([dry_run_world(100)])


class TestUnstorableValues:
    @pytest.mark.parametrize(
        ("table", "column", "value", "message"),
        [
            (
                "restore_runs",
                "is_dry_run",
                "maybe",
                "restore_runs#50.is_dry_run: 'maybe' is not a boolean",
            ),
            (
                "restore_runs",
                "started_at",
                "yesterday",
                "restore_runs#50.started_at: expected a timestamp as 'Y-m-d H:i:s', with "
                "fractional seconds, or ISO 8601 with Z or an offset; got 'yesterday'",
            ),
            (
                "restore_runs",
                "completed_at",
                "2026-03-22 10:02:00.5",
                "restore_runs#50.completed_at: '2026-03-22 10:02:00.5' has fractional seconds; "
                "the column is timestamp(0)",
            ),
            (
                "backup_sets",
                "item_count",
                "two",
                "backup_sets#20.item_count: 'two' is not an integer",
            ),
            ("restore_runs", "status", 7, "restore_runs#50.status: 7 is not text"),
        ],
    )
    def test_a_value_the_column_cannot_hold_names_its_cell(
        self, tmp_path: Any, table: str, column: str, value: Any, message: str
    ) -> None:
        """Nothing is coerced: the error names world, table#id and column; nothing is written."""
        url = f"sqlite:///{tmp_path / 'rc.db'}"
        world = completed_world()
        world.rows(table)[0][column] = value
        with pytest.raises(InputError) as caught:
            seed_worlds(parse_url(url), [world])
        assert caught.value.format_message() == f"world 'hand/completed': {message}"
        assert counts(url) == EMPTY

    def test_a_column_the_table_lacks_is_refused(self, tmp_path: Any) -> None:
        """An unknown column cannot be stored, so seeding says so instead of dropping it."""
        world = completed_world()
        world.restore_run()["attention_state"] = "completed"
        with pytest.raises(InputError) as caught:
            seed_worlds(parse_url(f"sqlite:///{tmp_path / 'rc.db'}"), [world])
        assert caught.value.format_message() == (
            "world 'hand/completed': restore_runs#50 has column 'attention_state' that the "
            "restore_runs table does not have; a database cannot hold it"
        )

    def test_invalid_json_text_is_kept_by_sqlite_and_refused_by_json_columns(
        self, db_url: str
    ) -> None:
        """SQLite's text column keeps broken JSON verbatim; jsonb and json columns cannot."""
        world = completed_world()
        world.restore_run()["results"] = '{"items": {'
        url = parse_url(db_url)
        if url.backend.name == "sqlite":
            seed_worlds(url, [world])
            with DatabaseSource(url) as source:
                runs = [r.data for r in source.records("restore_runs")]
            assert [run["results"] for run in runs if run] == ['{"items": {']
        else:
            with pytest.raises(InputError) as caught:
                seed_worlds(url, [world])
            assert caught.value.format_message() == (
                "world 'hand/completed': restore_runs#50.results: JSON text that is not valid "
                "JSON; the column is json"
            )


class TestOwnership:
    def test_seed_refuses_tables_it_did_not_create(self, tmp_path: Any) -> None:
        """Seeding never writes into an application's own tables unasked, and says how to."""
        url = f"sqlite:///{tmp_path / 'app.db'}"
        engine = create_db_engine(parse_url(url))
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE restore_runs (id INTEGER PRIMARY KEY)"))
        engine.dispose()
        with pytest.raises(DatabaseError) as caught:
            seed_worlds(parse_url(url), [completed_world()])
        assert caught.value.format_message() == (
            "refusing to touch tables restore-contracts did not create: restore_runs; "
            "pass --into-existing to write into them as they are (their columns are "
            "reflected; nothing is created, dropped or altered)"
        )

    def test_seed_uses_tables_made_by_init(self, tmp_path: Any) -> None:
        """Tables from db init (even without foreign keys) are seeded as they are."""
        url = parse_url(f"sqlite:///{tmp_path / 'rc.db'}")
        init_database(url, foreign_keys=False)
        report = seed_worlds(url, [completed_world()])
        assert report.total == 8

    def test_into_existing_fills_tables_made_by_init_value_for_value(self, db_url: str) -> None:
        """--into-existing reflects jsonb, json and text columns alike: rows read back whole."""
        worlds = [completed_world(), dry_run_world(100)]
        init_database(parse_url(db_url))
        seed_worlds(parse_url(db_url), worlds, into_existing=True)
        assert read_back(db_url) == written(worlds)


class TestApplicationTimezone:
    def test_timestamps_are_written_in_the_applications_local_time(self, db_url: str) -> None:
        """With timezone Europe/Berlin, columns hold Berlin wall-clock time (CET before the
        DST change, CEST after) and JSON holds Carbon's UTC ISO text, as Laravel writes them."""
        winter = completed_world()
        summer = completed_world(100, name="hand/summer")
        summer.restore_run()["started_at"] = "2026-03-29 01:30:00"
        seed_worlds(parse_url(db_url), [winter, summer], timezone="Europe/Berlin")
        engine = create_db_engine(parse_url(db_url))
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT id, started_at, metadata FROM restore_runs ORDER BY id")
            ).all()
        engine.dispose()
        started = [(run_id, str(when)) for run_id, when, _ in stored]
        assert started == [(50, "2026-03-22 11:00:05"), (150, "2026-03-29 03:30:00")]
        metadata = stored[0][2]
        snapshot = (orjson.loads(metadata) if isinstance(metadata, str) else metadata)[
            "execution_safety_snapshot"
        ]
        assert snapshot["captured_at"] == "2026-03-22T10:00:00.000000Z"

    def test_an_unknown_timezone_is_one_line(self, tmp_path: Any) -> None:
        """A timezone that is not an IANA name stops seeding before anything is written."""
        with pytest.raises(InputError) as caught:
            seed_worlds(parse_url(f"sqlite:///{tmp_path / 'rc.db'}"), [], timezone="Mars/Base")
        assert caught.value.format_message() == (
            "unknown timezone 'Mars/Base'; give an IANA name such as 'Europe/Berlin'"
        )
        assert not (tmp_path / "rc.db").exists()


class TestPostgresql:
    def test_sequences_continue_after_seeded_ids(self, pg: Any) -> None:
        """After explicit ids, the application's next insert gets the next id, not 1."""
        seed_worlds(parse_url(pg.spec), [completed_world(), dry_run_world(100)])
        engine = pg.engine()
        with engine.connect() as conn:
            following = {
                table: conn.execute(
                    text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
                ).scalar_one()
                for table in ("workspaces", "restore_runs", "operation_runs")
            }
        engine.dispose()
        assert following == {"workspaces": 102, "restore_runs": 151, "operation_runs": 41}


def test_a_failed_batch_is_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    """psycopg's echo of a failed pipeline ("error ignored terminating") is dropped while
    seeding, so the one-line error stays one line; its other warnings are kept."""
    from restore_contracts.db.seed import _one_line_failures

    psycopg_logger = logging.getLogger("psycopg")
    with _one_line_failures():
        psycopg_logger.warning("error ignored terminating %r: %s", "<Pipeline>", "duplicate key")
        psycopg_logger.warning("something else")
    psycopg_logger.warning("error ignored terminating %r: %s", "<Pipeline>", "after seeding")
    assert [record.getMessage() for record in caplog.records] == [
        "something else",
        "error ignored terminating '<Pipeline>': after seeding",
    ]
