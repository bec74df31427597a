/**
 * What node daemons call on the control plane (DESIGN.md §2 hops 2–5): their node's ready and
 * heartbeat (the node's callback token), a workspace's ready and message batches, and the task
 * callback (the workspace's token), plus the public keys those tokens are checked against.
 * Served by apps/control-plane, called by the node daemon's control-plane client.
 */
import * as z from 'zod';
import { MESSAGE_BATCH_MAX_BODY_BYTES, PersistMessageBatchRequest, PersistMessageBatchResponse } from '../chat.js';
import { NodeHeartbeatRequest, NodeHeartbeatResponse, NodeReadyRequest, TaskCallbackRequest, WorkspaceReadyRequest } from '../node.js';
import { TASK_CALLBACK_MAX_BODY_BYTES } from '../task-diff.js';
import { PermissionRequestedCallback } from '../notifications.js';
import { SESSION_ARCHIVE_BODY_MAX_BYTES, SessionArchiveCallbackRequest } from '../session-archive.js';
import { route } from './route.js';

/** Answer of a callback that only records a fact. */
export const OkResponse = z.object({ ok: z.literal(true) });

/** Answer of the task callback; `duplicate` when it repeats the callback that already ended the run. */
export const TaskCallbackResponse = z.object({ ok: z.literal(true), duplicate: z.boolean() });

/** The control plane's public signing keys (RFC 7517 JSON Web Key Set). */
export const JsonWebKeySet = z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional() })) });

export const callbackApi = {
  jwks: route({ method: 'GET', path: '/.well-known/jwks.json', auth: 'public', response: JsonWebKeySet, status: [200], summary: "the control plane's public signing keys (ES256)" }),
  nodeReady: route({ method: 'POST', path: '/api/nodes/:nodeId/ready', auth: 'nodeToken', body: NodeReadyRequest, response: OkResponse, status: [200], summary: 'the node daemon listens at url' }),
  nodeHeartbeat: route({ method: 'POST', path: '/api/nodes/:nodeId/heartbeat', auth: 'nodeToken', body: NodeHeartbeatRequest, response: NodeHeartbeatResponse, status: [200], summary: 'the node daemon is alive (the answer may carry fresh callback tokens)' }),
  workspaceReady: route({ method: 'POST', path: '/api/workspaces/:workspaceId/ready', auth: 'workspaceToken', body: WorkspaceReadyRequest, response: OkResponse, status: [200], summary: "the workspace's checkout is done, or failed" }),
  persistMessages: route({ method: 'POST', path: '/api/workspaces/:workspaceId/messages', auth: 'workspaceToken', body: PersistMessageBatchRequest, maxBodyBytes: MESSAGE_BATCH_MAX_BODY_BYTES, response: PersistMessageBatchResponse, status: [200], summary: "a batch of chat messages from the workspace's outbox" }),
  permissionRequested: route({ method: 'POST', path: '/api/workspaces/:workspaceId/permission-requests', auth: 'workspaceToken', body: PermissionRequestedCallback, response: OkResponse, status: [200], summary: 'the agent waits for a permission answer (notifications)' }),
  taskCallback: route({ method: 'POST', path: '/api/tasks/:taskId/callback', auth: 'workspaceToken', body: TaskCallbackRequest, maxBodyBytes: TASK_CALLBACK_MAX_BODY_BYTES, response: TaskCallbackResponse, status: [200], summary: "the agent's turn ended: completed or failed" }),
  sessionArchive: route({ method: 'POST', path: '/api/workspaces/:workspaceId/session-archive', auth: 'workspaceToken', body: SessionArchiveCallbackRequest, maxBodyBytes: SESSION_ARCHIVE_BODY_MAX_BYTES, response: OkResponse, status: [200], summary: "the agent's session files, kept for a resume with session/load" }),
} as const;

export type CallbackApi = typeof callbackApi;
