-- Migration 6 (issue 12): this deployment's id, made once (one row, id 1). Every cloud server
-- it creates carries it as a label (Hetzner `flotilla-deployment=<id>`), and its orphan sweep
-- deletes only servers that carry it, so deployments sharing a cloud project leave each other's
-- servers alone. The var DEPLOYMENT_ID, when set, is used instead.
CREATE TABLE deployment (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  deployment_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
