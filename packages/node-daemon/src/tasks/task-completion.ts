/**
 * The end of a task's turn (DESIGN.md §2 hop 5): commit and push what the agent left, make sure
 * the chat holds every message, then tell the control plane through the task callback
 * (route `taskCallback` of the `callbackApi` table, `POST /api/tasks/:taskId/callback`).
 *
 * The daemon never deletes a workspace here: on success the control plane does; on failure the
 * workspace stays for inspection.
 */
import type { ModelUsage, TaskCallbackRequest } from '@flotilla/contracts';
import { errorMessage } from '@flotilla/kit';
import { gitHubRepositoryOf, openPullRequest } from '../git/github-pull-request.js';
import type { GitHttpAuth } from '../git/git-credentials.js';
import { commitAndPushTaskBranch } from '../git/task-branch.js';
import type { Logger } from '@flotilla/kit';
import type { ChatMessageSink } from '../agents/chat/chat-message-sink.js';

export interface TaskCompletionDeps {
  outbox: Pick<ChatMessageSink, 'drain'>;
  controlPlane: {
    taskCallback(taskId: string, workspaceId: string, body: TaskCallbackRequest): Promise<void>;
  };
  gitCommandTimeoutMs: number;
  gitPushTimeoutMs: number;
  /** TASK_CALLBACK_DRAIN_TIMEOUT_MS. */
  drainTimeoutMs: number;
  /** Pull requests on GitHub: opened for a pushed branch when `token` is set (GITHUB_TOKEN). */
  pullRequests?: { apiUrl: string; token: string | null; timeoutMs: number };
  /** The repository credentials of a workspace, when the control plane sent some (git-credentials.ts). */
  gitAuth?: (workspaceId: string) => GitHttpAuth | undefined;
  /**
   * The model usage of a task's run, as the workspace's model gateway counted it (db/model-usage-store.ts
   * `totalsOf`); undefined when it counted none. Sent as the callback's `usage`.
   */
  usageOf?: (taskId: string, workspaceId: string) => ModelUsage | undefined;
  logger: Logger;
}

/** `body` with the run's model usage, when the gateway counted any. */
function withUsage<T extends TaskCallbackRequest>(deps: TaskCompletionDeps, taskId: string, workspaceId: string, body: T): T {
  const usage = deps.usageOf?.(taskId, workspaceId);
  return usage ? { ...body, usage } : body;
}

