/**
 * Delivering a follow-up prompt to a chat session's running agent (issue 4 item 5): find where
 * the agent runs (D1), then `POST {node}/workspaces/:wid/agent-sessions/:sid/prompt {text,
 * messageId}` — `messageId` is the idempotency key, so a retry after a lost answer is never
 * delivered twice. The durable queue itself is in ProjectData (follow-up-queue.ts).
 */
import type { ChatSession } from '@flotilla/contracts';
import { FlotillaError, errorMessage, isRetryable } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { allowRefusal, nodeDaemonClient } from '../nodes/node-client.js';
import { getNode } from '../nodes/repository.js';
import { getTaskRow } from '../tasks/repository.js';
import { getWorkspace, latestAgentSession } from '../workspaces/repository.js';
import type { FollowUpAttempt } from './project-data-rpc.js';

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
export async function findRunningAgent(db: D1Database, session: ChatSession): Promise<AgentLookup> {
  const notRunning = (why: string): AgentLookup => ({ running: false, reason: `the agent of session ${session.id} is no longer running: ${why}` });
  let workspaceId: string | null;
  let agentSessionId: string | null;
  if (session.taskId) {
    const task = await getTaskRow(db, session.taskId);
    if (!task) return notRunning(`its task ${session.taskId} is gone`);
    if (task.status !== 'in_progress') return notRunning(`its task is ${task.status}`);
    workspaceId = task.workspace_id;
    agentSessionId = task.agent_session_id;
  } else {
    workspaceId = session.workspaceId;
    agentSessionId = workspaceId ? ((await latestAgentSession(db, workspaceId, 'running'))?.id ?? null) : null;
  }
  if (!workspaceId || !agentSessionId) return notRunning('no agent was started in it');
  const workspace = await getWorkspace(db, workspaceId);
  if (!workspace || workspace.status !== 'running') return notRunning(`its workspace is ${workspace?.status ?? 'gone'}`);
  const node = await getNode(db, workspace.node_id);
  if (!node?.url) return notRunning(`its node ${workspace.node_id} is ${node?.status ?? 'gone'}`);
  return { running: true, agent: { nodeId: node.id, nodeUrl: node.url, workspaceId, agentSessionId } };
}

/** One delivery attempt of prompt `{messageId, text}` to `agent`. Never throws. */
export async function attemptFollowUpDelivery(deps: Pick<Deps, 'db' | 'config'>, agent: RunningAgent, prompt: { messageId: string; text: string }): Promise<FollowUpAttempt> {
  try {
    const params = { workspaceId: agent.workspaceId, agentSessionId: agent.agentSessionId };
    const answer = await allowRefusal(nodeDaemonClient(deps, { id: agent.nodeId, url: agent.nodeUrl }).deliverPrompt({ params, body: prompt }), [404, 409]);
    if (answer instanceof FlotillaError) return { kind: 'agent_gone', reason: `the agent is no longer running (node daemon: ${answer.message})` };
    return { kind: 'delivered', delivery: answer.delivery === 'queued' ? 'queued' : 'delivered' };
  } catch (error) {
    return isRetryable(error) ? { kind: 'retry', reason: errorMessage(error) } : { kind: 'agent_gone', reason: errorMessage(error) };
  }
}
