/**
 * Workspace routes of `nodeDaemonApi` (node-management token):
 * - `createWorkspace` `POST /workspaces` → 202 `{workspaceId, status:"creating"}`; 409 when the
 *   id exists; the checkout and the ready callback happen in the background.
 * - `listWorkspaces` `GET /workspaces` → `WorkspaceInfo[]` (not destroyed);
 *   `getWorkspace` `GET /workspaces/:workspaceId` → `WorkspaceInfo`.
 * - `deleteWorkspace` `DELETE /workspaces/:workspaceId` → stops its agents, removes the
 *   directory, 200 `{workspaceId, status:"destroyed"}`; 404 when unknown.
 */
import type { WorkspaceService } from '../../workspaces/workspace-service.js';
import type { DaemonRouteHandlers } from './handlers.js';

/** The workspace routes' handlers, over `workspaces`. */
export function workspaceHandlers(workspaces: WorkspaceService): DaemonRouteHandlers<'createWorkspace' | 'listWorkspaces' | 'getWorkspace' | 'deleteWorkspace'> {
  return {
    createWorkspace: ({ body }) => {
      const created = workspaces.createWorkspace(body);
      return { workspaceId: created.workspaceId, status: created.status };
    },
    listWorkspaces: () => workspaces.listWorkspaces(),
    getWorkspace: ({ params }) => workspaces.getWorkspace(params.workspaceId),
    deleteWorkspace: async ({ params }) => {
      const destroyed = await workspaces.destroyWorkspace(params.workspaceId);
      return { workspaceId: destroyed.workspaceId, status: destroyed.status };
    },
  };
}