export interface FinishedTurn {
  taskId: string;
  taskTitle: string | null;
  workspaceId: string;
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

const withAuth = (auth: GitHttpAuth | undefined) => (auth ? { auth } : {});

const NOTHING_CHANGED = 'The agent finished without changing any files.';

/**
 * Wait until the workspace's chat messages are delivered. A failure (timeout, outbox stopped)
 * does not block the callback — a task stuck forever is worse — but is returned as a warning.
 */
async function drainChat(deps: TaskCompletionDeps, workspaceId: string): Promise<string | null> {
  try {
    await deps.outbox.drain(workspaceId, deps.drainTimeoutMs);
    return null;
  } catch (error) {
    deps.logger.warn('chat messages not all delivered before the task callback', {
      workspaceId,
      error: errorMessage(error),
    });
    return `Some chat messages were not yet delivered: ${errorMessage(error)}`;
  }
}

/**
 * Build the `completed` callback body: `git add -A`, commit when anything changed, push the task
 * branch — under `task/<taskId>-2`, `-3`, … when the name is taken on the remote; `branch` is the
 * name actually pushed. A rejected push still completes the task, with `warning` saying so,
 * `branch` null (nothing was pushed) and `keepWorkspace` (the commit exists only there); no
 * change completes it with branch and commitSha null.
 *
 * @throws GitError when a local git step (add, commit, diff) fails — the caller fails the task.
 */
export async function buildCompletedCallback(
  deps: TaskCompletionDeps,
  turn: FinishedTurn,
): Promise<Extract<TaskCallbackRequest, { status: 'completed' }>> {
  const result = await commitAndPushTaskBranch({
    cwd: turn.workspacePath,
    branch: turn.branch,
    base: turn.base,
    commitMessage: taskCommitMessage(turn.taskId, turn.taskTitle),
    commandTimeoutMs: deps.gitCommandTimeoutMs,
    pushTimeoutMs: deps.gitPushTimeoutMs,
    ...withAuth(deps.gitAuth?.(turn.workspaceId)),
  });
  if (!result.changed) {
    const summary = turn.lastAssistantText ? `${NOTHING_CHANGED}\n\n${turn.lastAssistantText}` : NOTHING_CHANGED;
    return { status: 'completed', branch: null, commitSha: null, summary, filesChanged: [], warning: null };
  }
  const pullRequest = result.pushed && result.pushedBranch ? await openTaskPullRequest(deps, turn, result.pushedBranch) : { prUrl: null, warning: null };
  return {
    status: 'completed',
    branch: result.pushed ? result.pushedBranch : null,
    commitSha: result.commitSha,
    prUrl: pullRequest.prUrl,
    summary: turn.lastAssistantText,
    filesChanged: result.filesChanged,
    warning: result.pushed
      ? pullRequest.warning
      : `The changes were committed in the workspace (${result.commitSha}) but the push of ${result.pushedBranch ?? turn.branch} failed: ${result.pushError}`,
    keepWorkspace: !result.pushed,
  };
}

/**
 * Open a pull request for the pushed `branch` when `origin` is on GitHub and a token is
 * available: the workspace's own github.com credential, else GITHUB_TOKEN. A failure does not
 * fail the task: it becomes a warning.
 */
async function openTaskPullRequest(deps: TaskCompletionDeps, turn: FinishedTurn, branch: string): Promise<{ prUrl: string | null; warning: string | null }> {
  const settings = deps.pullRequests;
  const workspaceAuth = deps.gitAuth?.(turn.workspaceId);
  const token = (workspaceAuth?.origin === 'https://github.com/' ? workspaceAuth.token : null) ?? settings?.token ?? null;
  if (!settings || !token || !turn.baseBranch) return { prUrl: null, warning: null };
  const repository = await gitHubRepositoryOf(turn.workspacePath, deps.gitCommandTimeoutMs).catch(() => null);
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

/**
 * Finish a turn that ended with `end_turn`: commit/push (see {@link buildCompletedCallback}),
 * drain the chat, send the `completed` callback. When committing fails, the task is reported
 * `failed` instead.
 *
 * @returns the body sent.
 * @throws FlotillaError when the control plane refuses the callback or retries run out.
 */
export async function completeTask(deps: TaskCompletionDeps, turn: FinishedTurn): Promise<TaskCallbackRequest> {
  let body: TaskCallbackRequest;
  try {
    body = await buildCompletedCallback(deps, turn);
  } catch (error) {
    const failure = `The agent finished, but its changes could not be committed: ${errorMessage(error)}`;
    return failTask(deps, turn.taskId, turn.workspaceId, failure);
  }
  const drainWarning = await drainChat(deps, turn.workspaceId);
  if (drainWarning) body = { ...body, warning: body.warning ? `${body.warning}\n${drainWarning}` : drainWarning };
  deps.logger.info('task completed', {
    taskId: turn.taskId,
    workspaceId: turn.workspaceId,
    commitSha: body.commitSha,
    filesChanged: body.filesChanged.length,
    pushed: body.branch !== null,
  });
  body = withUsage(deps, turn.taskId, turn.workspaceId, body);
  await deps.controlPlane.taskCallback(turn.taskId, turn.workspaceId, body);
  return body;
}

/**
 * Report a failed turn: drain the chat (so it shows what happened up to the failure), then send
 * the `failed` callback with `error`.
 *
 * @returns the body sent.
 * @throws FlotillaError when the control plane refuses the callback or retries run out.
 */
export async function failTask(
  deps: TaskCompletionDeps,
  taskId: string,
  workspaceId: string,
  error: string,
): Promise<TaskCallbackRequest> {
  await drainChat(deps, workspaceId);
  const body = withUsage<TaskCallbackRequest>(deps, taskId, workspaceId, { status: 'failed', error });
  deps.logger.warn('task failed', { taskId, workspaceId, error });
  await deps.controlPlane.taskCallback(taskId, workspaceId, body);
  return body;
}
