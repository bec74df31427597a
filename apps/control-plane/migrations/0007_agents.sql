-- Migration 7 (issue 13, every major ACP agent): which agents a node can run, as its daemon
-- announced them (`NodeReadyRequest.agents`, JSON array of AgentAvailability; null: not
-- announced — not ready yet, or an older daemon) and when (`GET /api/agents` shows the newest
-- announcement), and the non-secret parts of a stored agent
-- credential (its base URL and model; the key or token stays sealed in `ciphertext`), so that
-- the API can show them without decrypting anything.
ALTER TABLE nodes ADD COLUMN agents TEXT;
ALTER TABLE nodes ADD COLUMN agents_announced_at TEXT;
ALTER TABLE credentials ADD COLUMN base_url TEXT;
ALTER TABLE credentials ADD COLUMN model TEXT;
