/** `/api/projects`: create, list and read projects. */
import { CreateProjectRequest, DEFAULT_AGENT_TYPE, UpdateProjectRequest } from '@flotilla/contracts';
import { Hono } from 'hono';
import { getProject, insertProject, listProjects, updateProject } from '../db/projects-repository.js';
import type { AppEnv } from '../app-env.js';
import { notFound } from '../lib/errors.js';
import { parseJsonBody } from '../lib/validation.js';

export const projectsRoutes = new Hono<AppEnv>()
  /** Create a project from `{name, repoUrl, defaultBranch?, defaultAgentType?}`. 201 with the project. */
  .post('/', async (c) => {
    const input = await parseJsonBody(c, CreateProjectRequest);
    const project = await insertProject(c.env.DB, input, { agentType: DEFAULT_AGENT_TYPE });
    return c.json(project, 201);
  })
  .get('/', async (c) => c.json({ projects: await listProjects(c.env.DB) }))
  .get('/:projectId', async (c) => {
    const project = await getProject(c.env.DB, c.req.param('projectId'));
    if (!project) throw notFound(`project ${c.req.param('projectId')} not found`);
    return c.json(project);
  })
  /**
   * Change project settings `{name?, defaultBranch?, defaultAgentType?, defaultVmSize?, defaultProvider?}`;
   * `defaultVmSize: null` falls back to the platform default. 200 with the project; 404 unknown.
   */
  .patch('/:projectId', async (c) => {
    const changes = await parseJsonBody(c, UpdateProjectRequest);
    const project = await updateProject(c.env.DB, c.req.param('projectId'), changes);
    if (!project) throw notFound(`project ${c.req.param('projectId')} not found`);
    return c.json(project);
  });

/** Load a project or throw 404. */
export async function requireProject(db: D1Database, projectId: string) {
  const project = await getProject(db, projectId);
  if (!project) throw notFound(`project ${projectId} not found`);
  return project;
}
