-- Migration 18 (issue 14, item 5): the audit log — who did what, when. One row per action done
-- through the public API (contracts audit.ts AuditAction); project_id is null for events of no
-- project (nodes, user-level credentials, sign-ins). detail is JSON of plain facts (names, kinds,
-- titles), never a secret. at: ms since the epoch. Rows older than AUDIT_RETENTION_DAYS are
-- deleted by the cron.
CREATE TABLE audit_events (
  id TEXT PRIMARY KEY,
  project_id TEXT,
  actor_user_id TEXT,
  actor_token_id TEXT,
  action TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX audit_events_project_at ON audit_events (project_id, at);
CREATE INDEX audit_events_at ON audit_events (at);
