/**
 * The diff stat's default limit, apart from diff-stat.ts so the daemon's config can name it
 * without importing git code (which imports the sandbox, which imports the config).
 */

/** Most changed files a completed task's diff stat lists (DIFF_STAT_MAX_FILES); the rest are only counted. */
export const DEFAULT_DIFF_STAT_MAX_FILES = 300;
