/**
 * Handlers of the project routes of the public API (contracts `publicApi`): create, list, read
 * and change projects. `defaultVmSize: null` falls back to the platform default. Creating a
 * project, or changing its default branch, checks the repository first (repository-check.ts):
 * 400 with a sentence naming the problem, nothing stored. Creating and changing are recorded in
 * the audit log (audit/; a change by the names of the settings changed).
 */
import type { PublicHandlers } from '../app-env.js';
import { recordFromRoute } from '../audit/record.js';
import { callerId } from '../auth/principal.js';
import { credentialUserFor } from '../credentials/credential-user.js';
import { projectScopeOf } from '../auth/token-scope.js';
import { depsFromEnv } from '../deps.js';
import { changeProject, createProject, requireProject } from './projects.js';
import { listProjects } from './repository.js';

export const projectHandlers: PublicHandlers<'createProject' | 'listProjects' | 'getProject' | 'updateProject'> = {
  createProject: async ({ body }, c) => {
    // The repository is checked with the caller's own repository token.
    const project = await createProject(depsFromEnv(c.env), callerId(c.get('principal')), body);
    await recordFromRoute(c, { projectId: project.id, action: 'project.created', target: { kind: 'project', id: project.id }, detail: { name: project.name } });
    return project;
  },
  listProjects: async (_request, c) => {
    // A personal token scoped to some projects lists only those (auth/token-scope.ts).
    const scope = projectScopeOf(c.get('principal'));
    const projects = await listProjects(c.env.DB);
    return { projects: scope === null ? projects : projects.filter((project) => scope.includes(project.id)) };
  },
  getProject: ({ params }, c) => requireProject(c.env.DB, params.projectId),
  updateProject: async ({ params, body }, c) => {
    // A new default branch is checked with the token the project's runs use (its owner's).
    const credentialUser = await credentialUserFor(c.env.DB, { projectId: params.projectId, creatorId: null });
    const project = await changeProject(depsFromEnv(c.env), credentialUser, params.projectId, body);
    await recordFromRoute(c, { projectId: project.id, action: 'project.updated', target: { kind: 'project', id: project.id }, detail: { settings: Object.keys(body) } });
    return project;
  },
};
