-- Migration 21 (issue 14, item 3): credentials belong to users, and a project chooses whose run
-- its tasks — its owner's (the default), or each task's creator's.
-- (Credentials already have `user_id`, and nodes `user_id`: the user whose credentials a node holds.)
ALTER TABLE projects ADD COLUMN credentials_from TEXT NOT NULL DEFAULT 'owner' CHECK (credentials_from IN ('owner', 'creator'));
