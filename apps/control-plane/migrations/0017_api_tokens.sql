-- Migration 17 (issue 14, item 4): personal API tokens for the CLI and scripts.
-- Only the SHA-256 of a token is kept (`token_hash`, hex, unique: the lookup key) and its first
-- characters (`prefix`) to recognise it by. `project_ids`: JSON array of the projects it reaches,
-- NULL for every project. Times are milliseconds since the epoch; `expires_at` NULL = never;
-- `last_used_at` is written at most once per API_TOKEN_LAST_USED_INTERVAL_MS; `revoked_at` set
-- when revoked (the row is kept so that a script is told its token was revoked).
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  project_ids TEXT,
  expires_at INTEGER,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id, created_at);
