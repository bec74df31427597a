/**
 * The workspace half of a run, shared by a task's run and a workspace created by hand's:
 * `workspace_creation` (the daemon clones the repository onto the run's branch),
 * `workspace_ready` (the daemon's workspace callback), and the registering half of
 * `agent_session` (the agent session exists on the node; nothing is started).
 */
import { egressAllowlistFor, gitHostOf, newId, type AgentType, type CreateWorkspaceRequest } from '@flotilla/contracts';
import { errorMessage, permanentFailure, transientFailure } from '@flotilla/kit';
import { signCallbackToken } from '../auth/tokens.js';
import { gitCredentialFor } from '../credentials/git-tokens.js';
import { requireCredentialChannel } from '../nodes/credential-channel.js';
import { allowRefusal, nodeDaemonClient, type NodeTarget } from '../nodes/node-client.js';
import { getNode } from '../nodes/repository.js';
import { getProject } from '../projects/repository.js';
import { getWorkspace, insertAgentSession, insertWorkspace } from '../workspaces/repository.js';
import { takeWarmAgent } from '../hot-agents/warm-agents.js';
import { earlyAgentFor, type EarlyAgentWish } from './early-agent.js';
import { failIfNodeLost } from './node-steps.js';
import { requireField, type RunStepContext, type StepOutcome } from './step.js';

/**
 * workspace_creation for a run's subject: the workspace row (D1, `creating`), the chat session
 * pointed at it, then `POST {node}/workspaces` (clone, `branch` from the project's default
 * branch; the user's token for the repository's host goes with this request only, and only to
 * a node over https or on loopback — else the step fails saying so, credential-channel.ts).
 * `beforeRequest` records what the subject itself keeps of it. `taskId` null: a workspace created
 * by hand. A 409 means the daemon has it already (an earlier attempt whose answer was lost).
 * `earlyAgent`: the node starts that agent while it checks out (issue 15, early-agent.ts) — the
 * run's agent session id is fixed here, before the request, and is the one the start uses.
 */
export async function createWorkspaceFor(
  { deps, state, remember, log }: RunStepContext,
  subject: {
    projectId: string;
    taskId: string | null;
    /** The agent that will run there: its model API hosts join the workspace's egress allowlist. */
    agentType: AgentType;
    chatSessionId: string | null;
    branch: string;
    /** `branch` exists in the repository already (a resumed task's): check it out as it is. */
    continueBranch?: boolean;
    beforeRequest?: (created: { workspaceId: string; nodeId: string }) => Promise<void>;
    /** Started early with the credentials of the node's user. */
    earlyAgent?: Omit<EarlyAgentWish, 'userId'>;
  },
): Promise<StepOutcome> {
  const { db, config, stubs } = deps;
  const nodeId = requireField(state.nodeId, 'nodeId');
  const node = await getNode(db, nodeId);
  if (!node?.url) throw transientFailure(`node ${nodeId} has no URL yet`);
  const project = await getProject(db, subject.projectId);
  if (!project) throw permanentFailure(`project ${subject.projectId} no longer exists`);
  // The node's warm agent of the run's agent type, when it keeps one: its ids are the run's (hot-agents/warm-agents.ts).
  const warm = subject.earlyAgent && !state.workspaceId ? await takeWarmAgent(db, nodeId, subject.earlyAgent.agentType) : null;
  const workspaceId = state.workspaceId ?? warm?.workspaceId ?? newId('ws');
  const agentSessionId = subject.earlyAgent ? (state.agentSessionId ?? warm?.agentSessionId ?? newId('as')) : state.agentSessionId;
  if (!state.workspaceId || agentSessionId !== state.agentSessionId) await remember({ workspaceId, agentSessionId });
  await insertWorkspace(db, { id: workspaceId, nodeId, projectId: project.id, taskId: subject.taskId, chatSessionId: subject.chatSessionId ?? '', branch: subject.branch });
  await subject.beforeRequest?.({ workspaceId, nodeId });
  if (subject.chatSessionId) await stubs.projectData(project.id).updateSession(project.id, subject.chatSessionId, { workspaceId });
  const body: CreateWorkspaceRequest = {
    workspaceId,
    repoUrl: project.repoUrl,
    baseBranch: project.defaultBranch,
    branch: subject.branch,
    projectId: project.id,
    chatSessionId: subject.chatSessionId,
    taskId: subject.taskId,
    callbackToken: await signCallbackToken(deps, nodeId, config.CALLBACK_TOKEN_TTL_MS, workspaceId),
    egressAllowlist: egressAllowlistFor({ repoUrl: project.repoUrl, agentType: subject.agentType, projectAllowlist: project.egressAllowlist }),
    ...(subject.continueBranch ? { continueBranch: true } : {}),
  };
  const gitCredential = await gitCredentialFor(deps, node.user_id, project.repoUrl).catch((error: unknown) => {
    throw permanentFailure(`the saved repository token cannot be used (${errorMessage(error)}): save it again`, error);
  });
  if (gitCredential) {
    requireCredentialChannel({ id: nodeId, url: node.url }, `the repository token for ${gitHostOf(project.repoUrl) ?? 'this repository'}`);
    body.gitCredential = gitCredential;
  }
  if (subject.earlyAgent && agentSessionId) {
    const earlyAgent = await earlyAgentFor(deps, { id: nodeId, url: node.url }, agentSessionId, { ...subject.earlyAgent, userId: node.user_id }, log);
    if (earlyAgent) body.earlyAgent = earlyAgent;
  }
  await allowRefusal(nodeDaemonClient(deps, { id: nodeId, url: node.url }).createWorkspace({ body }), [409]);
  return { kind: 'advance', to: 'workspace_ready', patch: { workspaceId, agentSessionId } };
}

