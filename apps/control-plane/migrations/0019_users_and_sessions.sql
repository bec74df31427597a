-- Migration 19 (issue 14, item 1): users who sign in with GitHub or OpenID Connect, their
-- server-side sessions, and sign-ins under way.
-- `users`: one row per person per provider (`provider_subject`: GitHub's numeric user id, or the
-- OIDC `sub`); `status` pending until an admin approves (AUTH_REQUIRE_APPROVAL); the first user
-- ever is an admin.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL CHECK (provider IN ('github', 'oidc')),
  provider_subject TEXT NOT NULL,
  login TEXT NOT NULL,
  email TEXT,
  name TEXT,
  avatar_url TEXT,
  is_admin INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('active', 'pending')),
  created_at TEXT NOT NULL,
  last_sign_in_at TEXT,
  UNIQUE (provider, provider_subject)
);

-- A browser's sign-in session: the cookie holds a random secret, `token_hash` its SHA-256 (hex).
-- Revoked by sign-out (`revoked_at`); `last_seen_at` written at most once a minute.
CREATE TABLE user_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  revoked_at TEXT,
  user_agent TEXT
);
CREATE INDEX user_sessions_user ON user_sessions(user_id);

-- A sign-in under way, between the redirect to the provider and its callback: `state` (also in a
-- short-lived cookie of the browser that started it), the PKCE verifier, the OIDC nonce and where
-- to go after. Used once: deleted by the callback.
CREATE TABLE sign_in_attempts (
  state TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  nonce TEXT,
  return_to TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
