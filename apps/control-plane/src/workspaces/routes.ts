/**
 * Handlers of the workspace routes of the public API (contracts `publicApi`; issue 3 item 5):
 * - `POST …/workspaces` `{agentType?, permissionPolicy?}` → 202 `{workspaceId, chatSessionId,
 *   status: "creating"}`: a chat session with no task, then node, checkout on
 *   `workspace/<workspaceId>` and a registered agent session, in the background. Talk to it with
 *   `POST /api/projects/:projectId/sessions/:chatSessionId/prompt`.
 * - `GET …/workspaces/:workspaceId` → `ManualWorkspace` (`creating` → `running`, or `error`).
 * - `DELETE …/workspaces/:workspaceId` → 200 `ManualWorkspace` (`destroyed`): the agent stopped,
 *   the workspace gone from its node, the node released as after a completed task; 202
 *   (`stopping`) when the node could not be reached yet (retried in the background).
 * - `POST …/workspaces/:workspaceId/viewer-token` (viewer-token.ts).
 * 400 bad body; 404 unknown project, or no workspace created by hand with that id in it.
 */
import type { ManualWorkspace } from '@flotilla/contracts';
import { notFound } from '@flotilla/kit';
import { reply } from '@flotilla/kit/hono';
import type { PublicHandlers } from '../app-env.js';
import { depsFromEnv, type Deps } from '../deps.js';
import { requireProject } from '../projects/projects.js';
import { createManualWorkspace, getManualWorkspace } from './manual-workspaces.js';
import { viewerToken } from './viewer-token.js';

/** The workspace created by hand `workspaceId` of `projectId`. @throws FlotillaError not_found (404) */
async function requireManualWorkspace(deps: Deps, projectId: string, workspaceId: string): Promise<ManualWorkspace> {
  const workspace = await getManualWorkspace(deps, projectId, workspaceId);
  if (!workspace) throw notFound(`workspace ${workspaceId} (created by hand) not found in project ${projectId}`);
  return workspace;
}

export const workspaceHandlers: PublicHandlers<'createWorkspace' | 'getWorkspace' | 'deleteWorkspace' | 'viewerToken'> = {
  createWorkspace: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    const project = await requireProject(deps.db, params.projectId);
    const workspace = await createManualWorkspace(deps, project, body);
    deps.log.child({ component: 'manual-workspaces' }).info('workspace created by hand', { projectId: project.id, workspaceId: workspace.workspaceId, agentType: workspace.agentType });
    return { workspaceId: workspace.workspaceId, chatSessionId: workspace.chatSessionId, status: workspace.status };
  },

  getWorkspace: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    await requireProject(deps.db, params.projectId);
    return requireManualWorkspace(deps, params.projectId, params.workspaceId);
  },

  deleteWorkspace: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const { projectId, workspaceId } = params;
    await requireProject(deps.db, projectId);
    await requireManualWorkspace(deps, projectId, workspaceId);
    const outcome = await deps.stubs.workspaceRunner(workspaceId).destroy();
    if (!outcome.ok) throw notFound(`workspace ${workspaceId} (created by hand) not found in project ${projectId}`);
    deps.log.child({ component: 'manual-workspaces' }).info('workspace created by hand deleted', { projectId, workspaceId, outcome: outcome.value });
    return reply(await requireManualWorkspace(deps, projectId, workspaceId), outcome.value === 'destroyed' ? 200 : 202);
  },

  viewerToken: ({ params }, c) => viewerToken(depsFromEnv(c.env), params.projectId, params.workspaceId),
};
