/**
 * The node daemon's SQLite file, `<dataDir>/daemon.db` (DESIGN.md §4: "one SQLite file per node
 * for the outbox and local session state"), and the schema of the daemon's own tables.
 *
 * The file is shared with the message outbox (`src/outbox/`, tables `outbox_*`), which versions
 * its schema with `PRAGMA user_version`. One integer cannot version two independent schemas, so
 * the daemon's tables are versioned in their own one-row table `daemon_schema_version` instead.
 * Migrations are append-only and idempotent (`IF NOT EXISTS`).
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** Migration N (1-based) brings the daemon schema to version N. Append; never edit. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS workspaces (
     id              TEXT PRIMARY KEY,
     path            TEXT NOT NULL,
     branch          TEXT NOT NULL,
     base_branch     TEXT NOT NULL,
     base_commit     TEXT,
     status          TEXT NOT NULL,
     callback_token  TEXT NOT NULL,
     project_id      TEXT,
     chat_session_id TEXT,
     task_id         TEXT,
     error           TEXT,
     created_at      TEXT NOT NULL,
     updated_at      TEXT NOT NULL
   );
   CREATE TABLE IF NOT EXISTS agent_sessions (
     workspace_id     TEXT NOT NULL REFERENCES workspaces (id),
     agent_session_id TEXT NOT NULL,
     chat_session_id  TEXT,
     status           TEXT NOT NULL,
     agent_type       TEXT,
     task_id          TEXT,
     task_title       TEXT,
     error            TEXT,
     created_at       TEXT NOT NULL,
     updated_at       TEXT NOT NULL,
     PRIMARY KEY (workspace_id, agent_session_id)
   );`,
  // Small key/value state of the daemon itself, e.g. `node_callback_token` (callback-tokens.ts).
  `CREATE TABLE IF NOT EXISTS daemon_state (
     key        TEXT PRIMARY KEY,
     value      TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );`,
  // 3 (issue 12, containing the agent): the project's repository URL and the egress allowlist a
  // workspace was created with, and the model usage its gateway counted, one row per request.
  `ALTER TABLE workspaces ADD COLUMN repo_url TEXT;
   ALTER TABLE workspaces ADD COLUMN egress_allowlist TEXT NOT NULL DEFAULT '[]';
   CREATE TABLE IF NOT EXISTS model_usage (
     id                          INTEGER PRIMARY KEY AUTOINCREMENT,
     workspace_id                TEXT NOT NULL,
     agent_session_id            TEXT,
     task_id                     TEXT,
     model                       TEXT,
     status                      INTEGER,
     input_tokens                INTEGER NOT NULL DEFAULT 0,
     output_tokens               INTEGER NOT NULL DEFAULT 0,
     cache_creation_input_tokens INTEGER NOT NULL DEFAULT 0,
     cache_read_input_tokens     INTEGER NOT NULL DEFAULT 0,
     created_at                  TEXT NOT NULL
   );
   CREATE INDEX IF NOT EXISTS model_usage_task ON model_usage (task_id);`,
  // 4 (issue 12, a durable task callback): the task callbacks not yet taken by the control plane
  // (task-callback-store.ts), one per run (workspace and task), kept across restarts.
  `CREATE TABLE IF NOT EXISTS task_callbacks (
     id           INTEGER PRIMARY KEY AUTOINCREMENT,
     task_id      TEXT NOT NULL,
     workspace_id TEXT NOT NULL,
     body         TEXT NOT NULL,
     attempts     INTEGER NOT NULL DEFAULT 0,
     last_error   TEXT,
     created_at   TEXT NOT NULL,
     updated_at   TEXT NOT NULL,
     UNIQUE (workspace_id, task_id)
   );`,
];

function migrate(db: SqliteDatabase): void {
  db.exec('CREATE TABLE IF NOT EXISTS daemon_schema_version (version INTEGER NOT NULL)');
  const row = db.prepare<[], { version: number }>('SELECT version FROM daemon_schema_version').get();
  if (!row) db.exec('INSERT INTO daemon_schema_version (version) VALUES (0)');
  const current = row?.version ?? 0;
  if (current > MIGRATIONS.length) {
    throw new Error(`daemon database schema version ${current} is newer than this daemon supports (${MIGRATIONS.length})`);
  }
  MIGRATIONS.slice(current).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.prepare('UPDATE daemon_schema_version SET version = ?').run(current + index + 1);
    })();
  });
}

/**
 * Open (creating when missing) the daemon database at `file`: WAL journal, the
 * file readable by its owner only (it holds callback tokens), and the daemon's tables migrated.
 *
 * @throws when the file cannot be opened or was written by a newer daemon.
 */
export function openDatabase(file: string): SqliteDatabase {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
