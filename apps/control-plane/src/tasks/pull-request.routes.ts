/**
 * `POST /api/projects/:projectId/tasks/:taskId/pull-request` (issue 16 item 1, "Open pull
 * request"): for a completed task whose branch was pushed and that has no pull request (the node
 * daemon opens one itself only when it has a GitHub token), the control plane opens it through
 * GitHub's REST API (`POST /repos/{owner}/{repo}/pulls {title, head, base, body}`,
 * https://docs.github.com/en/rest/pulls/pulls#create-a-pull-request) with the repository token
 * saved for github.com, and stores its URL in the task's `output.prUrl`. The token goes only to
 * GitHub (github/rest.ts); it is never answered nor logged.
 */
import { githubRepositoryOf, pullRequestBlocker, type Project } from '@flotilla/contracts';
import { badRequest, conflict, errorMessage, FlotillaError, notFound } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { depsFromEnv, type Deps } from '../deps.js';
import { githubCredentialFor, githubRefusal, postToGitHub, repositoryPath } from '../github/rest.js';
import { requireProject } from '../projects/projects.js';
import { announceTask } from './events.js';
import { getTaskRow, recordPullRequestUrl, toTask, type TaskRow } from './repository.js';
import { withVariantsOne } from './variants.js';

/** Longest title GitHub is sent (characters); GitHub's own limit is 256. */
const MAX_TITLE_CHARS = 200;
/** Longest part of the agent's summary quoted in the body (characters). */
const MAX_SUMMARY_CHARS = 4_000;

/** The pull request's title: the task's title, or its description's first line. */
export function pullRequestTitle(task: Pick<TaskRow, 'title' | 'description'>): string {
  const firstLine = task.description.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  return (task.title.trim() || firstLine || 'Flotilla task').slice(0, MAX_TITLE_CHARS);
}

/** The pull request's Markdown body: the task it comes from and the agent's summary. */
export function pullRequestBody(task: Pick<TaskRow, 'id' | 'output_summary'>): string {
  const lines = [`Opened from Flotilla task \`${task.id}\`.`];
  const summary = task.output_summary?.trim();
  if (summary) lines.push('', "The agent's summary:", '', ...summary.slice(0, MAX_SUMMARY_CHARS).split('\n').map((line) => `> ${line}`));
  return lines.join('\n');
}

/** A 502 carrying what GitHub said (or that it did not answer). */
const githubFailed = (message: string) => new FlotillaError('unavailable', message, { status: 502, retryable: false });

/**
 * Open the pull request of `task` (checked: completed, with a branch, none yet) on GitHub.
 * @returns the pull request's web URL (`html_url`)
 * @throws FlotillaError 400 when the repository is not on github.com or no github.com token is
 *   saved; 502 when GitHub refuses (its status and message) or does not answer
 */
async function openOnGitHub(deps: Deps, project: Project, task: TaskRow): Promise<string> {
  const repository = githubRepositoryOf(project);
  const path = repository ? repositoryPath(repository) : null;
  if (!path) throw badRequest(`the project's repository (${project.repoUrl}) is not on github.com: Flotilla opens pull requests on GitHub only`);
  let credential;
  try {
    credential = await githubCredentialFor(deps, project.repoUrl, { projectId: project.id, taskId: task.id });
  } catch (error) {
    throw badRequest(`the repository token saved for github.com cannot be read: ${errorMessage(error)}`);
  }
  if (!credential) throw badRequest('no repository token is saved for github.com: save one under "Repository token for github.com" in the project\'s settings (or PUT /api/credentials/git/github.com)');
  const request = { title: pullRequestTitle(task), head: task.output_branch, base: project.defaultBranch, body: pullRequestBody(task) };
  let response: Response;
  try {
    response = await postToGitHub(deps, credential.token, `${path}/pulls`, request);
  } catch (error) {
    throw githubFailed(`GitHub did not answer: ${errorMessage(error)}`);
  }
  if (!response.ok) throw githubFailed(await githubRefusal(response));
  const answer = (await response.json().catch(() => null)) as { html_url?: unknown } | null;
  if (typeof answer?.html_url !== 'string') throw githubFailed(`GitHub answered ${response.status} without the pull request's html_url`);
  return answer.html_url;
}

export const pullRequestHandlers: PublicHandlers<'openPullRequest'> = {
  /**
   * Open the task's pull request and answer the task with its URL (201).
   * @throws FlotillaError 404 unknown project or task; 409 the task has not completed, has no
   *   pushed branch, or already has a pull request (its URL named); 400 and 502 as openOnGitHub
   */
  openPullRequest: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const project = await requireProject(deps.db, params.projectId);
    const row = await getTaskRow(deps.db, params.taskId);
    if (!row || row.project_id !== params.projectId) throw notFound(`task ${params.taskId} not found in project ${params.projectId}`);
    const blocker = pullRequestBlocker(toTask(row));
    if (blocker) throw conflict(blocker);
    const prUrl = await openOnGitHub(deps, project, row);
    const written = await recordPullRequestUrl(deps.db, row.id, prUrl);
    if (!written) throw conflict(`task ${row.id} changed while its pull request was opened (${prUrl}); it was not recorded on the task`);
    deps.log.child({ component: 'tasks' }).info('opened the pull request of the task', { taskId: row.id, prUrl });
    await announceTask(deps, written);
    return withVariantsOne(deps.db, written);
  },
};
