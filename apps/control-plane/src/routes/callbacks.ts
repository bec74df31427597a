/**
 * Callbacks from node daemons (DESIGN.md §2), authenticated with callback tokens signed by this
 * control plane: node ready + heartbeat, workspace ready, message batches, task completion.
 */
import {
  MESSAGE_BATCH_MAX_BODY_BYTES,
  NodeHeartbeatRequest,
  type NodeHeartbeatResponse,
  NodeReadyRequest,
  PersistMessageBatchRequest,
  TaskCallbackRequest,
  WorkspaceReadyRequest,
  type PersistMessageBatchResponse,
} from '@flotilla/contracts';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { verifyCallbackToken } from '../auth/tokens.js';
import { readConfig } from '../env.js';
import { getNode, getWorkspace, markNodeReady, recordHeartbeat, setWorkspaceStatus } from '../db/nodes-repository.js';
import { getTaskRow } from '../db/tasks-repository.js';
import { HttpError, forbidden, notFound } from '../lib/errors.js';
import { parseJsonBody } from '../lib/validation.js';
import { refreshCallbackTokens } from '../services/callback-token-refresh.js';
import { projectData, taskRunner } from '../services/task-submission.js';

/** The caller's token must belong to `nodeId`. @throws 401 / 403 */
async function authorizeNode(c: Context<AppEnv>, nodeId: string) {
  const claims = await verifyCallbackToken(c.env.DB, c.req.header('authorization'));
  if (claims.sub !== nodeId) throw forbidden(`this token belongs to another node, not ${nodeId}`);
  return claims;
}

/** The caller's token must be scoped to `workspaceId` (and its node). @throws 401 / 403 / 404 */
async function authorizeWorkspace(c: Context<AppEnv>, workspaceId: string) {
  const claims = await verifyCallbackToken(c.env.DB, c.req.header('authorization'));
  if (claims.workspaceId !== workspaceId) throw forbidden(`this token is not scoped to workspace ${workspaceId}`);
  const workspace = await getWorkspace(c.env.DB, workspaceId);
  if (!workspace) throw notFound(`workspace ${workspaceId} not found`);
  if (workspace.node_id !== claims.sub) throw forbidden(`workspace ${workspaceId} is not on node ${claims.sub}`);
  return workspace;
}

async function wakeRunnerOf(c: Context<AppEnv>, taskId: string | null) {
  if (taskId) await taskRunner(c.env, taskId).wake();
}

export const nodeCallbackRoutes = new Hono<AppEnv>()
  /** The node daemon is up and listening at `url`. */
  .post('/:nodeId/ready', async (c) => {
    const nodeId = c.req.param('nodeId');
    await authorizeNode(c, nodeId);
    const body = await parseJsonBody(c, NodeReadyRequest);
    if (!(await getNode(c.env.DB, nodeId))) throw notFound(`node ${nodeId} not found`);
    await markNodeReady(c.env.DB, nodeId, body.url, body.daemonVersion);
    const { results } = await c.env.DB.prepare("SELECT id FROM tasks WHERE node_id = ? AND status IN ('queued', 'delegated')").bind(nodeId).all<{ id: string }>();
    await Promise.all(results.map((row) => wakeRunnerOf(c, row.id)));
    return c.json({ ok: true });
  })
  /**
   * The node daemon is alive; `workspaceIds` are the workspaces it holds. Answers
   * `NodeHeartbeatResponse`; 401 for a missing, invalid or expired token, 403 for another node's
   * token, 400 for a bad body, 404 for an unknown node.
   *
   * Token refresh: when the presented token is the node's own (no `workspaceId` claim) and has
   * less than half of CALLBACK_TOKEN_TTL_MS (ms) left by its `exp`, the answer carries a fresh
   * node token (`callbackToken`) and a fresh token for each listed workspace that is on this node
   * in D1 and not destroyed (`workspaceTokens`; other ids are left out silently); a destroyed
   * node gets none. Why half, and why all together: a workspace token is always minted after the
   * node token in force at the time (at creation, or with it at a refresh), so it expires no
   * earlier than that node token; replacing every workspace token whenever the node token is
   * refreshed — at least half a TTL before the node token expires — replaces each of them before
   * it expires too, as long as heartbeats get through.
   */
  .post('/:nodeId/heartbeat', async (c) => {
    const nodeId = c.req.param('nodeId');
    const claims = await authorizeNode(c, nodeId);
    const body = await parseJsonBody(c, NodeHeartbeatRequest);
    const node = await getNode(c.env.DB, nodeId);
    if (!node) throw notFound(`node ${nodeId} not found`);
    await recordHeartbeat(c.env.DB, nodeId);
    const ttlMs = readConfig(c.env).CALLBACK_TOKEN_TTL_MS;
    const tokens = node.status === 'destroyed' ? {} : await refreshCallbackTokens(c.env.DB, nodeId, claims, body.workspaceIds, ttlMs);
    const response: NodeHeartbeatResponse = { ok: true, ...tokens };
    return c.json(response);
  });

