-- Flotilla D1 schema, migration 1: projects, tasks and their runs.
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  repo_url TEXT NOT NULL,
  default_branch TEXT NOT NULL,
  default_agent_type TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  status TEXT NOT NULL,
  execution_step TEXT,
  agent_type TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  chat_session_id TEXT,
  initial_message_id TEXT,
  node_id TEXT,
  workspace_id TEXT,
  agent_session_id TEXT,
  error TEXT,
  output_branch TEXT,
  output_commit_sha TEXT,
  output_pr_url TEXT,
  output_summary TEXT,
  output_files_changed TEXT,
  output_warning TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX tasks_project_status ON tasks(project_id, status, priority DESC, created_at DESC);

CREATE TABLE task_status_events (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  step TEXT,
  actor TEXT NOT NULL,
  reason TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX task_status_events_task ON task_status_events(task_id, created_at);

CREATE TABLE nodes (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  status TEXT NOT NULL,
  url TEXT,
  size TEXT,
  auto_provisioned INTEGER NOT NULL DEFAULT 1,
  daemon_version TEXT,
  last_heartbeat_at TEXT,
  warm_since TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  node_id TEXT NOT NULL REFERENCES nodes(id),
  project_id TEXT REFERENCES projects(id),
  task_id TEXT,
  chat_session_id TEXT,
  branch TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX workspaces_node ON workspaces(node_id, status);

CREATE TABLE agent_sessions (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  task_id TEXT,
  agent_type TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- The control plane's own JWT signing key (ES256), created on first use.
CREATE TABLE signing_keys (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  kid TEXT NOT NULL,
  private_jwk TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  created_at TEXT NOT NULL
);
