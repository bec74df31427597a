/**
 * Workspaces created by hand (issue 3 item 5; contracts manual-workspace.ts): a workspace with a
 * chat session but no task. `createManualWorkspace` makes the chat session and hands the set-up
 * (node, checkout on `workspace/<workspaceId>`, a registered agent session) to the
 * WorkspaceRunner named by the workspace id (runner/), which drives it with the same step
 * functions as a task's run (runs/). The agent starts with the user's first prompt
 * (`startAgentWithFirstPrompt`); later prompts are follow-ups (chat/follow-up-delivery.ts). The
 * agent's messages reach the chat through the node daemon's outbox, exactly like a task's.
 */
import { newId, manualWorkspaceBranchName, type ChatSession, type CreateManualWorkspaceRequest, type ManualWorkspace, type Project, type UserRef, type WorkspaceStatus } from '@flotilla/contracts';
import type { Deps } from '../deps.js';
import { getNode } from '../nodes/repository.js';
import { claimRegisteredAgentSession, getWorkspace, latestAgentSession, setAgentSessionStatus } from './repository.js';
import { startAgentSession } from './start-agent.js';

/**
 * Create a workspace by hand in `project`: its chat session (no task) in ProjectData, then its
 * set-up, which goes on in the background. `createdBy`: the signed-in user who made it (null for
 * the operator) — with `credentialsFrom: 'creator'` it runs on their credentials.
 * @returns the new workspace (status `creating`)
 */
export async function createManualWorkspace(deps: Pick<Deps, 'stubs'>, project: Project, input: CreateManualWorkspaceRequest, createdBy: string | null = null): Promise<ManualWorkspace> {
  const workspaceId = newId('ws');
  const chatSessionId = newId('ses');
  const agentType = input.agentType ?? project.defaultAgentType;
  const permissionPolicy = input.permissionPolicy ?? 'allow';
  await deps.stubs.projectData(project.id).createSession(project.id, { id: chatSessionId, taskId: null, workspaceId, topic: null });
  await deps.stubs.workspaceRunner(workspaceId).start(project.id, { workspaceId, chatSessionId, agentType, permissionPolicy, createdBy });
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
export async function getManualWorkspace(deps: Pick<Deps, 'db' | 'stubs'>, projectId: string, workspaceId: string): Promise<ManualWorkspace | null> {
  const state = await deps.stubs.workspaceRunner(workspaceId).getState();
  const subject = state?.manualWorkspace;
  if (!state || !subject || state.projectId !== projectId) return null;
  const row = await getWorkspace(deps.db, workspaceId);
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
 * session is started with it as its initial prompt (start-agent.ts, `taskId: null`; the daemon's
 * copy of the message carries the same messageId, so it is stored once). Exactly one concurrent
 * first prompt wins the registered session; the others answer `started: false` (and go the
 * follow-up way).
 * @throws when the node daemon refuses or cannot be reached (the session can be started again)
 */
export async function startAgentWithFirstPrompt(deps: Pick<Deps, 'db' | 'config' | 'stubs'>, session: ChatSession, text: string, author: UserRef | null = null): Promise<FirstPromptOutcome> {
  const notStartable = (why: string): FirstPromptOutcome => ({ started: false, reason: `the agent of session ${session.id} cannot be started: ${why}` });
  if (session.taskId || !session.workspaceId) return notStartable('it is not the session of a workspace created by hand');
  const workspace = await getWorkspace(deps.db, session.workspaceId);
  if (!workspace || workspace.status !== 'running') return notStartable(`its workspace is ${workspace?.status ?? 'still being created'}`);
  const agentSession = await latestAgentSession(deps.db, workspace.id, 'registered');
  if (!agentSession) return notStartable('its workspace has no registered agent session yet');
  const node = await getNode(deps.db, workspace.node_id);
  if (!node?.url) return notStartable(`its node ${workspace.node_id} is ${node?.status ?? 'gone'}`);
  // Claim the registered session: of two first prompts at once, one starts the agent.
  if (!(await claimRegisteredAgentSession(deps.db, agentSession.id))) return notStartable('another prompt is starting it');
  const messageId = crypto.randomUUID();
  // The policy chosen when the workspace was created (kept by its WorkspaceRunner).
  const permissionPolicy = (await deps.stubs.workspaceRunner(workspace.id).getState())?.manualWorkspace?.permissionPolicy ?? 'allow';
  try {
    await deps.stubs.projectData(session.projectId).persistMessageBatch([{ messageId, sessionId: session.id, role: 'user', content: text, timestamp: new Date().toISOString(), author }]);
    await startAgentSession(deps, {
      node: { id: node.id, url: node.url },
      workspaceId: workspace.id,
      agentSessionId: agentSession.id,
      agentType: agentSession.agentType,
      initialPrompt: text,
      initialPromptMessageId: messageId,
      taskId: null,
      taskTitle: null,
      permissionPolicy,
      // The credentials of the node's user: node_selection chose the node by them.
      userId: node.user_id,
    });
  } catch (error) {
    await setAgentSessionStatus(deps.db, agentSession.id, 'registered');
    throw error;
  }
  return { started: true, messageId };
}