/** workspace_ready: wait for the daemon's workspace callback (`POST /api/workspaces/:id/ready`). */
export async function awaitWorkspaceReady({ deps, state }: RunStepContext): Promise<StepOutcome> {
  await failIfNodeLost(deps, requireField(state.nodeId, 'nodeId'));
  const workspace = await getWorkspace(deps.db, requireField(state.workspaceId, 'workspaceId'));
  if (workspace?.status === 'error') throw permanentFailure(`workspace ${workspace.id} could not be created: ${workspace.error ?? 'unknown error'}`);
  if (workspace?.status === 'running') return { kind: 'advance', to: 'agent_session' };
  return { kind: 'wait', ms: deps.config.STEP_POLL_INTERVAL_MS };
}

/**
 * The registering half of the agent_session step: the agent session row (D1, `registered`), then
 * `POST {node}/workspaces/:wid/agent-sessions` (registers only; starts nothing). Idempotent: the
 * id is remembered before the call, and the daemon's 409 means an earlier attempt registered it.
 * `taskId` null: the session of a workspace created by hand.
 * @returns where the session lives (for the start call), and the node's user (whose credentials it starts with)
 */
export async function registerAgentSessionFor(
  { deps, state, remember }: RunStepContext,
  subject: { taskId: string | null; agentType: string; chatSessionId: string | null },
): Promise<{ node: NodeTarget; workspaceId: string; agentSessionId: string; credentialUserId: string }> {
  const nodeId = requireField(state.nodeId, 'nodeId');
  const workspaceId = requireField(state.workspaceId, 'workspaceId');
  const row = await getNode(deps.db, nodeId);
  if (!row?.url) throw transientFailure(`node ${nodeId} has no URL`);
  const node = { id: nodeId, url: row.url };
  const agentSessionId = state.agentSessionId ?? newId('as');
  if (!state.agentSessionId) await remember({ agentSessionId });
  await insertAgentSession(deps.db, { id: agentSessionId, workspaceId, taskId: subject.taskId, agentType: subject.agentType });
  const registration = { agentSessionId, chatSessionId: subject.chatSessionId };
  await allowRefusal(nodeDaemonClient(deps, node).registerAgentSession({ params: { workspaceId }, body: registration }), [409]);
  return { node, workspaceId, agentSessionId, credentialUserId: row.user_id };
}
