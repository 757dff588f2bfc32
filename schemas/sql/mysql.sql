-- restore-contracts: the application's tables as `restore-contracts db init` makes them.
-- Dialect: MySQL / MariaDB (json; timestamp; tinyint(1) booleans; InnoDB, utf8mb4).
-- Generated from the contract models by `restore-contracts schemas --out schemas`;
-- never edited by hand. Column lines: name, storage class, provenance (note).

-- workspaces: rows of the Workspace contract.
--   id          id         assumed  (workspace_id is repo-verified; the workspaces table it points at is not named)
--   name        string     assumed
--   slug        string     assumed
--   created_at  timestamp  assumed
--   updated_at  timestamp  assumed
CREATE TABLE workspaces (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	name VARCHAR(255) NOT NULL,
	slug VARCHAR(255),
	created_at TIMESTAMP NULL,
	updated_at TIMESTAMP NULL,
	CONSTRAINT workspaces_pkey PRIMARY KEY (id)
)ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_unicode_ci;

-- managed_environments: rows of the ManagedEnvironment contract.
--   id            id         repo-verified
--   workspace_id  id         assumed
--   name          string     assumed
--   tenant_id     string     assumed
--   created_at    timestamp  assumed
--   updated_at    timestamp  assumed
--   foreign key workspace_id -> workspaces.id: assumed (on delete CASCADE: assumed)
--   secondary indexes: assumed
CREATE TABLE managed_environments (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	workspace_id BIGINT UNSIGNED NOT NULL,
	name VARCHAR(255) NOT NULL,
	tenant_id VARCHAR(255),
	created_at TIMESTAMP NULL,
	updated_at TIMESTAMP NULL,
	CONSTRAINT managed_environments_pkey PRIMARY KEY (id),
	CONSTRAINT managed_environments_workspace_id_foreign FOREIGN KEY(workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE
)ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE INDEX managed_environments_workspace_id_index ON managed_environments (workspace_id);

-- backup_sets: rows of the BackupSet contract.
--   id                      id         repo-verified
--   workspace_id            id         assumed
--   managed_environment_id  id         assumed
--   name                    string     assumed
--   status                  string     assumed
--   item_count              integer    assumed
--   created_by              id|text    assumed
--   completed_at            timestamp  assumed
--   created_at              timestamp  assumed
--   updated_at              timestamp  assumed
--   deleted_at              timestamp  repo-verified  (soft deletes repo-verified (withTrashed relation))
--   foreign key managed_environment_id -> managed_environments.id: assumed (on delete CASCADE: assumed)
--   foreign key workspace_id -> workspaces.id: assumed (on delete CASCADE: assumed)
--   secondary indexes: assumed
CREATE TABLE backup_sets (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	workspace_id BIGINT UNSIGNED NOT NULL,
	managed_environment_id BIGINT UNSIGNED NOT NULL,
	name VARCHAR(255) NOT NULL,
	status VARCHAR(255),
	item_count INTEGER UNSIGNED,
	created_by VARCHAR(255),
	completed_at TIMESTAMP NULL,
	created_at TIMESTAMP NULL,
	updated_at TIMESTAMP NULL,
	deleted_at TIMESTAMP NULL,
	CONSTRAINT backup_sets_pkey PRIMARY KEY (id),
	CONSTRAINT backup_sets_workspace_id_foreign FOREIGN KEY(workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
	CONSTRAINT backup_sets_managed_environment_id_foreign FOREIGN KEY(managed_environment_id) REFERENCES managed_environments (id) ON DELETE CASCADE
)ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE INDEX backup_sets_workspace_id_managed_environment_id_index ON backup_sets (workspace_id, managed_environment_id);

-- backup_items: rows of the BackupItem contract.
--   id                 id         assumed  (item ids in restore runs are repo-verified; the backup_items table is not named)
--   backup_set_id      id         assumed
--   policy_identifier  string     assumed
--   policy_type        string     assumed
--   display_name       string     assumed
--   platform           string     assumed
--   payload            json       assumed
--   captured_at        timestamp  assumed
--   created_at         timestamp  assumed
--   updated_at         timestamp  assumed
--   foreign key backup_set_id -> backup_sets.id: assumed (on delete CASCADE: assumed)
--   secondary indexes: assumed
CREATE TABLE backup_items (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	backup_set_id BIGINT UNSIGNED NOT NULL,
	policy_identifier VARCHAR(255),
	policy_type VARCHAR(255) NOT NULL,
	display_name VARCHAR(255),
	platform VARCHAR(255),
	payload JSON,
	captured_at TIMESTAMP NULL,
	created_at TIMESTAMP NULL,
	updated_at TIMESTAMP NULL,
	CONSTRAINT backup_items_pkey PRIMARY KEY (id),
	CONSTRAINT backup_items_backup_set_id_foreign FOREIGN KEY(backup_set_id) REFERENCES backup_sets (id) ON DELETE CASCADE
)ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE INDEX backup_items_backup_set_id_index ON backup_items (backup_set_id);

-- operation_runs: rows of the OperationRun contract.
--   id                      id         repo-verified
--   workspace_id            id         assumed
--   managed_environment_id  id         assumed
--   user_id                 id         assumed
--   type                    string     assumed
--   status                  string     repo-verified  (class repo-verified; values assumed)
--   outcome                 string     repo-verified  (class repo-verified; values assumed)
--   summary_counts          json       assumed
--   failure_summary         json       assumed
--   context                 json       assumed
--   started_at              timestamp  assumed
--   completed_at            timestamp  assumed
--   created_at              timestamp  assumed
--   updated_at              timestamp  assumed
--   foreign key managed_environment_id -> managed_environments.id: assumed (on delete SET NULL: assumed)
--   foreign key workspace_id -> workspaces.id: assumed (on delete CASCADE: assumed)
--   secondary indexes: assumed
CREATE TABLE operation_runs (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	workspace_id BIGINT UNSIGNED NOT NULL,
	managed_environment_id BIGINT UNSIGNED,
	user_id BIGINT UNSIGNED,
	type VARCHAR(255) NOT NULL,
	status VARCHAR(255) NOT NULL,
	outcome VARCHAR(255) NOT NULL,
	summary_counts JSON,
	failure_summary JSON,
	context JSON,
	started_at TIMESTAMP NULL,
	completed_at TIMESTAMP NULL,
	created_at TIMESTAMP NULL,
	updated_at TIMESTAMP NULL,
	CONSTRAINT operation_runs_pkey PRIMARY KEY (id),
	CONSTRAINT operation_runs_workspace_id_foreign FOREIGN KEY(workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
	CONSTRAINT operation_runs_managed_environment_id_foreign FOREIGN KEY(managed_environment_id) REFERENCES managed_environments (id) ON DELETE SET NULL
)ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE INDEX operation_runs_status_index ON operation_runs (status);
CREATE INDEX operation_runs_workspace_id_managed_environment_id_index ON operation_runs (workspace_id, managed_environment_id);

-- restore_runs: rows of the RestoreRun contract.
--   id                      id         assumed  (Laravel convention ($table->id()))
--   managed_environment_id  id         repo-verified
--   workspace_id            id         repo-verified
--   backup_set_id           id         repo-verified
--   requested_by            id|text    repo-verified  (nullable is repo-verified; the value type is not stated (user id or name))
--   is_dry_run              boolean    repo-verified
--   status                  string     repo-verified
--   requested_items         json       repo-verified  (json array, nullable: repo-verified; that null means the whole set is assumed)
--   preview                 json       repo-verified  (column repo-verified)
--   results                 json       repo-verified
--   metadata                json       repo-verified
--   failure_reason          text       repo-verified
--   started_at              timestamp  repo-verified  (naive values are in the application timezone (configurable, default UTC))
--   completed_at            timestamp  repo-verified  (naive values are in the application timezone (configurable, default UTC))
--   operation_run_id        id         repo-verified  (nullable FK added by migration 2026_02_10_115908 (repo-verified); that rows older than it have none is assumed)
--   created_at              timestamp  assumed  (Laravel timestamps(); naive values are in the application timezone (configurable, default UTC))
--   updated_at              timestamp  assumed  (Laravel timestamps(); naive values are in the application timezone (configurable, default UTC))
--   foreign key backup_set_id -> backup_sets.id: repo-verified (on delete CASCADE: assumed)
--   foreign key managed_environment_id -> managed_environments.id: repo-verified (on delete CASCADE: assumed)
--   foreign key operation_run_id -> operation_runs.id: repo-verified (on delete SET NULL: assumed)
--   foreign key workspace_id -> workspaces.id: assumed (on delete CASCADE: assumed)
--   secondary indexes: assumed
CREATE TABLE restore_runs (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	managed_environment_id BIGINT UNSIGNED NOT NULL,
	workspace_id BIGINT UNSIGNED NOT NULL,
	backup_set_id BIGINT UNSIGNED NOT NULL,
	requested_by VARCHAR(255),
	is_dry_run TINYINT(1) NOT NULL,
	status VARCHAR(255) NOT NULL,
	requested_items JSON,
	preview JSON,
	results JSON,
	metadata JSON,
	failure_reason TEXT,
	started_at TIMESTAMP NULL,
	completed_at TIMESTAMP NULL,
	operation_run_id BIGINT UNSIGNED,
	created_at TIMESTAMP NULL,
	updated_at TIMESTAMP NULL,
	CONSTRAINT restore_runs_pkey PRIMARY KEY (id),
	CONSTRAINT restore_runs_managed_environment_id_foreign FOREIGN KEY(managed_environment_id) REFERENCES managed_environments (id) ON DELETE CASCADE,
	CONSTRAINT restore_runs_workspace_id_foreign FOREIGN KEY(workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
	CONSTRAINT restore_runs_backup_set_id_foreign FOREIGN KEY(backup_set_id) REFERENCES backup_sets (id) ON DELETE CASCADE,
	CONSTRAINT restore_runs_operation_run_id_foreign FOREIGN KEY(operation_run_id) REFERENCES operation_runs (id) ON DELETE SET NULL
)ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE INDEX restore_runs_backup_set_id_index ON restore_runs (backup_set_id);
CREATE INDEX restore_runs_operation_run_id_index ON restore_runs (operation_run_id);
CREATE INDEX restore_runs_status_index ON restore_runs (status);
CREATE INDEX restore_runs_workspace_id_managed_environment_id_index ON restore_runs (workspace_id, managed_environment_id);

-- evidence_snapshots: rows of the EvidenceSnapshot contract.
--   id                      id         assumed  (Laravel convention)
--   workspace_id            id         foundation-real
--   managed_environment_id  id         foundation-real
--   operation_run_id        id         foundation-real  (link exists; whether restore execution produces it is deferred)
--   status                  string     foundation-real  (column foundation-real; values assumed)
--   completeness_state      string     foundation-real  (column foundation-real; values assumed)
--   generated_at            timestamp  assumed
--   expires_at              timestamp  assumed
--   summary                 json       assumed
--   created_at              timestamp  assumed
--   updated_at              timestamp  assumed
--   foreign key managed_environment_id -> managed_environments.id: assumed (on delete CASCADE: assumed)
--   foreign key operation_run_id -> operation_runs.id: foundation-real (on delete SET NULL: assumed)
--   foreign key workspace_id -> workspaces.id: assumed (on delete CASCADE: assumed)
--   secondary indexes: assumed
CREATE TABLE evidence_snapshots (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	workspace_id BIGINT UNSIGNED NOT NULL,
	managed_environment_id BIGINT UNSIGNED NOT NULL,
	operation_run_id BIGINT UNSIGNED,
	status VARCHAR(255) NOT NULL,
	completeness_state VARCHAR(255) NOT NULL,
	generated_at TIMESTAMP NULL,
	expires_at TIMESTAMP NULL,
	summary JSON,
	created_at TIMESTAMP NULL,
	updated_at TIMESTAMP NULL,
	CONSTRAINT evidence_snapshots_pkey PRIMARY KEY (id),
	CONSTRAINT evidence_snapshots_workspace_id_foreign FOREIGN KEY(workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
	CONSTRAINT evidence_snapshots_managed_environment_id_foreign FOREIGN KEY(managed_environment_id) REFERENCES managed_environments (id) ON DELETE CASCADE,
	CONSTRAINT evidence_snapshots_operation_run_id_foreign FOREIGN KEY(operation_run_id) REFERENCES operation_runs (id) ON DELETE SET NULL
)ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE INDEX evidence_snapshots_operation_run_id_index ON evidence_snapshots (operation_run_id);
CREATE INDEX evidence_snapshots_status_index ON evidence_snapshots (status);
CREATE INDEX evidence_snapshots_workspace_id_managed_environment_id_index ON evidence_snapshots (workspace_id, managed_environment_id);

-- restore_contracts_meta: which tables `db init` created (ownership marker).
CREATE TABLE restore_contracts_meta (
	table_name VARCHAR(64) NOT NULL,
	ddl_sha256 VARCHAR(64) NOT NULL,
	created_by VARCHAR(64) NOT NULL,
	CONSTRAINT restore_contracts_meta_pkey PRIMARY KEY (table_name)
)ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_unicode_ci;
