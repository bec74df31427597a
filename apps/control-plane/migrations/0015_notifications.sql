-- Migration 15 (issue 16, item 3): notifications. Outgoing webhooks per project (the signing
-- secret sealed like credentials: AES-256-GCM under CREDENTIALS_ENCRYPTION_KEY), the jobs that
-- deliver one event to one target (retried with backoff, driven by the Notifier Durable
-- Object's alarm), the webhook delivery log (one row per attempt), Web Push subscriptions, and
-- the control plane's VAPID key pair (private key sealed).
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  format TEXT NOT NULL,
  secret_ciphertext TEXT NOT NULL,
  secret_iv TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX webhooks_project ON webhooks (project_id);

CREATE TABLE notification_jobs (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target_id TEXT NOT NULL,
  event TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  task_id TEXT,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (target_kind, target_id, event, subject_id)
);
CREATE INDEX notification_jobs_due ON notification_jobs (project_id, state, next_attempt_at);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  event TEXT NOT NULL,
  task_id TEXT,
  attempt INTEGER NOT NULL,
  attempted_at TEXT NOT NULL,
  status_code INTEGER,
  error TEXT,
  will_retry INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, attempted_at);

CREATE TABLE push_subscriptions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE vapid_keys (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  public_key TEXT NOT NULL,
  private_ciphertext TEXT NOT NULL,
  private_iv TEXT NOT NULL,
  created_at TEXT NOT NULL
);
