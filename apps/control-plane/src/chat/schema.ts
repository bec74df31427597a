/**
 * ProjectData SQLite schema: numbered, append-only, idempotent migrations applied when the
 * Durable Object starts (DESIGN.md §4).
 */
import { DRAFT_TABLE_SQL } from './chat-drafts.js';
import { FOLLOW_UP_TABLE_SQL } from './follow-up-queue.js';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE chat_sessions (
     id TEXT PRIMARY KEY,
     task_id TEXT,
     workspace_id TEXT,
     topic TEXT,
     status TEXT NOT NULL DEFAULT 'active',
     message_count INTEGER NOT NULL DEFAULT 0,
     last_seq INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX chat_sessions_updated ON chat_sessions(updated_at DESC);
   CREATE INDEX chat_sessions_task ON chat_sessions(task_id);
   CREATE TABLE chat_messages (
     session_id TEXT NOT NULL REFERENCES chat_sessions(id),
     seq INTEGER NOT NULL,
     message_id TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL,
     content TEXT NOT NULL,
     tool_metadata TEXT,
     created_at TEXT NOT NULL,
     PRIMARY KEY (session_id, seq)
   );`,
  // 2: the durable queue of follow-up prompts (issue 4).
  FOLLOW_UP_TABLE_SQL,
  // 3: drafts of messages still being written (issue 13).
  DRAFT_TABLE_SQL,
  // 4: who wrote a user message (issue 14): JSON contracts UserRef, a snapshot taken when it was written.
  'ALTER TABLE chat_messages ADD COLUMN author TEXT;',
];

/** Apply the migrations this database has not seen yet. */
export function migrate(sql: SqlStorage): void {
  sql.exec('CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const row = sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM _migrations').one();
  const applied = row.v ?? 0;
  MIGRATIONS.forEach((statement, index) => {
    const version = index + 1;
    if (version <= applied) return;
    sql.exec(statement);
    sql.exec('INSERT INTO _migrations (version, applied_at) VALUES (?, ?)', version, new Date().toISOString());
  });
}
