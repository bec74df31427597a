/**
 * Permission requests in notifications (issue 16, item 3). A node daemon calls back when a
 * workspace's agent waits for a permission answer (policy `ask`): its project's webhooks and the
 * push subscribers get `permission.requested` with the request and how to answer it. A user (or
 * the web app's service worker, from a notification's Allow / Deny) answers through
 * `POST …/workspaces/:workspaceId/permission-requests/:requestId/answer` `{optionId}`, which the
 * control plane relays to the workspace's node daemon.
 */
import type { NotificationPayload, PermissionRequestedCallback } from '@flotilla/contracts';
import { conflict, errorMessage, notFound } from '@flotilla/kit';
import type { CallbackHandlers, PublicHandlers } from '../app-env.js';
import { principalOf } from '../auth/principal.js';
import { depsFromEnv } from '../deps.js';
import { getNode } from '../nodes/repository.js';
import { nodeDaemonClient } from '../nodes/node-client.js';
import { getProject } from '../projects/repository.js';
import { getTaskRow } from '../tasks/repository.js';
import { getWorkspace, type WorkspaceRow } from '../workspaces/repository.js';
import { notificationPayload, queueNotification } from './notify.js';

/** The first option of one of `kinds`, in the order given. */
function optionOf(options: PermissionRequestedCallback['options'], kinds: readonly string[]): string | null {
  for (const kind of kinds) {
    const option = options.find((o) => o.kind === kind);
    if (option) return option.optionId;
  }
  return null;
}

/** What is sent about a permission request of `workspace` (its URLs still paths). */
async function permissionPayload(db: D1Database, workspace: WorkspaceRow & { project_id: string }, request: PermissionRequestedCallback): Promise<NotificationPayload> {
  const [project, task] = await Promise.all([getProject(db, workspace.project_id), workspace.task_id ? getTaskRow(db, workspace.task_id) : null]);
  const projectName = project?.name ?? workspace.project_id;
  const base = task ? notificationPayload('permission.requested', task, projectName) : null;
  const projectPath = `/projects/${encodeURIComponent(workspace.project_id)}`;
  return {
    event: 'permission.requested',
    occurredAt: new Date().toISOString(),
    project: { id: workspace.project_id, name: projectName },
    url: `${projectPath}/workspaces/${encodeURIComponent(workspace.id)}`,
    task: base?.task ?? null,
    permission: {
      requestId: request.requestId,
      workspaceId: workspace.id,
      title: request.title,
      answerPath: `/api${projectPath}/workspaces/${encodeURIComponent(workspace.id)}/permission-requests/${encodeURIComponent(request.requestId)}/answer`,
      allowOptionId: optionOf(request.options, ['allow_once', 'allow_always']),
      denyOptionId: optionOf(request.options, ['reject_once', 'reject_always']),
    },
  };
}

export const permissionCallbackHandlers: CallbackHandlers<'permissionRequested'> = {
  /** A workspace's agent waits for a permission answer: notify (best effort; always 200 `{ok}`). */
  permissionRequested: async ({ body }, c) => {
    const { workspace } = principalOf(c.var.principal, 'workspace');
    const deps = depsFromEnv(c.env);
    const projectId = workspace.project_id;
    if (!projectId) return { ok: true as const };
    try {
      await queueNotification(deps, await permissionPayload(deps.db, { ...workspace, project_id: projectId }, body), body.requestId);
    } catch (error) {
      deps.log.child({ component: 'notifications' }).warn('permission request notifications not queued', { workspaceId: workspace.id, requestId: body.requestId, error: errorMessage(error) });
    }
    return { ok: true as const };
  },
};

export const permissionAnswerHandlers: PublicHandlers<'answerPermissionRequest'> = {
  /**
   * Relay an answer to the workspace's node daemon. 404 for a workspace not of this project, or a
   * request that is not open (answered, timed out); 409 when the workspace is not running; 400
   * for an option the request does not offer.
   */
  answerPermissionRequest: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    const workspace = await getWorkspace(deps.db, params.workspaceId);
    if (!workspace || workspace.project_id !== params.projectId) throw notFound(`workspace ${params.workspaceId} not found`);
    if (workspace.status !== 'running') throw conflict(`workspace ${workspace.id} is ${workspace.status}: its agent waits for no answer`);
    const node = await getNode(deps.db, workspace.node_id);
    if (!node?.url) throw conflict(`the node of workspace ${workspace.id} is ${node?.status ?? 'gone'}`);
    await nodeDaemonClient(deps, { id: node.id, url: node.url }).answerPermission({ params: { workspaceId: workspace.id, requestId: params.requestId }, body });
    deps.log.child({ component: 'notifications' }).info('permission request answered', { workspaceId: workspace.id, requestId: params.requestId, optionId: body.optionId });
    return null;
  },
};