export const workspaceCallbackRoutes = new Hono<AppEnv>()
  /** The workspace's clone and branch are done (`running`) or failed (`error`). */
  .post('/:workspaceId/ready', async (c) => {
    const workspace = await authorizeWorkspace(c, c.req.param('workspaceId'));
    const body = await parseJsonBody(c, WorkspaceReadyRequest);
    await setWorkspaceStatus(c.env.DB, workspace.id, body.status, body.status === 'error' ? body.error : null);
    // A workspace created by hand (no task) is set up by the runner named by its own id.
    await wakeRunnerOf(c, workspace.task_id ?? workspace.id);
    return c.json({ ok: true });
  })
  /**
   * A batch of chat messages from the workspace's outbox (≤ 256 KiB, 1–100 messages).
   * Answers `{persisted, duplicates}`; 404 for an unknown workspace or session; 403 for messages
   * of another workspace's session.
   */
  .post('/:workspaceId/messages', async (c) => {
    const workspace = await authorizeWorkspace(c, c.req.param('workspaceId'));
    const body = await parseJsonBody(c, PersistMessageBatchRequest, MESSAGE_BATCH_MAX_BODY_BYTES);
    if (!workspace.project_id) throw notFound(`workspace ${workspace.id} belongs to no project`);
    const data = projectData(c.env, workspace.project_id);
    const foreign = body.messages.find((m) => m.sessionId !== workspace.chat_session_id);
    if (foreign) {
      // A session that does not exist is "not found"; another workspace's session is forbidden.
      if (!(await data.getSession(workspace.project_id, foreign.sessionId))) throw notFound(`chat session ${foreign.sessionId} not found`);
      throw forbidden(`message ${foreign.messageId} is for session ${foreign.sessionId}, not this workspace's session`);
    }
    const outcome = await data.persistMessageBatch(body.messages);
    if (!outcome.ok) throw notFound(`chat session ${outcome.sessionId} not found`);
    const response: PersistMessageBatchResponse = { persisted: outcome.persisted, duplicates: outcome.duplicates };
    return c.json(response);
  });

export const taskCallbackRoutes = new Hono<AppEnv>()
  /** The agent's turn ended: completed with branch/commit/summary, or failed with an error. */
  .post('/:taskId/callback', async (c) => {
    const taskId = c.req.param('taskId');
    const claims = await verifyCallbackToken(c.env.DB, c.req.header('authorization'));
    const task = await getTaskRow(c.env.DB, taskId);
    if (!task) throw notFound(`task ${taskId} not found`);
    if (!claims.workspaceId || claims.workspaceId !== task.workspace_id) throw forbidden(`this token is not scoped to task ${taskId}'s workspace`);
    const body = await parseJsonBody(c, TaskCallbackRequest);
    const outcome = await taskRunner(c.env, taskId).completeRun(body);
    if (!outcome.accepted) throw new HttpError('conflict', outcome.reason);
    return c.json({ ok: true, duplicate: outcome.duplicate });
  });
