/**
 * Handlers of the workspace routes of the public API (contracts `publicApi`; issue 3 item 5):
 * - `POST …/workspaces` `{agentType?, permissionPolicy?}` → 202 `{workspaceId, chatSessionId,
 *   status: "creating"}`: a chat session with no task, then node, checkout on
 *   `workspace/<workspaceId>` and a registered agent session, in the background. Talk to it with
 *   `POST /api/projects/:projectId/sessions/:chatSessionId/prompt`.
 * - `GET …/workspaces/:workspaceId` → `ManualWorkspace` (`creating` → `running`, or `error`).
 * - `GET …/workspaces` → `{workspaces: WorkspaceSummary[]}`: the project's workspaces that are
 *   not destroyed — of its tasks (running, or kept with their expiry) and made by hand (issue 17).
 * - `DELETE …/workspaces/:workspaceId` → 200 `ManualWorkspace` (`destroyed`): the agent stopped,
 *   the workspace gone from its node, the node released as after a completed task; 202
 *   (`stopping`) when the node could not be reached yet (retried in the background). A task's
 *   kept workspace → 200 `WorkspaceSummary` (`destroyed`, the node released); 409 while its task
 *   still runs in it.
 * - `POST …/workspaces/:workspaceId/viewer-token` (viewer-token.ts).
 * 400 bad body; 404 unknown project, or no such workspace in it. A deletion is recorded in the
 * audit log (audit/).
 */
import type { ManualWorkspace } from '@flotilla/contracts';
import { conflict, notFound } from '@flotilla/kit';
import { reply } from '@flotilla/kit/hono';
import type { PublicHandlers } from '../app-env.js';
import { signedInUserId } from '../auth/principal.js';
import { recordFromRoute } from '../audit/record.js';
import { depsFromEnv, type Deps } from '../deps.js';
import { principalOf } from '../auth/principal.js';
import { requireProject } from '../projects/projects.js';
import { destroyWorkspaceAndRelease } from './disposal.js';
import { taskStillRunsIn } from './expiry.js';
import { createManualWorkspace, getManualWorkspace } from './manual-workspaces.js';
import { getWorkspaceOfProject, listLiveWorkspacesOfProject } from './repository.js';
import { toWorkspaceSummary } from './summary.js';
import { viewerToken } from './viewer-token.js';

/** The workspace created by hand `workspaceId` of `projectId`. @throws FlotillaError not_found (404) */
async function requireManualWorkspace(deps: Deps, projectId: string, workspaceId: string): Promise<ManualWorkspace> {
  const workspace = await getManualWorkspace(deps, projectId, workspaceId);
  if (!workspace) throw notFound(`workspace ${workspaceId} (created by hand) not found in project ${projectId}`);
  return workspace;
}

/**
 * Delete the task's workspace `workspaceId` of `projectId` (kept after its run ended): gone from
 * its node, marked destroyed, its node released (warm when nothing else is on it).
 * @throws FlotillaError not_found (404) when there is no such workspace, conflict (409) while its task still runs in it
 */
async function deleteTaskWorkspace(deps: Deps, projectId: string, workspaceId: string) {
  const row = await getWorkspaceOfProject(deps.db, projectId, workspaceId);
  if (!row?.task_id) throw notFound(`workspace ${workspaceId} not found in project ${projectId}`);
  if (row.status !== 'destroyed') {
    if (await taskStillRunsIn(deps, row)) throw conflict(`task ${row.task_id} still runs in workspace ${workspaceId}: cancel it first`);
    await destroyWorkspaceAndRelease(deps, workspaceId, row.node_id, deps.log.child({ component: 'workspaces', projectId, taskId: row.task_id }));
  }
  return toWorkspaceSummary((await getWorkspaceOfProject(deps.db, projectId, workspaceId)) ?? row);
}

export const workspaceHandlers: PublicHandlers<'createWorkspace' | 'listWorkspaces' | 'getWorkspace' | 'deleteWorkspace' | 'viewerToken'> = {
  /** The project's workspaces that are not destroyed, newest first. 404 unknown project. */
  listWorkspaces: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    await requireProject(deps.db, params.projectId);
    return { workspaces: (await listLiveWorkspacesOfProject(deps.db, params.projectId)).map(toWorkspaceSummary) };
  },

  createWorkspace: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    const project = await requireProject(deps.db, params.projectId);
    const workspace = await createManualWorkspace(deps, project, body, signedInUserId(c.get('principal')));
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
    const manual = await getManualWorkspace(deps, projectId, workspaceId);
    const audited = () => recordFromRoute(c, { projectId, action: 'workspace.deleted', target: { kind: 'workspace', id: workspaceId }, detail: { createdByHand: manual !== null } });
    if (!manual) {
      const answer = await deleteTaskWorkspace(deps, projectId, workspaceId);
      await audited();
      return answer;
    }
    const outcome = await deps.stubs.workspaceRunner(workspaceId).destroy();
    if (!outcome.ok) throw notFound(`workspace ${workspaceId} (created by hand) not found in project ${projectId}`);
    await audited();
    deps.log.child({ component: 'manual-workspaces' }).info('workspace created by hand deleted', { projectId, workspaceId, outcome: outcome.value });
    return reply(await requireManualWorkspace(deps, projectId, workspaceId), outcome.value === 'destroyed' ? 200 : 202);
  },

  viewerToken: ({ params }, c) => viewerToken(depsFromEnv(c.env), params.projectId, params.workspaceId, principalOf(c.get('principal'), 'user').userId),
};
