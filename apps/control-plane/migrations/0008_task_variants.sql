-- Migration 8 (issue 13, several agents on one task): a task run on several agents is the parent
-- of one variant per agent type, each a task row of its own pointing at it.
ALTER TABLE tasks ADD COLUMN parent_task_id TEXT REFERENCES tasks(id);
CREATE INDEX tasks_parent ON tasks(parent_task_id);
-- On a parent: the agent types of its variants, in the order asked for (JSON array).
ALTER TABLE tasks ADD COLUMN variant_agent_types TEXT;
