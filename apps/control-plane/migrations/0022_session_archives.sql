-- Migration 22 (issue 15, item 3): session archives — the files an agent keeps of its ACP session
-- (Claude Code's transcript), gzipped (contracts session-archive.ts), one per chat session and
-- agent type: a newer one replaces the older. A resumed task's agent is started from it with ACP
-- session/load. archive: at most SESSION_ARCHIVE_MAX_BYTES (≤ 1.5 MiB, under D1's 2 MB value
-- limit). created_at: ms since the epoch; rows older than SESSION_ARCHIVE_RETENTION_DAYS are
-- deleted by the cron and never used.
CREATE TABLE session_archives (
  chat_session_id TEXT NOT NULL,
  agent_type TEXT NOT NULL,
  project_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  acp_session_id TEXT NOT NULL,
  archive BLOB NOT NULL,
  size_bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (chat_session_id, agent_type)
);
CREATE INDEX session_archives_created_at ON session_archives (created_at);
