-- Migration 9 (issue 17, the result card): what a task's run changed on its branch, as the node
-- daemon measured it with git when the run completed (JSON `DiffStat`: files with +/− per file,
-- totals, the base branch). Kept with the task, so it outlives the workspace.
ALTER TABLE tasks ADD COLUMN diff_stat TEXT;
