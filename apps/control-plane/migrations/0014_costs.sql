-- Migration 14 (issue 16 item 2, costs and budgets): the usage ledger — what each run of a task
-- used, one row per model it asked (tokens) and one for its node time — that the cost estimates
-- of a task, a chat session and a project's days are summed from; a project's daily budget; why
-- a queued task waits.
CREATE TABLE usage_ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  chat_session_id TEXT,
  run_number INTEGER NOT NULL,
  -- 'model' (tokens of one model) or 'node' (the run's node time).
  kind TEXT NOT NULL,
  -- kind 'model': the model the API named ('' when it named none); kind 'node': '<provider> <size>'.
  item TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  node_ms INTEGER NOT NULL DEFAULT 0,
  -- The UTC day the run ended (YYYY-MM-DD): the day its usage counts for.
  day TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (task_id, run_number, kind, item)
);
CREATE INDEX usage_ledger_project_day ON usage_ledger(project_id, day);
CREATE INDEX usage_ledger_session ON usage_ledger(chat_session_id);

-- JSON contracts DailyBudget ({unit, limit}), or NULL: no budget.
ALTER TABLE projects ADD COLUMN daily_budget TEXT;
-- Why a queued task does not start (its project's daily budget is reached), or NULL.
ALTER TABLE tasks ADD COLUMN waiting_reason TEXT;
