-- Migration 20 (issue 14, item 2): project members and their roles, invites waiting for someone
-- to sign in, and who created each task.
-- `project_members`: one row per member of a project; exactly one `owner` per project (the
-- partial unique index). `added_by`: the user who added them (NULL for the project's creator).
CREATE TABLE project_members (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  added_by TEXT,
  added_at TEXT NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user ON project_members(user_id);
CREATE UNIQUE INDEX project_members_one_owner ON project_members(project_id) WHERE role = 'owner';

-- `project_invites`: someone invited by GitHub login (`kind` github) or email (`kind` email) who
-- has not signed in yet; `value` lower-cased. Accepted (deleted, a member row made) at their first
-- sign-in with that login, or with that email when the provider verified it.
CREATE TABLE project_invites (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('github', 'email')),
  value TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
  invited_by TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (project_id, kind, value)
);
CREATE INDEX project_invites_value ON project_invites(kind, value);

-- Whether the sign-in provider vouched for `users.email` (OIDC email_verified, GitHub's verified
-- primary email): an invite by email matches only a verified one.
ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;

-- The user who created a task (NULL: the implicit local user, the shared token or a trigger).
ALTER TABLE tasks ADD COLUMN created_by TEXT;
