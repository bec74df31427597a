-- Migration 23 (issue 15): a node's warm agent — an agent its daemon spawned in an empty workspace
-- shell, past ACP initialize, for the next task of that agent type on the node (contracts
-- warm-agents.ts). The ids are the workspace and agent session the next task's run takes (one
-- compare-and-set clears them: exactly one run gets it); all three NULL when the node keeps none.
ALTER TABLE nodes ADD COLUMN warm_agent_type TEXT;
ALTER TABLE nodes ADD COLUMN warm_agent_workspace_id TEXT;
ALTER TABLE nodes ADD COLUMN warm_agent_session_id TEXT;
