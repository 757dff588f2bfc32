"""Rows a Laravel application writes, read back from every source a user validates.

php-cli (app.php) writes the generated worlds (every status, the DST
changes, unicode names) into the application's own tables on SQLite,
PostgreSQL and MariaDB, the way Laravel writes them; the suite validates the
database, psql's exports and the application's Eloquent dumps, and compares
the findings with those of the same worlds as the generators write them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from restore_contracts.db.reader import DatabaseSource
from restore_contracts.db.tables import METADATA
from restore_contracts.validators import open_source
from tests.compat.php.conftest import laravel_on
from tests.compat.php.laravel import (
    APP_TIMEZONE,
    EXTRA_COLUMNS,
    Finding,
    LaravelApp,
    canonical_findings,
    laravel_worlds,
    validated,
    world_named,
    write_config,
)

GENERIC_CODES = {"RR101", "RR102"}
"""A generic model failure and "JSON column holds text that is not JSON": not a code of its own."""


def configured(tmp_path: Path, **keys: Any) -> Path:
    """A configuration as a Laravel team writes it (Laravel's app.timezone)."""
    return write_config(tmp_path / "restore-contracts.toml", timezone=APP_TIMEZONE, **keys)


def findings_by_source(
    sources: dict[str, str], config: Path | None, *options: str
) -> dict[str, tuple[int, list[Finding]]]:
    """Exit code and findings of each source."""
    return {name: validated(source, config, *options) for name, source in sources.items()}


def beyond(expected: list[Finding], found: list[Finding]) -> list[Finding]:
    """The findings beyond the expected ones; a missing expected one fails at once."""
    missing = [finding for finding in expected if finding not in found]
    assert missing == [], "a problem hid an expected finding"
    return [finding for finding in found if finding not in expected]


class TestEverySourceAgrees:
    def test_laravel_rows_give_the_same_findings_from_every_source(
        self, laravel: LaravelApp, psql: str, tmp_path: Path
    ) -> None:
        """The database, psql's exports and the Eloquent dumps of the same rows agree, once the
        application's timezone is configured (the database holds Berlin wall-clock times, the
        Eloquent dumps Carbon's UTC instants)."""
        laravel.write(laravel_worlds())
        results = findings_by_source(laravel.exports(psql), configured(tmp_path))
        reference = results["database"]
        assert reference[0] in (0, 1)
        assert results == dict.fromkeys(results, reference)


class TestWrittenTheLaravelWay:
    def test_valid_runs_are_clean_from_every_source(
        self, laravel: LaravelApp, psql: str, tmp_path: Path
    ) -> None:
        """Berlin timestamps, [] maps, Carbon ISO, 0/1, \\/ escapes: the findings of the
        generators' own rows (info only), exit 0, with the extra columns configured."""
        worlds = laravel_worlds()
        laravel.write(worlds)
        config = configured(tmp_path, extra_columns=EXTRA_COLUMNS)
        expected = (0, canonical_findings(worlds))
        results = findings_by_source(laravel.exports(psql), config)
        assert results == dict.fromkeys(results, expected)

    def test_an_unconfigured_extra_column_is_one_warning_per_column(
        self, laravel: LaravelApp, psql: str, tmp_path: Path
    ) -> None:
        """tenant_note and queue, unknown to the contracts and not configured: exactly one
        RR103 per (table, column), however many rows hold them; nothing else changes."""
        worlds = laravel_worlds()
        laravel.write(worlds)
        config = configured(tmp_path)
        expected = canonical_findings(worlds)
        for name, (exit_code, found) in findings_by_source(laravel.exports(psql), config).items():
            extra = beyond(expected, found)
            assert (name, exit_code, sorted((f[0], f[1], f[2], f[4]) for f in extra)) == (
                name,
                0,
                [
                    ("RR103", "warning", "operation_runs", "/queue"),
                    ("RR103", "warning", "restore_runs", "/tenant_note"),
                ],
            )


def _quirk(kind: str, run: dict[str, Any], column: str, pointer: str = "") -> dict[str, Any]:
    return {"kind": kind, "table": "restore_runs", "id": run["id"], "column": column,
            "pointer": pointer}  # fmt: skip


def test_double_encoded_json_is_one_finding_with_one_code_from_every_source(
    laravel: LaravelApp, psql: str, tmp_path: Path
) -> None:
    """json_encode before an array cast stores a JSON string holding JSON: one finding at
    /results with a code of its own, identical from the database and every export."""
    worlds = laravel_worlds()
    run = world_named(worlds, "partial").restore_run()
    laravel.write(worlds, [_quirk("double_encode", run, "results")])
    config = configured(tmp_path, extra_columns=EXTRA_COLUMNS)
    expected = canonical_findings(worlds)
    results = findings_by_source(laravel.exports(psql), config)
    extras = {name: (code, beyond(expected, found)) for name, (code, found) in results.items()}
    exit_code, [reference] = extras["database"]
    code, severity = reference[:2]
    assert code not in GENERIC_CODES
    assert severity in ("error", "warning")
    assert reference[:5] == (code, severity, "restore_runs", run["id"], "/results")
    assert extras == dict.fromkeys(extras, (exit_code, [reference]))


def test_php_drift_values_have_codes_of_their_own(
    laravel: LaravelApp, psql: str, tmp_path: Path
) -> None:
    """A count as numeric text "12", a fractional duration_ms and requested_items made an
    object by array_filter: one finding each, three codes of their own naming PHP."""
    worlds = laravel_worlds()
    counted = world_named(worlds, "completed_with_follow_up").restore_run()
    timed = world_named(worlds, "failed").restore_run()
    filtered = world_named(worlds, "cancelled").restore_run()
    item = next(iter(timed["results"]["items"]))
    quirks = [
        _quirk("numeric_text", counted, "metadata", "/total"),
        _quirk("fraction", timed, "results", f"/items/{item}/duration_ms"),
        _quirk("array_filter", filtered, "requested_items"),
    ]
    laravel.write(worlds, quirks)
    config = configured(tmp_path, extra_columns=EXTRA_COLUMNS)
    expected = canonical_findings(worlds)
    results = findings_by_source(laravel.exports(psql), config)
    extras = {name: beyond(expected, found) for name, (_, found) in results.items()}
    reference = sorted(extras["database"], key=lambda f: f[4])
    assert [(f[2], f[3], f[4]) for f in reference] == sorted(
        [
            ("restore_runs", counted["id"], "/metadata/total"),
            ("restore_runs", timed["id"], f"/results/items/{item}/duration_ms"),
            ("restore_runs", filtered["id"], "/requested_items"),
        ],
        key=lambda t: t[2],
    )
    codes = [f[0] for f in reference]
    assert len(set(codes)) == 3
    assert not set(codes) & GENERIC_CODES
    assert all("php" in f[5].lower() for f in reference)
    assert extras == dict.fromkeys(extras, sorted(reference))


def json_values(source: Any, table: str) -> dict[Any, dict[str, Any]]:
    """Each row's JSON columns, decoded, by id, as a source reads them."""
    columns = [c.name for c in METADATA.tables[table].columns if c.info["kind"] == "json"]
    try:
        rows = [record.data or {} for record in source.records(table)]
    finally:
        source.close()
    return {
        int(row["id"]): {
            column: orjson.loads(row[column]) if isinstance(row[column], str) else row[column]
            for column in columns
        }
        for row in rows
    }


def test_psql_row_to_json_export_is_read_as_written_or_refused(
    request: pytest.FixtureRequest, php: str, psql: str, tmp_path: Path
) -> None:
    """\\copy of row_to_json doubles every backslash (COPY text format, and json_encode wrote
    \\u00c4 and \\/): the rows are read with the values the database holds, or validate
    exits 2 with one line naming COPY, never silently other values."""
    laravel = laravel_on(request, "postgresql", php, tmp_path)
    laravel.write(laravel_worlds())
    path = laravel.copy_row_to_json(psql)
    exit_code, found = validated(path)
    if exit_code == 2:
        [(_, message)] = found
        assert "\n" not in message
        assert "copy" in message.lower()
        return
    for table in ("restore_runs", "backup_items"):
        exported = json_values(open_source(path), table)
        assert exported == json_values(DatabaseSource(laravel.url), table)


def test_a_mariadb_batch_export_gives_the_databases_findings(
    request: pytest.FixtureRequest, php: str, mariadb_client: str, tmp_path: Path
) -> None:
    """mariadb --batch output (tab-separated, NULL as \\N, backslash escapes) as .tsv files
    gives the findings of the MariaDB database it came from."""
    laravel = laravel_on(request, "mysql", php, tmp_path)
    laravel.write(laravel_worlds())
    exported = validated(laravel.mariadb_batch(mariadb_client))
    assert exported == validated(laravel.url)


def test_an_api_resource_collection_is_read_with_table(laravel: LaravelApp) -> None:
    """A Laravel API resource collection {"data": [...]} of restore runs, given --table,
    gives the findings of the same models as NDJSON."""
    laravel.write(laravel_worlds())
    ndjson = laravel.exports()["eloquent NDJSON"]
    resource = laravel.workdir / "restore-runs-resource.json"
    laravel.run("dump-resource", "restore_runs", str(resource))
    as_resource = validated(str(resource), None, "--table", "restore_runs")
    assert as_resource == validated(f"{ndjson}/restore_runs.ndjson")


def test_laravels_pgsql_driver_name_reads_the_same_database(
    request: pytest.FixtureRequest, php: str, tmp_path: Path
) -> None:
    """pgsql://, as in Laravel's DB_CONNECTION, reads what postgresql:// reads."""
    laravel = laravel_on(request, "postgresql", php, tmp_path)
    laravel.write(laravel_worlds())
    alias = "pgsql://" + laravel.url.removeprefix("postgresql://")
    assert validated(alias) == validated(laravel.url)
