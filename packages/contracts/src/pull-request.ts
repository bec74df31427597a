/**
 * "Open pull request" on a completed task (issue 16 item 1): for a project whose repository is on
 * github.com, the control plane opens the pull request of the task's pushed branch through
 * GitHub's REST API (`POST /api/projects/:projectId/tasks/:taskId/pull-request`, no body; it
 * answers the task with `output.prUrl` set). Here: which repositories are on GitHub, and when a
 * task may have its pull request opened — the same rule for the control plane and the web app.
 */
import type { Project } from './project.js';
import type { Task } from './task.js';

const GITHUB_REPOSITORY = /^(?:https:\/\/(?:[^@/]+@)?github\.com\/|(?:ssh:\/\/)?git@github\.com[:/])([^/]+)\/([^/]+?)(?:\.git)?\/?$/i;

/** `owner/repo` of a project on github.com (https or ssh URL), lower-case, or null. */
export function githubRepositoryOf(project: Pick<Project, 'repoUrl'>): string | null {
  const match = GITHUB_REPOSITORY.exec(project.repoUrl.trim());
  return match?.[1] && match[2] ? `${match[1]}/${match[2]}`.toLowerCase() : null;
}

/**
 * Why the pull request of `task` cannot be opened now (a sentence), or null when it can: the task
 * completed with a pushed branch and has no pull request yet.
 */
export function pullRequestBlocker(task: Pick<Task, 'id' | 'status' | 'output'>): string | null {
  if (task.status !== 'completed') return `task ${task.id} is ${task.status}; a pull request is opened for a completed task`;
  if (task.output.prUrl) return `task ${task.id} already has a pull request: ${task.output.prUrl}`;
  if (!task.output.branch) return `task ${task.id} has no pushed branch to open a pull request for`;
  return null;
}
