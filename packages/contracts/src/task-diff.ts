/**
 * A completed task's change as a patch (issue 16 item 1, review): the unified diff of
 * merge-base(base, HEAD)..HEAD that the node daemon reads from its mirror when it pushes the task
 * branch, sent with the task callback, stored by the control plane (D1 `task_diffs`, migration
 * 0013) and served by `GET /api/projects/:projectId/tasks/:taskId/diff` — so it outlives the
 * workspace, and a later completion of the same task replaces it.
 */
import * as z from 'zod';

/** Default DIFF_PATCH_MAX_BYTES (node daemon): the most bytes of patch a completion sends, 1 MiB. */
export const DEFAULT_DIFF_PATCH_MAX_BYTES = 1024 * 1024;

/**
 * The largest DIFF_PATCH_MAX_BYTES a node daemon accepts: a stored patch is one D1 value, and D1
 * holds at most 2 MB in one.
 */
export const DIFF_PATCH_LIMIT_BYTES = 1_800_000;

/** Most paths listed in `omittedFiles` (the rest only counted in `omittedFileCount`). */
export const DIFF_PATCH_OMITTED_FILES_LISTED = 500;

/**
 * The body limit of the task callback, in bytes: a patch of {@link DIFF_PATCH_LIMIT_BYTES} grows
 * in JSON (every newline, quote and control character is escaped), so the limit leaves room.
 */
export const TASK_CALLBACK_MAX_BODY_BYTES = 8 * DIFF_PATCH_LIMIT_BYTES;

/**
 * The patch of a run, as the node daemon sends it with the `completed` callback: whole files of
 * `git diff` output (a file is never cut in the middle); `truncated` when the patch would have
 * passed DIFF_PATCH_MAX_BYTES, then `omittedFiles` names the files left out (at most
 * {@link DIFF_PATCH_OMITTED_FILES_LISTED}; `omittedFileCount` counts them all).
 */
export const TaskDiffPatch = z.object({
  patch: z.string().max(DIFF_PATCH_LIMIT_BYTES),
  truncated: z.boolean(),
  omittedFiles: z.array(z.string()).max(DIFF_PATCH_OMITTED_FILES_LISTED),
  omittedFileCount: z.number().int().nonnegative(),
});
export type TaskDiffPatch = z.infer<typeof TaskDiffPatch>;

/** `GET /api/projects/:projectId/tasks/:taskId/diff`: the patch of the task's last completion. */
export const TaskDiff = TaskDiffPatch.extend({
  taskId: z.string(),
  /** The commit the patch ends at (the pushed head), null when the run did not report one. */
  commitSha: z.string().nullable(),
  /** The branch the patch was pushed as, null when the push failed. */
  branch: z.string().nullable(),
  /** The branch the task branch started from, null when unknown. */
  baseBranch: z.string().nullable(),
  /** When the control plane stored it (ISO 8601). */
  updatedAt: z.string(),
});
export type TaskDiff = z.infer<typeof TaskDiff>;
