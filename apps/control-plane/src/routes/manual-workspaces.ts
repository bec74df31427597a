/**
 * Workspaces created by hand (issue 3 item 5; contracts manual-workspace.ts,
 * services/manual-workspaces.ts):
 * - `POST /api/projects/:projectId/workspaces` `{agentType?}` → 202 `{workspaceId, chatSessionId,
 *   status: "creating"}`: a chat session with no task, then node, checkout on
 *   `workspace/<workspaceId>` and a registered agent session, in the background. Talk to it with
 *   `POST /api/projects/:projectId/sessions/:chatSessionId/prompt`.
 * - `GET /api/projects/:projectId/workspaces/:workspaceId` → `ManualWorkspace` (`creating` →
 *   `running`, or `error` with the reason).
 * - `DELETE /api/projects/:projectId/workspaces/:workspaceId` → 200 `ManualWorkspace` (`destroyed`):
 *   the agent stopped, the workspace gone from its node, the node released as after a completed
 *   task; 202 (`stopping`) when the node could not be reached yet (retried in the background).
 * 400 bad body; 404 unknown project, or no workspace created by hand with that id in it.
 */
import { CreateManualWorkspaceRequest, type CreateManualWorkspaceResponse } from '@flotilla/contracts';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { Env } from '../env.js';
import { notFound } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { parseJsonBody } from '../lib/validation.js';
import { createManualWorkspace, getManualWorkspace, manualWorkspaceRunner } from '../services/manual-workspaces.js';
import { requireProject } from './projects.js';

const log = createLogger('manual-workspaces');

async function requireManualWorkspace(env: Env, projectId: string, workspaceId: string) {
  const workspace = await getManualWorkspace(env, projectId, workspaceId);
  if (!workspace) throw notFound(`workspace ${workspaceId} (created by hand) not found in project ${projectId}`);
  return workspace;
}

export const manualWorkspaceRoutes = new Hono<AppEnv>()
  .post('/', async (c) => {
    const project = await requireProject(c.env.DB, c.req.param('projectId') ?? '');
    const input = await parseJsonBody(c, CreateManualWorkspaceRequest);
    const workspace = await createManualWorkspace(c.env, project, input);
    log.info('workspace created by hand', { projectId: project.id, workspaceId: workspace.workspaceId, agentType: workspace.agentType });
    const body: CreateManualWorkspaceResponse = { workspaceId: workspace.workspaceId, chatSessionId: workspace.chatSessionId, status: workspace.status };
    return c.json(body, 202);
  })
  .get('/:workspaceId', async (c) => {
    const projectId = c.req.param('projectId') ?? '';
    await requireProject(c.env.DB, projectId);
    return c.json(await requireManualWorkspace(c.env, projectId, c.req.param('workspaceId')));
  })
  .delete('/:workspaceId', async (c) => {
    const projectId = c.req.param('projectId') ?? '';
    const workspaceId = c.req.param('workspaceId');
    await requireProject(c.env.DB, projectId);
    await requireManualWorkspace(c.env, projectId, workspaceId);
    const outcome = await manualWorkspaceRunner(c.env, workspaceId).destroyManualWorkspace();
    if (outcome === 'not_found') throw notFound(`workspace ${workspaceId} (created by hand) not found in project ${projectId}`);
    log.info('workspace created by hand deleted', { projectId, workspaceId, outcome });
    return c.json(await requireManualWorkspace(c.env, projectId, workspaceId), outcome === 'destroyed' ? 200 : 202);
  });
