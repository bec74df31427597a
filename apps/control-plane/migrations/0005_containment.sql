-- Migration 5 (issue 12, containing the agent): how a node contains its agents, a project's own
-- egress allowlist, and a task's model usage as its node's model gateway counted it.
ALTER TABLE nodes ADD COLUMN sandbox TEXT;
ALTER TABLE projects ADD COLUMN egress_allowlist TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tasks ADD COLUMN usage TEXT;
