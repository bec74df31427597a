/**
 * Delivering a follow-up prompt to a chat session's running agent (issue 4 item 5): find where
 * the agent runs (D1), then `POST {node}/workspaces/:wid/agent-sessions/:sid/prompt {text,
 * messageId}` — `messageId` is the idempotency key, so a retry after a lost answer is never
 * delivered twice. The durable queue itself is in ProjectData (follow-up-queue.ts).
 */
import type { ChatSession, FollowUpPromptDelivery } from '@flotilla/contracts';
import { getNode, getWorkspace } from '../db/nodes-repository.js';
import { getTaskRow } from '../db/tasks-repository.js';
import type { Config, Env } from '../env.js';
import { PermanentError } from '../lib/errors.js';
import { errorMessage } from '../lib/logger.js';
import { callNode } from './node-client.js';

/** Where a session's agent runs. */
export interface RunningAgent {
  nodeId: string;
  nodeUrl: string;
  workspaceId: string;
  agentSessionId: string;
}

export type AgentLookup = { running: true; agent: RunningAgent } | { running: false; reason: string };

/**
 * Find the running agent of `session`: a task's session has one while the task is `in_progress`
 * with an agent session; a session without a task (a manual workspace) has the latest `running`
 * agent session of its workspace, while the workspace runs.
 */
export async function findRunningAgent(env: Env, session: ChatSession): Promise<AgentLookup> {
  const notRunning = (why: string): AgentLookup => ({ running: false, reason: `the agent of session ${session.id} is no longer running: ${why}` });
  let workspaceId: string | null;
  let agentSessionId: string | null;
  if (session.taskId) {
    const task = await getTaskRow(env.DB, session.taskId);
    if (!task) return notRunning(`its task ${session.taskId} is gone`);
    if (task.status !== 'in_progress') return notRunning(`its task is ${task.status}`);
    workspaceId = task.workspace_id;
    agentSessionId = task.agent_session_id;
  } else {
    workspaceId = session.workspaceId;
    agentSessionId = workspaceId
      ? ((await env.DB.prepare("SELECT id FROM agent_sessions WHERE workspace_id = ? AND status = 'running' ORDER BY created_at DESC LIMIT 1").bind(workspaceId).first<{ id: string }>())?.id ?? null)
      : null;
  }
  if (!workspaceId || !agentSessionId) return notRunning('no agent was started in it');
  const workspace = await getWorkspace(env.DB, workspaceId);
  if (!workspace || workspace.status !== 'running') return notRunning(`its workspace is ${workspace?.status ?? 'gone'}`);
  const node = await getNode(env.DB, workspace.node_id);
  if (!node?.url) return notRunning(`its node ${workspace.node_id} is ${node?.status ?? 'gone'}`);
  return { running: true, agent: { nodeId: node.id, nodeUrl: node.url, workspaceId, agentSessionId } };
}

export type FollowUpAttempt =
  | { kind: 'delivered'; delivery: 'delivered' | 'queued' }
  /** The daemon has no such running agent (404/409): delivering again cannot help. */
  | { kind: 'agent_gone'; reason: string }
  /** The daemon could not be reached or failed: try again later with the same messageId. */
  | { kind: 'retry'; reason: string };

/**
 * One delivery attempt of prompt `{messageId, text}` to `agent`. Never throws.
 */
export async function attemptFollowUpDelivery(env: Env, config: Config, agent: RunningAgent, prompt: { messageId: string; text: string }): Promise<FollowUpAttempt> {
  const path = `/workspaces/${agent.workspaceId}/agent-sessions/${agent.agentSessionId}/prompt`;
  try {
    const response = await callNode(env.DB, { id: agent.nodeId, url: agent.nodeUrl }, 'POST', path, {
      body: prompt,
      accept: [404, 409],
      timeoutMs: config.OUTBOUND_REQUEST_TIMEOUT_MS,
    });
    if (response.status === 404 || response.status === 409) {
      return { kind: 'agent_gone', reason: `the agent is no longer running (node daemon: ${(await response.text()).slice(0, 300)})` };
    }
    const answer = (await response.json()) as FollowUpPromptDelivery;
    return { kind: 'delivered', delivery: answer.delivery === 'queued' ? 'queued' : 'delivered' };
  } catch (error) {
    if (error instanceof PermanentError) return { kind: 'agent_gone', reason: errorMessage(error) };
    return { kind: 'retry', reason: errorMessage(error) };
  }
}
