/**
 * The access check of every `apiToken` route (issue 14, item 2): after the caller is known
 * (auth/api-token.ts `requireApiToken`, with a personal token's scope), what the route requires
 * by contracts `routeAccess` (routes/access.ts) is applied before its handler runs:
 * - the operator (`UserPrincipal.operator`: local mode's implicit user, the shared token, their
 *   personal tokens, deployment administrators) passes everything, as the owner of every project;
 * - `account`: any signed-in user passes;
 * - `deployment`: anyone else gets 403;
 * - `project:<level>`: the project is the route's `:projectId`, or the project of its `:taskId`.
 *   A caller who is no member gets 404 with the very body the handler gives for a project (or
 *   task) that does not exist — no existence leak —, a member whose role is below the level 403
 *   naming both roles. Membership is read on every request (no cache): a removal takes effect at
 *   once. The caller's role is left in the `projectRole` variable for the handler.
 * The route's name is found from the request's method and matched path template (`routePath`).
 */
import { publicApi, roleAtLeast, routeAccess, type GuardedRouteName, type ProjectRole, type RouteAccess } from '@flotilla/contracts';
import { FlotillaError, forbidden, notFound } from '@flotilla/kit';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { requireApiToken } from '../auth/api-token.js';
import { principalOf, type UserPrincipal } from '../auth/principal.js';
import { getTaskRow } from '../tasks/repository.js';
import { memberRole } from './repository.js';

/** The role a `project:*` level needs. */
export const LEVEL_ROLE: Readonly<Record<'project:read' | 'project:write' | 'project:manage' | 'project:own', ProjectRole>> = {
  'project:read': 'viewer',
  'project:write': 'member',
  'project:manage': 'admin',
  'project:own': 'owner',
};

/** `METHOD path-template` → the name of its guarded route in `publicApi`. */
const GUARDED_ROUTES: ReadonlyMap<string, GuardedRouteName> = new Map(
  Object.entries(publicApi)
    .filter(([name]) => name in routeAccess)
    .map(([name, spec]) => [`${spec.method} ${spec.path}`, name as GuardedRouteName]),
);

/** The guarded route `method path` (a path template), or undefined. */
export function guardedRouteOf(method: string, routePath: string): GuardedRouteName | undefined {
  return GUARDED_ROUTES.get(`${method} ${routePath}`);
}

/** What the check decides for one request once the caller's role in the project (if any) is known. */
export type AccessDecision = { kind: 'allow' } | { kind: 'hide' } | { kind: 'forbid'; message: string };

/**
 * Decide a request needing `required` by a caller who is the operator or not, with role `role`
 * in the route's project (null: no member, or a route of no project). Pure.
 */
export function decideAccess(required: RouteAccess, operator: boolean, role: ProjectRole | null): AccessDecision {
  if (operator || required === 'account') return { kind: 'allow' };
  if (required === 'deployment') return { kind: 'forbid', message: "only the deployment's administrators may do this" };
  if (role === null) return { kind: 'hide' };
  const needed = LEVEL_ROLE[required];
  if (roleAtLeast(role, needed)) return { kind: 'allow' };
  return { kind: 'forbid', message: `this needs the role ${needed} in the project; you are ${role}` };
}

/**
 * The project a `project:*` request is about, and the 404 the handler would give when it does
 * not exist: `:projectId`, else the project of `:taskId` (getTask, getTaskSteps).
 * @throws FlotillaError not_found (404) for a `:taskId` that does not exist; internal for a project route with neither param
 */
async function projectOfRequest(c: Context<AppEnv>): Promise<{ projectId: string; hidden: FlotillaError }> {
  const params = c.req.param() as Record<string, string | undefined>;
  if (params.projectId !== undefined) return { projectId: params.projectId, hidden: notFound(`project ${params.projectId} not found`) };
  if (params.taskId !== undefined) {
    const hidden = notFound(`task ${params.taskId} not found`);
    const task = await getTaskRow(c.env.DB, params.taskId);
    if (!task) throw hidden;
    return { projectId: task.project_id, hidden };
  }
  throw new FlotillaError('internal', `${c.req.method} ${c.req.routePath} is a project route without :projectId or :taskId`);
}

/**
 * Apply {@link routeAccess} to this request of `principal`.
 * @throws FlotillaError not_found (404) for a project (or task) the caller is no member of;
 *   forbidden (403) for a role too low, or a `deployment` route of someone not its administrator
 */
export async function checkRouteAccess(c: Context<AppEnv>, principal: UserPrincipal): Promise<void> {
  const name = guardedRouteOf(c.req.method, c.req.routePath);
  if (name === undefined) throw new FlotillaError('internal', `${c.req.method} ${c.req.routePath} has no entry in routeAccess`);
  const required: RouteAccess = routeAccess[name];
  if (!required.startsWith('project:')) {
    const decision = decideAccess(required, principal.operator, null);
    if (decision.kind === 'forbid') throw forbidden(`${decision.message} (${c.req.method} ${c.req.routePath})`);
    return;
  }
  if (principal.operator) {
    c.set('projectRole', 'owner');
    return;
  }
  const { projectId, hidden } = await projectOfRequest(c);
  const role = await memberRole(c.env.DB, projectId, principal.userId);
  const decision = decideAccess(required, principal.operator, role);
  if (decision.kind === 'hide') throw hidden;
  if (decision.kind === 'forbid') throw forbidden(decision.message);
  if (role !== null) c.set('projectRole', role);
}

/**
 * Middleware of the `apiToken` auth kind with the access check: `requireApiToken` (who is
 * calling, a personal token's scope), then {@link checkRouteAccess}.
 */
export const requireApiTokenAndAccess: MiddlewareHandler<AppEnv> = (c, next) =>
  requireApiToken(c, async () => {
    await checkRouteAccess(c, principalOf(c.get('principal'), 'user'));
    await next();
  });

/**
 * The caller's role in the route's project, as the access check found it (`owner` for the operator).
 * @throws FlotillaError internal when the route is no `project:*` route (a bug)
 */
export function callerRole(c: Context<AppEnv>): ProjectRole {
  const role = c.get('projectRole') as ProjectRole | undefined;
  if (role === undefined) throw new FlotillaError('internal', 'this route has no project role: it is not a project route');
  return role;
}
