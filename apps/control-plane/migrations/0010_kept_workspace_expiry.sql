-- Migration 10 (issue 17, item 2): a task's workspace kept for inspection after its run failed or
-- was cancelled expires: past `expires_at` (ISO time; KEPT_WORKSPACE_TTL_MS after the run ended)
-- the node sweep deletes it on its node and marks it destroyed. NULL: it does not expire
-- (a workspace in use, or one created by hand).
ALTER TABLE workspaces ADD COLUMN expires_at TEXT;
CREATE INDEX workspaces_expiry ON workspaces(expires_at) WHERE expires_at IS NOT NULL;
