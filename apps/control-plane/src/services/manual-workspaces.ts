/**
 * Workspaces created by hand (issue 3 item 5; contracts manual-workspace.ts): a workspace with a
 * chat session but no task. `createManualWorkspace` makes the chat session and hands the set-up
 * (node, checkout on `workspace/<workspaceId>`, a registered agent session) to a TaskRunner named
 * by the workspace id, which drives it with the task run's own step functions. The agent starts
 * with the user's first prompt (`startAgentWithFirstPrompt`); later prompts are follow-ups
 * (follow-up-delivery.ts). The agent's messages reach the chat through the node daemon's outbox,
 * exactly like a task's.
 */
import {
  newId,
  manualWorkspaceBranchName,
  type ChatSession,
  type CreateManualWorkspaceRequest,
  type ManualWorkspace,
  type Project,
  type StartAgentSessionRequest,
  type WorkspaceStatus,
} from '@flotilla/contracts';
import { getNode, getWorkspace, setAgentSessionStatus } from '../db/nodes-repository.js';
import type { Config, Env } from '../env.js';
import { agentCredentialsFor } from './agent-credentials.js';
import { callNode } from './node-client.js';
import { IMPLICIT_USER_ID } from './node-selection.js';
import { projectData } from './task-submission.js';

/** The TaskRunner that sets up (and deletes) the workspace created by hand `workspaceId`. */
export function manualWorkspaceRunner(env: Env, workspaceId: string) {
  return env.TASK_RUNNER.get(env.TASK_RUNNER.idFromName(workspaceId));
}

/**
 * Create a workspace by hand in `project`: its chat session (no task) in ProjectData, then its
 * set-up, which goes on in the background.
 * @returns the new workspace (status `creating`)
 */
export async function createManualWorkspace(env: Env, project: Project, input: CreateManualWorkspaceRequest): Promise<ManualWorkspace> {
  const workspaceId = newId('ws');
  const chatSessionId = newId('ses');
  const agentType = input.agentType ?? project.defaultAgentType;
  const permissionPolicy = input.permissionPolicy ?? 'allow';
  await projectData(env, project.id).createSession(project.id, { id: chatSessionId, taskId: null, workspaceId, topic: null });
  await manualWorkspaceRunner(env, workspaceId).startManualWorkspace(project.id, { workspaceId, chatSessionId, agentType, permissionPolicy });
  return {
    workspaceId,
    projectId: project.id,
    chatSessionId,
    agentType,
    permissionPolicy,
    status: 'creating',
    step: 'node_selection',
    branch: manualWorkspaceBranchName(workspaceId),
    nodeId: null,
    error: null,
  };
}

/**
 * The workspace created by hand `workspaceId` of project `projectId`, or null when there is none.
 * `running` once its agent session is registered (prompts welcome); `error` with the reason when
 * its set-up failed or its node was lost.
 */
export async function getManualWorkspace(env: Env, projectId: string, workspaceId: string): Promise<ManualWorkspace | null> {
  const state = await manualWorkspaceRunner(env, workspaceId).getState();
  const subject = state?.manualWorkspace;
  if (!state || !subject || state.projectId !== projectId) return null;
  const row = await getWorkspace(env.DB, workspaceId);
  let status: WorkspaceStatus = 'creating';
  let error = state.lastError;
  if (state.destroyRequested) {
    status = state.pendingCleanup ? 'stopping' : 'destroyed';
  } else if (row?.status === 'error' || state.finished) {
    status = 'error';
    error = row?.error ?? state.lastError ?? 'the workspace could not be set up';
  } else if (state.step === 'running' && row?.status === 'running') {
    status = 'running';
    error = null;
  }
  return {
    workspaceId,
    projectId,
    chatSessionId: subject.chatSessionId,
    agentType: subject.agentType,
    permissionPolicy: subject.permissionPolicy ?? 'allow',
    status,
    step: state.step,
    branch: row?.branch ?? manualWorkspaceBranchName(workspaceId),
    nodeId: state.nodeId,
    error,
  };
}

export type FirstPromptOutcome = { started: true; messageId: string } | { started: false; reason: string };

/**
 * The first prompt to the chat session of a workspace created by hand, when no agent was started
 * in it yet: the prompt is stored in the chat as a `user` message, then the registered agent
 * session is started with it as its initial prompt (`POST {node}/…/agent-sessions/:sid/start`,
 * `taskId: null`; the daemon's copy of the message carries the same messageId, so it is stored
 * once). Exactly one concurrent first prompt wins the registered session; the others answer
 * `started: false` (and go the follow-up way).
 * @throws when the node daemon refuses or cannot be reached (the session can be started again)
 */
export async function startAgentWithFirstPrompt(env: Env, config: Config, session: ChatSession, text: string): Promise<FirstPromptOutcome> {
  const notStartable = (why: string): FirstPromptOutcome => ({ started: false, reason: `the agent of session ${session.id} cannot be started: ${why}` });
  if (session.taskId || !session.workspaceId) return notStartable('it is not the session of a workspace created by hand');
  const workspace = await getWorkspace(env.DB, session.workspaceId);
  if (!workspace || workspace.status !== 'running') return notStartable(`its workspace is ${workspace?.status ?? 'still being created'}`);
  const agentSession = await env.DB.prepare("SELECT id, agent_type FROM agent_sessions WHERE workspace_id = ? AND status = 'registered' ORDER BY created_at DESC LIMIT 1")
    .bind(workspace.id)
    .first<{ id: string; agent_type: StartAgentSessionRequest['agentType'] }>();
  if (!agentSession) return notStartable('its workspace has no registered agent session yet');
  const node = await getNode(env.DB, workspace.node_id);
  if (!node?.url) return notStartable(`its node ${workspace.node_id} is ${node?.status ?? 'gone'}`);
  // Claim the registered session: of two first prompts at once, one starts the agent.
  const claim = await env.DB.prepare("UPDATE agent_sessions SET status = 'running', updated_at = ? WHERE id = ? AND status = 'registered'")
    .bind(new Date().toISOString(), agentSession.id)
    .run();
  if (claim.meta.changes !== 1) return notStartable('another prompt is starting it');
  const messageId = crypto.randomUUID();
  // The policy chosen when the workspace was created (kept by its TaskRunner).
  const permissionPolicy = (await manualWorkspaceRunner(env, workspace.id).getState())?.manualWorkspace?.permissionPolicy ?? 'allow';
  try {
    await projectData(env, session.projectId).persistMessageBatch([{ messageId, sessionId: session.id, role: 'user', content: text, timestamp: new Date().toISOString() }]);
    const start: StartAgentSessionRequest = {
      agentType: agentSession.agent_type,
      initialPrompt: text,
      initialPromptMessageId: messageId,
      taskId: null,
      taskTitle: null,
      permissionPolicy,
    };
    // A stored key for this agent type goes with the start call (never logged), as for a task.
    const agentCredentials = await agentCredentialsFor(env, IMPLICIT_USER_ID, agentSession.agent_type);
    if (agentCredentials) start.agentCredentials = agentCredentials;
    const path = `/workspaces/${workspace.id}/agent-sessions/${agentSession.id}/start`;
    await callNode(env.DB, { id: node.id, url: node.url }, 'POST', path, { body: start, timeoutMs: config.OUTBOUND_REQUEST_TIMEOUT_MS });
  } catch (error) {
    await setAgentSessionStatus(env.DB, agentSession.id, 'registered');
    throw error;
  }
  return { started: true, messageId };
}
