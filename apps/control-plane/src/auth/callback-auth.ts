/**
 * Middleware of the callback auth kinds (contracts route.ts `AuthKind`): node daemons present
 * callback JWTs signed by this control plane (tokens.ts).
 * - `nodeToken`: the node's own token — `sub` is the route's `:nodeId` and no `workspaceId`
 *   claim (else 403: a workspace token sits in that workspace's records, within an agent's
 *   reach, and must not speak for the node, e.g. re-announce its URL) → a node principal.
 * - `workspaceToken`: a token scoped to the route's workspace — `:workspaceId`, or for the task
 *   callback the task's workspace (`:taskId`; 404 for an unknown task) — whose workspace exists
 *   (else 404) on the token's node (else 403) → a workspace principal with the workspace row.
 * A missing, malformed or expired token is 401. Checked before the body is read.
 */
import { forbidden, notFound } from '@flotilla/kit';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { depsFromEnv } from '../deps.js';
import { getTaskRow } from '../tasks/repository.js';
import { getWorkspace } from '../workspaces/repository.js';
import { verifyCallbackToken } from './tokens.js';

/** The workspace a `workspaceToken` route is about: its `:workspaceId`, or its `:taskId`'s workspace. */
async function workspaceIdOfRoute(c: Context<AppEnv>): Promise<string | null> {
  const workspaceId = c.req.param('workspaceId');
  if (workspaceId) return workspaceId;
  const taskId = c.req.param('taskId') ?? '';
  const task = await getTaskRow(c.env.DB, taskId);
  if (!task) throw notFound(`task ${taskId} not found`);
  return task.workspace_id;
}

/** Middleware of the `nodeToken` auth kind. */
export const requireNodeToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const claims = await verifyCallbackToken(depsFromEnv(c.env), c.req.header('authorization'));
  const nodeId = c.req.param('nodeId') ?? '';
  if (claims.sub !== nodeId) throw forbidden(`this token belongs to another node, not ${nodeId}`);
  if (claims.workspaceId !== undefined) throw forbidden(`node routes take the node's own token, not a workspace's (workspace ${claims.workspaceId})`);
  c.set('principal', { kind: 'node', nodeId, claims });
  await next();
};

/** Middleware of the `workspaceToken` auth kind. */
export const requireWorkspaceToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const claims = await verifyCallbackToken(depsFromEnv(c.env), c.req.header('authorization'));
  const workspaceId = await workspaceIdOfRoute(c);
  if (!workspaceId || claims.workspaceId !== workspaceId) {
    throw forbidden(c.req.param('taskId') ? `this token is not scoped to task ${c.req.param('taskId')}'s workspace` : `this token is not scoped to workspace ${workspaceId}`);
  }
  const workspace = await getWorkspace(c.env.DB, workspaceId);
  if (!workspace) throw notFound(`workspace ${workspaceId} not found`);
  if (workspace.node_id !== claims.sub) throw forbidden(`workspace ${workspaceId} is not on node ${claims.sub}`);
  c.set('principal', { kind: 'workspace', nodeId: claims.sub, workspace });
  await next();
};
