/**
 * The end of a task's turn (DESIGN.md §2 hop 5): commit and push what the agent left — git on the
 * checkout in its sandbox, the push from the daemon's mirror to the project's URL (DESIGN.md §7,
 * git/task-branch.ts) —, open a pull request when it can, then report the outcome through the
 * durable task callback (control-plane/task-callback-outbox.ts: stored first, sent once the chat
 * holds every message, retried until the control plane takes it), with the task's model usage.
 *
 * The daemon never deletes a workspace here: on success the control plane does; on failure the
 * workspace stays for inspection.
 */
import type { ModelUsage, TaskCallbackRequest } from '@flotilla/contracts';
import { errorMessage } from '@flotilla/kit';
import type { CheckoutGit } from '../git/checkout-git.js';
import { openPullRequest, parseGitHubRemote } from '../git/github-pull-request.js';
import type { GitHttpAuth } from '../git/git-credentials.js';
import { commitAndPushTaskBranch } from '../git/task-branch.js';
import type { Logger } from '@flotilla/kit';

/** Where a workspace's git lives besides its checkout. */
export interface WorkspaceRepository {
  /** The daemon's mirror (git/mirror.ts). */
  mirror: string;
  /** The project's repository URL (WorkspaceRecord.repoUrl); null for a workspace recorded without it. */
  repoUrl: string | null;
}

export interface TaskCompletionDeps {
  /** The durable task callback (control-plane/task-callback-outbox.ts). */
  taskCallbacks: { deliver(taskId: string, workspaceId: string, body: TaskCallbackRequest): Promise<void> };
  /** git on a workspace checkout, in its sandbox. */
  checkoutGit: CheckoutGit;
  /** The mirror and project URL of a workspace. */
  workspaceRepository(workspaceId: string): WorkspaceRepository;
  /**
   * The model usage of a task's run (`taskId` in `workspaceId`) as the workspace's model gateway
   * counted it; undefined when it counted none. Stored and sent as the callback's `usage`.
   * Absent: no usage is reported.
   */
  usageOf?: (taskId: string, workspaceId: string) => ModelUsage | undefined;
  gitCommandTimeoutMs: number;
  gitPushTimeoutMs: number;
  /** Most files a completed task's diff stat lists (DIFF_STAT_MAX_FILES); absent: the default, 300. */
  diffStatMaxFiles?: number;
  /** Most bytes of a completed task's patch (DIFF_PATCH_MAX_BYTES); absent: the default, 1 MiB. */
  diffPatchMaxBytes?: number;
  /** Pull requests on GitHub: opened for a pushed branch when `token` is set (GITHUB_TOKEN). */
  pullRequests?: { apiUrl: string; token: string | null; timeoutMs: number };
  /** The repository credentials of a workspace, when the control plane sent some (git-credentials.ts). */
  gitAuth?: (workspaceId: string) => GitHttpAuth | undefined;
  logger: Logger;
}

export interface FinishedTurn {
  taskId: string;
  taskTitle: string | null;
  workspaceId: string;
  /** The workspace checkout. */
  workspacePath: string;
  branch: string;
  /** Commit (or ref) the task branch started from. */
  base: string;
  /** The branch the task branch came from (a pull request's base). */
  baseBranch?: string;
  /** The agent's last assistant text: the summary. */
  lastAssistantText: string | null;
}

/** `Flotilla task <taskId>: <taskTitle>` (just the id when there is no title). */
export function taskCommitMessage(taskId: string, taskTitle: string | null): string {
  const title = taskTitle?.trim();
  return title ? `Flotilla task ${taskId}: ${title}` : `Flotilla task ${taskId}`;
}

const NOTHING_CHANGED = 'The agent finished without changing any files.';

/**
 * Build the `completed` callback body: `git add -A`, commit when anything changed, push the task
 * branch — under `task/<taskId>-2`, `-3`, … when the name is taken on the remote, or onto the branch
 * itself when the run continued it (a resumed task's; no second pull request then); `branch` is the
 * name actually pushed; `diffStat` what the commit changed (git/diff-stat.ts). A rejected push
 * still completes the task, with `warning` saying so, `branch` null (nothing was pushed) and
 * `keepWorkspace` (the commit exists only there); no change completes it with branch and
 * commitSha null and an empty diff stat.
 *
 * @throws GitError when a git step on the checkout or in the mirror (add, commit, fetch, diff)
 *   fails, Error when the workspace has no project URL or the node no sandbox — the caller fails
 *   the task.
 */
