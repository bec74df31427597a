/**
 * Handlers of the project routes of the public API (contracts `publicApi`): create, list, read
 * and change projects. `defaultVmSize: null` falls back to the platform default.
 */
import type { PublicHandlers } from '../app-env.js';
import { changeProject, createProject, requireProject } from './projects.js';
import { listProjects } from './repository.js';

export const projectHandlers: PublicHandlers<'createProject' | 'listProjects' | 'getProject' | 'updateProject'> = {
  createProject: ({ body }, c) => createProject(c.env.DB, body),
  listProjects: async (_request, c) => ({ projects: await listProjects(c.env.DB) }),
  getProject: ({ params }, c) => requireProject(c.env.DB, params.projectId),
  updateProject: ({ params, body }, c) => changeProject(c.env.DB, params.projectId, body),
};
