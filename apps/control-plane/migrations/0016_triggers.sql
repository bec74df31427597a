-- Migration 16 (issue 16, item 4): triggers — tasks made without typing them, per project.
-- `template` is the task template as JSON (contracts TriggerTemplate; NULL: a GitHub issue
-- trigger's default description). A webhook trigger keeps only the SHA-256 of its secret
-- (`secret_hash`, hex); a GitHub issue trigger needs its secret to check HMAC signatures, so it
-- keeps it encrypted like a credential (`secret_ciphertext`, `secret_iv`). `last_fired_slot`: the
-- ISO time of the last schedule slot that made a task.
CREATE TABLE triggers (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('webhook', 'schedule', 'github_issue')),
  name TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  template TEXT,
  cron TEXT,
  label TEXT,
  secret_hash TEXT,
  secret_ciphertext TEXT,
  secret_iv TEXT,
  last_fired_slot TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX triggers_project ON triggers(project_id, created_at);
CREATE INDEX triggers_schedules ON triggers(kind, enabled);

-- One row per task a trigger made, keyed so that one event makes one task: `slot:<ISO time>`
-- for a schedule, `issue:<owner/repo>#<number>` for a GitHub issue, `call:<task id>` for a
-- webhook call. A GitHub issue's task is commented back on the issue when it ends
-- (`comment_state`: pending, done, or failed after its attempts; NULL for other kinds);
-- `comment_claimed_at`: when an attempt began, so that two never post at once.
CREATE TABLE trigger_firings (
  trigger_id TEXT NOT NULL REFERENCES triggers(id) ON DELETE CASCADE,
  fire_key TEXT NOT NULL,
  task_id TEXT,
  delivery_id TEXT,
  issue_repository TEXT,
  issue_number INTEGER,
  comment_state TEXT CHECK (comment_state IN ('pending', 'done', 'failed')),
  comment_attempts INTEGER NOT NULL DEFAULT 0,
  comment_claimed_at TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (trigger_id, fire_key)
);
CREATE INDEX trigger_firings_task ON trigger_firings(task_id);
CREATE INDEX trigger_firings_comments ON trigger_firings(comment_state) WHERE comment_state = 'pending';
CREATE UNIQUE INDEX trigger_firings_delivery ON trigger_firings(trigger_id, delivery_id) WHERE delivery_id IS NOT NULL;
