/**
 * Handlers of the project routes of the public API (contracts `publicApi`): create, list, read
 * and change projects. `defaultVmSize: null` falls back to the platform default. Creating a
 * project, or changing its default branch, checks the repository first (repository-check.ts):
 * 400 with a sentence naming the problem, nothing stored. Creating and changing are recorded in
 * the audit log (audit/; a change by the names of the settings changed). Every answer carries the
 * caller's `role` (members/): a signed-in user who creates a project becomes its owner; the list
 * holds the caller's projects only (every project for the operator, as owner).
 */
import type { PublicHandlers } from '../app-env.js';
import { recordFromRoute } from '../audit/record.js';
import { IMPLICIT_USER_ID, principalOf } from '../auth/principal.js';
import { credentialUserFor } from '../credentials/credential-user.js';
import { projectScopeOf } from '../auth/token-scope.js';
import { depsFromEnv } from '../deps.js';
import { callerRole } from '../members/access.js';
import { insertMember, rolesOfUser } from '../members/repository.js';
import { changeProject, createProject, requireProject } from './projects.js';
import { listProjects } from './repository.js';

export const projectHandlers: PublicHandlers<'createProject' | 'listProjects' | 'getProject' | 'updateProject'> = {
  createProject: async ({ body }, c) => {
    const principal = principalOf(c.get('principal'), 'user');
    // The repository is checked with the caller's own repository token.
    const project = await createProject(depsFromEnv(c.env), principal.userId, body);
    // A real user owns what they create; the implicit local user (and the shared token) is the operator and owns everything anyway.
    if (principal.userId !== IMPLICIT_USER_ID) {
      await insertMember(c.env.DB, { projectId: project.id, userId: principal.userId, role: 'owner', addedBy: null, addedAt: project.createdAt });
    }
    await recordFromRoute(c, { projectId: project.id, action: 'project.created', target: { kind: 'project', id: project.id }, detail: { name: project.name } });
    return { ...project, role: 'owner' as const };
  },
  listProjects: async (_request, c) => {
    const principal = principalOf(c.get('principal'), 'user');
    // A personal token scoped to some projects lists only those (auth/token-scope.ts).
    const scope = projectScopeOf(principal);
    const inScope = (await listProjects(c.env.DB)).filter((project) => scope === null || scope.includes(project.id));
    if (principal.operator) return { projects: inScope.map((project) => ({ ...project, role: 'owner' as const })) };
    const roles = await rolesOfUser(c.env.DB, principal.userId);
    return { projects: inScope.flatMap((project) => { const role = roles.get(project.id); return role ? [{ ...project, role }] : []; }) };
  },
  getProject: async ({ params }, c) => ({ ...(await requireProject(c.env.DB, params.projectId)), role: callerRole(c) }),
  updateProject: async ({ params, body }, c) => {
    // A new default branch is checked with the token the project's runs use (its owner's).
    const credentialUser = await credentialUserFor(c.env.DB, { projectId: params.projectId, creatorId: null });
    const project = await changeProject(depsFromEnv(c.env), credentialUser, params.projectId, body);
    await recordFromRoute(c, { projectId: project.id, action: 'project.updated', target: { kind: 'project', id: project.id }, detail: { settings: Object.keys(body) } });
    return { ...project, role: callerRole(c) };
  },
};
