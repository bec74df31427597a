/**
 * Workspace routes (contracts node.ts, "control plane → node daemon"):
 * - `POST /workspaces` (`CreateWorkspaceRequest`) → 202 `{workspaceId, status:"creating"}`;
 *   409 when the id exists; the checkout and the ready callback happen in the background.
 * - `GET /workspaces` → `WorkspaceInfo[]` (not destroyed); `GET /workspaces/:id` → `WorkspaceInfo`.
 * - `DELETE /workspaces/:id` → stops its agents, removes the directory,
 *   200 `{workspaceId, status:"destroyed"}`; 404 when unknown.
 */
import { Hono } from 'hono';
import { CreateWorkspaceRequest } from '@flotilla/contracts';
import type { WorkspaceService } from '../../workspaces/workspace-service.js';
import { parseJsonBody } from '@flotilla/kit/hono';

export function workspaceRoutes(workspaces: WorkspaceService): Hono {
  return new Hono()
    .post('/workspaces', async (c) => {
      const request = await parseJsonBody(c, CreateWorkspaceRequest);
      const created = workspaces.createWorkspace(request);
      return c.json({ workspaceId: created.workspaceId, status: created.status }, 202);
    })
    .get('/workspaces', (c) => c.json(workspaces.listWorkspaces()))
    .get('/workspaces/:workspaceId', (c) => c.json(workspaces.getWorkspace(c.req.param('workspaceId'))))
    .delete('/workspaces/:workspaceId', async (c) => {
      const destroyed = await workspaces.destroyWorkspace(c.req.param('workspaceId'));
      return c.json({ workspaceId: destroyed.workspaceId, status: destroyed.status });
    });
}
