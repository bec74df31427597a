-- Migration 3 (issue 6): who a node belongs to, where it runs and what machine type it got.
ALTER TABLE nodes ADD COLUMN user_id TEXT NOT NULL DEFAULT 'local';
ALTER TABLE nodes ADD COLUMN machine_type TEXT;
ALTER TABLE nodes ADD COLUMN location TEXT;
CREATE INDEX nodes_pool ON nodes(user_id, status, provider, size);