export async function buildCompletedCallback(
  deps: TaskCompletionDeps,
  turn: FinishedTurn,
): Promise<Extract<TaskCallbackRequest, { status: 'completed' }>> {
  const { mirror, repoUrl } = deps.workspaceRepository(turn.workspaceId);
  if (repoUrl === null) throw new Error(`workspace ${turn.workspaceId} was recorded without its project's repository URL`);
  const auth = deps.gitAuth?.(turn.workspaceId);
  const result = await commitAndPushTaskBranch({
    checkout: turn.workspacePath,
    mirror,
    repoUrl,
    branch: turn.branch,
    base: turn.base,
    ...(turn.baseBranch ? { baseBranch: turn.baseBranch } : {}),
    ...(deps.diffStatMaxFiles !== undefined ? { diffStatMaxFiles: deps.diffStatMaxFiles } : {}),
    ...(deps.diffPatchMaxBytes !== undefined ? { diffPatchMaxBytes: deps.diffPatchMaxBytes } : {}),
    commitMessage: taskCommitMessage(turn.taskId, turn.taskTitle),
    commandTimeoutMs: deps.gitCommandTimeoutMs,
    pushTimeoutMs: deps.gitPushTimeoutMs,
    checkoutGit: deps.checkoutGit,
    ...(auth ? { auth } : {}),
  });
  if (!result.changed) {
    const summary = turn.lastAssistantText ? `${NOTHING_CHANGED}\n\n${turn.lastAssistantText}` : NOTHING_CHANGED;
    return { status: 'completed', branch: null, commitSha: null, summary, filesChanged: [], diffStat: result.diffStat, warning: null };
  }
  if (result.diffPatchError) deps.logger.warn('task patch not read', { taskId: turn.taskId, workspaceId: turn.workspaceId, error: result.diffPatchError });
  // A continued branch (a resumed task's) has its pull request already, if it has one: the push updated it.
  const pullRequest = result.pushed && result.pushedBranch && !result.continued ? await openTaskPullRequest(deps, turn, repoUrl, result.pushedBranch) : { prUrl: null, warning: null };
  return {
    status: 'completed',
    branch: result.pushed ? result.pushedBranch : null,
    commitSha: result.commitSha,
    prUrl: pullRequest.prUrl,
    summary: turn.lastAssistantText,
    filesChanged: result.filesChanged,
    diffStat: result.diffStat,
    ...(result.diffPatch ? { diffPatch: result.diffPatch } : {}),
    warning: result.pushed
      ? pullRequest.warning
      : `The changes were committed in the workspace (${result.commitSha}) but the push of ${result.pushedBranch ?? turn.branch} failed: ${result.pushError}`,
    keepWorkspace: !result.pushed,
  };
}

/**
 * Open a pull request for the pushed `branch` when the project's repository (`repoUrl`, never the
 * checkout's `origin`) is on GitHub and a token is available: the workspace's own github.com
 * credential, else GITHUB_TOKEN. A failure does not fail the task: it becomes a warning.
 */
async function openTaskPullRequest(deps: TaskCompletionDeps, turn: FinishedTurn, repoUrl: string, branch: string): Promise<{ prUrl: string | null; warning: string | null }> {
  const settings = deps.pullRequests;
  const workspaceAuth = deps.gitAuth?.(turn.workspaceId);
  const token = (workspaceAuth?.origin === 'https://github.com/' ? workspaceAuth.token : null) ?? settings?.token ?? null;
  if (!settings || !token || !turn.baseBranch) return { prUrl: null, warning: null };
  const repository = parseGitHubRemote(repoUrl);
  if (!repository) return { prUrl: null, warning: null };
  const summary = turn.lastAssistantText?.trim();
  try {
    const prUrl = await openPullRequest({
      ...repository,
      apiUrl: settings.apiUrl,
      token,
      head: branch,
      base: turn.baseBranch,
      title: turn.taskTitle?.trim() || taskCommitMessage(turn.taskId, null),
      body: `${summary ? `${summary}\n\n` : ''}Opened by Flotilla for task ${turn.taskId}.`,
      timeoutMs: settings.timeoutMs,
    });
    deps.logger.info('pull request opened', { taskId: turn.taskId, prUrl, owner: repository.owner, repo: repository.repo });
    return { prUrl, warning: null };
  } catch (error) {
    deps.logger.warn('pull request not opened', { taskId: turn.taskId, owner: repository.owner, repo: repository.repo, error: errorMessage(error) });
    return { prUrl: null, warning: `The branch ${branch} was pushed, but the pull request could not be opened: ${errorMessage(error)}` };
  }
}

/** `body` with the run's model usage, when the gateway counted any. */
function withUsage<T extends TaskCallbackRequest>(deps: TaskCompletionDeps, taskId: string, workspaceId: string, body: T): T {
  const usage = deps.usageOf?.(taskId, workspaceId);
  return usage ? { ...body, usage } : body;
}

/**
 * Finish a turn that ended with `end_turn`: commit/push (see {@link buildCompletedCallback}) and
 * report `completed` through the durable task callback. When committing fails, the task is
 * reported `failed` instead.
 *
 * @returns the body stored (the one sent may add a warning about chat messages not yet delivered).
 * @throws FlotillaError when the control plane refuses the callback for good.
 */
export async function completeTask(deps: TaskCompletionDeps, turn: FinishedTurn): Promise<TaskCallbackRequest> {
  let built: Extract<TaskCallbackRequest, { status: 'completed' }>;
  try {
    built = await buildCompletedCallback(deps, turn);
  } catch (error) {
    const failure = `The agent finished, but its changes could not be committed: ${errorMessage(error)}`;
    return failTask(deps, turn.taskId, turn.workspaceId, failure);
  }
  const body = withUsage(deps, turn.taskId, turn.workspaceId, built);
  deps.logger.info('task completed', {
    taskId: turn.taskId,
    workspaceId: turn.workspaceId,
    commitSha: body.commitSha,
    filesChanged: body.filesChanged.length,
    pushed: body.branch !== null,
  });
  await deps.taskCallbacks.deliver(turn.taskId, turn.workspaceId, body);
  return body;
}

/**
 * Report a failed turn through the durable task callback: `failed` with `error` (sent once the
 * chat shows what happened up to the failure).
 *
 * @returns the body stored.
 * @throws FlotillaError when the control plane refuses the callback for good.
 */
export async function failTask(
  deps: TaskCompletionDeps,
  taskId: string,
  workspaceId: string,
  error: string,
): Promise<TaskCallbackRequest> {
  const body = withUsage<TaskCallbackRequest>(deps, taskId, workspaceId, { status: 'failed', error });
  deps.logger.warn('task failed', { taskId, workspaceId, error });
  await deps.taskCallbacks.deliver(taskId, workspaceId, body);
  return body;
}
