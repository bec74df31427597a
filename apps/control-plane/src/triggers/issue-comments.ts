/**
 * The result of a GitHub issue's task, commented back on the issue when the task ends (issue 16
 * item 4): its branch and pull request, or why it failed or that it was cancelled — through
 * GitHub's REST API (`POST /repos/{owner}/{repo}/issues/{number}/comments`,
 * https://docs.github.com/en/rest/issues/comments#create-an-issue-comment) with the repository
 * token saved for github.com (`PUT /api/credentials/git/github.com`). The control plane makes the
 * call; the token never goes to a node for it. An attempt GitHub refuses or does not answer is
 * tried again (TRIGGER_COMMENT_RETRY_MS later, up to TRIGGER_COMMENT_MAX_ATTEMPTS); a claim on
 * each attempt keeps two from posting the same comment.
 */
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { githubCredentialFor, githubRefusal, NO_GITHUB_TOKEN, postToGitHub, repositoryPath } from '../github/rest.js';
import { requireProject } from '../projects/projects.js';
import { getTaskRow, type TaskRow } from '../tasks/repository.js';
import { claimCommentAttempt, finishCommentAttempt, listPendingComments, type PendingComment } from './repository.js';

/** Longest part of a task's summary or error quoted in a comment (characters). */
const MAX_QUOTED_CHARS = 4_000;

const quote = (text: string) => text.slice(0, MAX_QUOTED_CHARS).split('\n').map((line) => `> ${line}`).join('\n');

/** The comment's Markdown for `task`, ended. */
export function resultComment(task: TaskRow): string {
  const head = `Flotilla task \`${task.id}\``;
  if (task.status === 'completed') {
    const lines = [task.output_commit_sha ? `${head} completed: branch \`${task.output_branch ?? ''}\` at ${task.output_commit_sha}.` : `${head} completed without changes.`];
    if (task.output_pr_url) lines.push(`Pull request: ${task.output_pr_url}`);
    if (task.output_summary) lines.push('', quote(task.output_summary));
    return lines.join('\n');
  }
  if (task.status === 'cancelled') return `${head} was cancelled.`;
  return [`${head} failed:`, '', quote(task.error ?? 'no reason recorded')].join('\n');
}

/**
 * Post the comment of one firing.
 * @throws when no token is saved for github.com or GitHub refuses (status and its message)
 */
async function postComment(deps: Deps, firing: PendingComment): Promise<void> {
  const task = firing.task_id ? await getTaskRow(deps.db, firing.task_id) : null;
  const repository = repositoryPath(firing.issue_repository ?? '');
  if (!task || !repository || firing.issue_number === null) throw new Error('the firing has no task or issue');
  const project = await requireProject(deps.db, task.project_id);
  const credential = await githubCredentialFor(deps, project.repoUrl, { projectId: project.id, taskId: task.id });
  if (!credential) throw new Error(NO_GITHUB_TOKEN);
  const response = await postToGitHub(deps, credential.token, `${repository}/issues/${firing.issue_number}/comments`, { body: resultComment(task) });
  if (!response.ok) throw new Error(await githubRefusal(response));
}

/**
 * Comment every ended task that owes its comment.
 * @returns how many comments GitHub took
 */
export async function commentPendingResults(deps: Deps): Promise<number> {
  const log = deps.log.child({ component: 'triggers' });
  let commented = 0;
  for (const firing of await listPendingComments(deps.db)) {
    const attempt = await claimCommentAttempt(deps.db, firing, deps.config.OUTBOUND_REQUEST_TIMEOUT_MS * 2);
    if (attempt === null) continue;
    try {
      await postComment(deps, firing);
      await finishCommentAttempt(deps.db, firing, 'done');
      commented += 1;
      log.info('commented the result on the issue', { taskId: firing.task_id, repository: firing.issue_repository, issue: firing.issue_number });
    } catch (error) {
      const last = attempt >= deps.config.TRIGGER_COMMENT_MAX_ATTEMPTS;
      await finishCommentAttempt(deps.db, firing, last ? 'failed' : 'pending');
      log.warn(last ? 'gave up commenting the result on the issue' : 'commenting the result on the issue failed; will try again', { taskId: firing.task_id, attempt, error: errorMessage(error) });
    }
  }
  return commented;
}

/** Whether an ended task still owes its comment (the TriggerRunner then sets its alarm TRIGGER_COMMENT_RETRY_MS ahead). */
export async function commentsOwed(deps: Pick<Deps, 'db'>): Promise<boolean> {
  return (await listPendingComments(deps.db)).length > 0;
}
