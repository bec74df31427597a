/**
 * Viewer access to a workspace's direct agent channel (issue 3; contracts agent-stream.ts):
 * `POST /api/projects/:projectId/workspaces/:workspaceId/viewer-token` answers
 * `{url, token, expiresAt}` — the node daemon's WebSocket URL of the workspace's live ACP stream
 * and a `workspace-terminal` token for it (VIEWER_TOKEN_TTL_MS). 404 when the project or the
 * workspace (in that project) is unknown or gone; 409 when the workspace or its node is not
 * running yet.
 */
import type { ViewerTokenResponse } from '@flotilla/contracts';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { signViewerToken } from '../auth/tokens.js';
import { getNode, getWorkspace } from '../db/nodes-repository.js';
import { readConfig } from '../env.js';
import { conflict, notFound } from '../lib/errors.js';
import { requireProject } from './projects.js';

export const workspaceViewerRoutes = new Hono<AppEnv>().post('/:workspaceId/viewer-token', async (c) => {
  const projectId = c.req.param('projectId') ?? '';
  const workspaceId = c.req.param('workspaceId');
  await requireProject(c.env.DB, projectId);
  const workspace = await getWorkspace(c.env.DB, workspaceId);
  if (!workspace || workspace.project_id !== projectId || workspace.status === 'destroyed') {
    throw notFound(`workspace ${workspaceId} not found in project ${projectId}`);
  }
  if (workspace.status !== 'running') throw conflict(`workspace ${workspaceId} is ${workspace.status}, not running`);
  const node = await getNode(c.env.DB, workspace.node_id);
  if (!node?.url) throw conflict(`node ${workspace.node_id} of workspace ${workspaceId} has no address yet`);
  const ttlMs = readConfig(c.env).VIEWER_TOKEN_TTL_MS;
  const body: ViewerTokenResponse = {
    url: `${node.url.replace(/^http/, 'ws').replace(/\/$/, '')}/workspaces/${encodeURIComponent(workspaceId)}/agent/ws`,
    token: await signViewerToken(c.env.DB, node.id, workspaceId, ttlMs),
    expiresAt: new Date(Date.now() + ttlMs).toISOString(),
  };
  return c.json(body);
});
