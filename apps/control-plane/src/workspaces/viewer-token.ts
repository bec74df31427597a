/**
 * Viewer access to a workspace's direct agent channel (issue 3; contracts agent-stream.ts):
 * `POST /api/projects/:projectId/workspaces/:workspaceId/viewer-token` answers
 * `{url, token, expiresAt}` — the node daemon's WebSocket URL of the workspace's live ACP stream
 * and a `workspace-terminal` token for it (VIEWER_TOKEN_TTL_MS).
 */
import type { ViewerTokenResponse } from '@flotilla/contracts';
import { conflict, notFound } from '@flotilla/kit';
import { signViewerToken } from '../auth/tokens.js';
import type { Deps } from '../deps.js';
import { getNode } from '../nodes/repository.js';
import { requireProject } from '../projects/projects.js';
import { getWorkspace } from './repository.js';

/**
 * A viewer token for workspace `workspaceId` of project `projectId`, made for the user `userId` (its `usr` claim).
 * @throws FlotillaError 404 when the project or the workspace (in that project) is unknown or
 *   gone; 409 when the workspace or its node is not running yet
 */
export async function viewerToken(deps: Pick<Deps, 'db' | 'config'>, projectId: string, workspaceId: string, userId: string): Promise<ViewerTokenResponse> {
  await requireProject(deps.db, projectId);
  const workspace = await getWorkspace(deps.db, workspaceId);
  if (!workspace || workspace.project_id !== projectId || workspace.status === 'destroyed') throw notFound(`workspace ${workspaceId} not found in project ${projectId}`);
  if (workspace.status !== 'running') throw conflict(`workspace ${workspaceId} is ${workspace.status}, not running`);
  const node = await getNode(deps.db, workspace.node_id);
  if (!node?.url) throw conflict(`node ${workspace.node_id} of workspace ${workspaceId} has no address yet`);
  const ttlMs = deps.config.VIEWER_TOKEN_TTL_MS;
  return {
    url: `${node.url.replace(/^http/, 'ws').replace(/\/$/, '')}/workspaces/${encodeURIComponent(workspaceId)}/agent/ws`,
    token: await signViewerToken(deps, node.id, workspaceId, userId, ttlMs),
    expiresAt: new Date(Date.now() + ttlMs).toISOString(),
  };
}
