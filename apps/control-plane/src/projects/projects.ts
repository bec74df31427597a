/**
 * Projects (DESIGN.md §1 "project": a repository plus settings): creating, changing, and the 404
 * of every project route. A project's repository and default branch are checked before they are
 * stored (repository-check.ts): on create, and when the default branch changes.
 */
import { DEFAULT_AGENT_TYPE, type CreateProjectRequest, type Project, type UpdateProjectRequest } from '@flotilla/contracts';
import { notFound } from '@flotilla/kit';
import { wakeQueuedTasks } from '../costs/budget.js';
import type { CredentialDeps } from '../credentials/agent-keys.js';
import type { Deps } from '../deps.js';
import { checkRepository } from './repository-check.js';
import { DEFAULT_PROJECT_BRANCH, getProject, insertProject, updateProject } from './repository.js';

/** Load a project. @throws FlotillaError not_found (404) */
export async function requireProject(db: D1Database, projectId: string): Promise<Project> {
  const project = await getProject(db, projectId);
  if (!project) throw notFound(`project ${projectId} not found`);
  return project;
}

/**
 * Create a project from `input` once its repository and default branch check out; its agent
 * defaults to the platform's (`claude-code`).
 * @param userId whose stored repository token the check sends
 * @throws FlotillaError 400 (details: contracts RepositoryCheckDetails) when the check fails, 503 when it cannot run
 */
export async function createProject(deps: CredentialDeps, userId: string, input: CreateProjectRequest): Promise<Project> {
  await checkRepository(deps, userId, input.repoUrl, input.defaultBranch ?? DEFAULT_PROJECT_BRANCH);
  return insertProject(deps.db, input, { agentType: DEFAULT_AGENT_TYPE });
}

/**
 * Apply `changes` to a project; a new default branch is checked first (nothing is changed when it
 * fails). A changed daily budget wakes the project's queued tasks (costs/budget.ts).
 * @throws FlotillaError not_found (404); 400/503 from the branch check (see {@link createProject})
 */
export async function changeProject(deps: CredentialDeps & Pick<Deps, 'stubs'>, userId: string, projectId: string, changes: UpdateProjectRequest): Promise<Project> {
  const current = await requireProject(deps.db, projectId);
  if (changes.defaultBranch !== undefined && changes.defaultBranch !== current.defaultBranch) {
    await checkRepository(deps, userId, current.repoUrl, changes.defaultBranch);
  }
  const project = await updateProject(deps.db, projectId, changes);
  if (!project) throw notFound(`project ${projectId} not found`);
  // A changed budget may let tasks waiting for it start: their runs re-check it now.
  if (changes.dailyBudget !== undefined) await wakeQueuedTasks(deps, projectId);
  return project;
}
