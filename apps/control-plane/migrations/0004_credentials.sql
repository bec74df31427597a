-- Migration 4 (issue 6): cloud credentials per user, encrypted (AES-256-GCM; key from the
-- CREDENTIALS_ENCRYPTION_KEY secret). Only a mask of the secret is ever shown.
CREATE TABLE credentials (
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  iv TEXT NOT NULL,
  masked TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, kind, name)
);
