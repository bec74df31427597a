/**
 * The project scope of a personal API token (issue 14 item 4): a token that names projects
 * reaches the routes of those projects only. Decided from the matched route's path template and
 * its params, after authentication (api-token.ts `requireApiToken`):
 * - a route with `:projectId` outside the scope → 404, as for a project that does not exist;
 * - a route addressed by `:taskId` alone (`/api/tasks/:taskId…`) → 404 unless the task's project
 *   is in scope;
 * - `GET /api/projects` is allowed (its handler lists the projects in scope only), and so is
 *   `GET /api/tokens/current` (a token may read its own record: `flotilla login` checks it);
 * - every other route (nodes, agents, credentials, settings, tokens, push) → 403 naming the scope.
 * Unscoped tokens, the shared token and the cookie reach everything.
 */
import { forbidden, notFound } from '@flotilla/kit';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { getTaskRow } from '../tasks/repository.js';
import type { Principal, UserPrincipal } from './principal.js';

/** What the scope says of one request, before any task is looked up. */
export type ScopeDecision =
  | { kind: 'allow' }
  | { kind: 'hide'; what: string }
  | { kind: 'task'; taskId: string }
  | { kind: 'forbid' };

/** Routes a scoped token may call though they name no project: `METHOD path-template`. */
const ALLOWED_UNSCOPED_ROUTES = new Set(['GET /api/projects', 'GET /api/tokens/current']);

/**
 * What `projectIds` (null: every project) allows of the route `method routePath` with `params`.
 * Pure: the task lookup of `{kind: 'task'}` is the caller's.
 */
export function decideScope(projectIds: readonly string[] | null, method: string, routePath: string, params: Record<string, string>): ScopeDecision {
  if (projectIds === null) return { kind: 'allow' };
  const projectId = params.projectId;
  if (projectId !== undefined) return projectIds.includes(projectId) ? { kind: 'allow' } : { kind: 'hide', what: `project ${projectId}` };
  if (params.taskId !== undefined) return { kind: 'task', taskId: params.taskId };
  return ALLOWED_UNSCOPED_ROUTES.has(`${method} ${routePath}`) ? { kind: 'allow' } : { kind: 'forbid' };
}

/** The projects `principal` may see: null for every project (not a scoped personal token). */
export function projectScopeOf(principal: Principal | undefined): readonly string[] | null {
  return principal?.kind === 'user' ? (principal.projectIds ?? null) : null;
}

/**
 * Refuse the request when it lies outside the scope of `principal`'s token.
 * @throws FlotillaError not_found (404) for a project or task outside the scope; forbidden (403),
 *   naming the scope, for a route of no project
 */
export async function checkTokenScope(c: Context<AppEnv>, principal: UserPrincipal): Promise<void> {
  const projectIds = principal.projectIds ?? null;
  const decision = decideScope(projectIds, c.req.method, c.req.routePath, c.req.param() as Record<string, string>);
  if (decision.kind === 'allow') return;
  if (decision.kind === 'hide') throw notFound(`${decision.what} not found`);
  const scope = (projectIds ?? []).join(', ');
  if (decision.kind === 'forbid') throw forbidden(`this API token reaches only the projects ${scope}: ${c.req.method} ${c.req.routePath} is outside its scope`);
  const task = await getTaskRow(c.env.DB, decision.taskId);
  if (!task || !(projectIds ?? []).includes(task.project_id)) throw notFound(`task ${decision.taskId} not found`);
}
