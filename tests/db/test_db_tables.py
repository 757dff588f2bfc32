"""The mirrored tables: columns from the contracts, keys and indexes, DDL per dialect, drift."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from restore_contracts.contracts import TABLE_MODELS
from restore_contracts.db.ddl import render_ddl, sql_files
from restore_contracts.db.tables import METADATA, build_metadata
from restore_contracts.schemas import Drift, check_schemas

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


class TestColumns:
    @pytest.mark.parametrize("table", list(TABLE_MODELS))
    def test_every_contract_field_is_a_column_in_declaration_order(self, table: str) -> None:
        """A table has exactly its model's fields as columns, in the model's order."""
        assert list(TABLE_MODELS[table].model_fields) == list(METADATA.tables[table].c.keys())

    def test_restore_runs_storage_classes_follow_the_field_types(self) -> None:
        """Ids are bigint keys, JSON columns json, timestamps timestamp, is_dry_run boolean."""
        kinds = {c.name: c.info["kind"] for c in METADATA.tables["restore_runs"].columns}
        assert kinds == {
            "id": "id",
            "managed_environment_id": "id",
            "workspace_id": "id",
            "backup_set_id": "id",
            "requested_by": "id|text",
            "is_dry_run": "boolean",
            "status": "string",
            "requested_items": "json",
            "preview": "json",
            "results": "json",
            "metadata": "json",
            "failure_reason": "text",
            "started_at": "timestamp",
            "completed_at": "timestamp",
            "operation_run_id": "id",
            "created_at": "timestamp",
            "updated_at": "timestamp",
        }

    def test_nullability_follows_the_contract(self) -> None:
        """Required fields are NOT NULL; optional ones nullable (operation_run_id, deleted_at)."""
        runs = METADATA.tables["restore_runs"]
        not_null = sorted(c.name for c in runs.columns if not c.nullable)
        assert not_null == [
            "backup_set_id",
            "id",
            "is_dry_run",
            "managed_environment_id",
            "status",
            "workspace_id",
        ]
        assert METADATA.tables["backup_sets"].c.deleted_at.nullable

    def test_columns_carry_their_provenance(self) -> None:
        """Each column keeps its field's provenance label and note."""
        column = METADATA.tables["restore_runs"].c.operation_run_id
        assert column.info == {
            "provenance": "repo-verified",
            "note": "nullable FK added by migration 2026_02_10_115908 (repo-verified); "
            "that rows older than it have none is assumed",
            "kind": "id",
        }


class TestKeysAndIndexes:
    def test_restore_runs_foreign_keys(self) -> None:
        """restore_runs references its tenant, workspace, backup set and operation run."""
        keys = {
            (fk.parent.name, fk.column.table.name, fk.ondelete)
            for fk in METADATA.tables["restore_runs"].foreign_keys
        }
        assert {
            ("managed_environment_id", "managed_environments", "CASCADE"),
            ("workspace_id", "workspaces", "CASCADE"),
            ("backup_set_id", "backup_sets", "CASCADE"),
            ("operation_run_id", "operation_runs", "SET NULL"),
        } == keys

    def test_indexes_on_tenant_columns_status_and_operation_run(self) -> None:
        """restore_runs and evidence_snapshots are indexed the way their lookups need."""
        indexes = {
            table: sorted(str(i.name) for i in METADATA.tables[table].indexes)
            for table in ("restore_runs", "evidence_snapshots")
        }
        assert indexes == {
            "restore_runs": [
                "restore_runs_backup_set_id_index",
                "restore_runs_operation_run_id_index",
                "restore_runs_status_index",
                "restore_runs_workspace_id_managed_environment_id_index",
            ],
            "evidence_snapshots": [
                "evidence_snapshots_operation_run_id_index",
                "evidence_snapshots_status_index",
                "evidence_snapshots_workspace_id_managed_environment_id_index",
            ],
        }

    def test_tables_can_be_built_without_foreign_keys(self) -> None:
        """The constraint-free variant has the same columns and indexes but no foreign key."""
        bare = build_metadata(foreign_keys=False)
        assert [fk for t in bare.tables.values() for fk in t.foreign_keys] == []
        assert {n: list(t.c.keys()) for n, t in METADATA.tables.items()} == {
            n: list(t.c.keys()) for n, t in bare.tables.items()
        }


class TestDdl:
    @pytest.mark.parametrize(
        ("dialect", "expected"),
        [
            (
                "postgresql",
                [
                    "\tid BIGSERIAL NOT NULL,",
                    "\tis_dry_run BOOLEAN NOT NULL,",
                    "\tresults JSONB,",
                    "\tstarted_at TIMESTAMP(0) WITHOUT TIME ZONE,",
                ],
            ),
            (
                "mysql",
                [
                    "\tid BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,",
                    "\tis_dry_run TINYINT(1) NOT NULL,",
                    "\tresults JSON,",
                    "\tstarted_at TIMESTAMP NULL,",
                ],
            ),
            (
                "sqlite",
                [
                    "\tid INTEGER NOT NULL,",
                    "\tis_dry_run BOOLEAN NOT NULL,",
                    "\tresults TEXT,",
                    "\tstarted_at DATETIME,",
                ],
            ),
        ],
    )
    def test_dialect_types(self, dialect: str, expected: list[str]) -> None:
        """jsonb / json / text, timestamp(0), tinyint(1) booleans: as Laravel migrates them."""
        ddl = render_ddl(dialect)
        start = ddl.index("CREATE TABLE restore_runs")
        block = ddl[start : ddl.index(";", start)].splitlines()
        wanted = ("\tid ", "\tis_dry_run ", "\tresults ", "\tstarted_at ")
        assert expected == [line for line in block if line.startswith(wanted)]

    def test_soft_delete_column_in_every_dialect(self) -> None:
        """backup_sets.deleted_at is in each dialect's DDL, labelled repo-verified."""
        for dialect in ("postgresql", "mysql", "sqlite"):
            ddl = render_ddl(dialect)
            assert "deleted_at              timestamp  repo-verified" in ddl
            assert "\tdeleted_at " in ddl[ddl.index("CREATE TABLE backup_sets") :]


class TestDrift:
    def test_committed_schemas_match_the_models(self) -> None:
        """schemas/ (JSON Schemas and sql/) is exactly what the models generate."""
        assert check_schemas(SCHEMAS) == []

    def test_edited_missing_and_stray_sql_files_are_drift(self, tmp_path: Path) -> None:
        """A hand edit, a deleted dialect file and an unknown .sql file are each reported."""
        copy = tmp_path / "schemas"
        shutil.copytree(SCHEMAS, copy)
        (copy / "sql" / "mysql.sql").write_text("-- edited\n")
        (copy / "sql" / "sqlite.sql").unlink()
        (copy / "sql" / "oracle.sql").write_text("-- stray\n")
        assert [
            Drift("sql/mysql.sql", "differs from the models"),
            Drift("sql/sqlite.sql", "missing"),
            Drift("sql/oracle.sql", "not generated by any model"),
        ] == check_schemas(copy)

    def test_one_file_per_dialect(self) -> None:
        """DDL is generated for PostgreSQL, MySQL/MariaDB and SQLite."""
        assert list(sql_files()) == ["sql/postgresql.sql", "sql/mysql.sql", "sql/sqlite.sql"]
