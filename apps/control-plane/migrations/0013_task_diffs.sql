-- Migration 13 (issue 16 item 1, review): the patch of a completed task's change — the unified
-- diff of merge-base(base, head)..head the node daemon read when it pushed the task branch,
-- bounded by its DIFF_PATCH_MAX_BYTES (whole files; `omitted_files` JSON names those left out).
-- One row per task, replaced when the task completes again; kept apart from `tasks` so listing
-- tasks never reads patches. It outlives the workspace.
CREATE TABLE task_diffs (
  task_id TEXT PRIMARY KEY REFERENCES tasks(id),
  commit_sha TEXT,
  branch TEXT,
  base_branch TEXT,
  patch TEXT NOT NULL,
  truncated INTEGER NOT NULL DEFAULT 0,
  omitted_files TEXT NOT NULL DEFAULT '[]',
  omitted_file_count INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
