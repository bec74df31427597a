-- Migration 11 (issue 15, items 1 and 2).
-- 1. Every execution step a task's run went through, with when it started and ended (ISO times)
--    and how long it took (ms): the path a task took, step by step (GET /api/tasks/:id/steps).
--    `detail` says how the step was done when that matters (e.g. "hot agent hot_…").
CREATE TABLE task_step_timings (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  run_number INTEGER NOT NULL,
  step TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  detail TEXT
);
CREATE INDEX task_step_timings_task ON task_step_timings(task_id, started_at);

-- 2. Hot agents: a prepared workspace on a node (repository cloned, agent spawned and past
--    `initialize` and `session/new`) kept for one task of a project and agent type. Status
--    `ready` (may be claimed), `claimed` (by `task_id`, once: never again), `gone` (discarded, or
--    its node daemon restarted or went away).
CREATE TABLE hot_agents (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  agent_type TEXT NOT NULL,
  node_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  agent_session_id TEXT NOT NULL,
  status TEXT NOT NULL,
  task_id TEXT,
  created_at TEXT NOT NULL,
  claimed_at TEXT
);
CREATE INDEX hot_agents_ready ON hot_agents(project_id, agent_type, status);
CREATE INDEX hot_agents_node ON hot_agents(node_id, status);
CREATE UNIQUE INDEX hot_agents_task ON hot_agents(task_id) WHERE task_id IS NOT NULL;

-- How many hot agents a project keeps per agent type (0: none).
ALTER TABLE projects ADD COLUMN hot_agents INTEGER NOT NULL DEFAULT 0;
