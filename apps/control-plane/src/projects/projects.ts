/** Projects (DESIGN.md §1 "project": a repository plus settings): creating, changing, and the 404 of every project route. */
import { DEFAULT_AGENT_TYPE, type CreateProjectRequest, type Project, type UpdateProjectRequest } from '@flotilla/contracts';
import { notFound } from '@flotilla/kit';
import { getProject, insertProject, updateProject } from './repository.js';

/** Load a project. @throws FlotillaError not_found (404) */
export async function requireProject(db: D1Database, projectId: string): Promise<Project> {
  const project = await getProject(db, projectId);
  if (!project) throw notFound(`project ${projectId} not found`);
  return project;
}

/** Create a project from `input`; its agent defaults to the platform's (`claude-code`). */
export function createProject(db: D1Database, input: CreateProjectRequest): Promise<Project> {
  return insertProject(db, input, { agentType: DEFAULT_AGENT_TYPE });
}

/** Apply `changes` to a project. @throws FlotillaError not_found (404) */
export async function changeProject(db: D1Database, projectId: string, changes: UpdateProjectRequest): Promise<Project> {
  const project = await updateProject(db, projectId, changes);
  if (!project) throw notFound(`project ${projectId} not found`);
  return project;
}
