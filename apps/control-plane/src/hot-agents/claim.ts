/**
 * A task taking a hot agent (issue 15, item 2), tried first by its run's `node_selection`: the
 * oldest ready hot agent of its project and agent type is claimed in D1 (one statement: exactly
 * one task gets it), then its node for the task (NodeLifecycle `tryClaim`, or `tryReserve` on an
 * active node), then on the node (`POST {node}/hot-agents/:id/claim`: fetch, check out the task's
 * branch). The hot agent's workspace becomes the task's (D1 row, chat session, task `delegated`)
 * and the run goes straight to `agent_session`, whose start delivers the prompt to the agent that
 * is already there. When any of it fails — no hot agent, its node taken or going, its daemon
 * restarted (404) or the hot agent unusable (409) — the hot agent is marked gone and the run goes
 * on the usual way, on the node it holds by then when it holds one.
 */
import { gitHostOf, type AgentType, type ClaimHotAgentRequest, type Project } from '@flotilla/contracts';
import { FlotillaError } from '@flotilla/kit';
import { signCallbackToken } from '../auth/tokens.js';
import { credentialUserFor } from '../credentials/credential-user.js';
import { gitCredentialFor } from '../credentials/git-tokens.js';
import type { Deps } from '../deps.js';
import { requireCredentialChannel } from '../nodes/credential-channel.js';
import { allowRefusal, nodeDaemonClient } from '../nodes/node-client.js';
import { getNode } from '../nodes/repository.js';
import { effectiveVmSize } from '../nodes/selection.js';
import { getProject } from '../projects/repository.js';
import type { RunStepContext, StepOutcome } from '../runs/step.js';
import { countLiveWorkspaces, insertWorkspace, setWorkspaceStatus } from '../workspaces/repository.js';
import { claimReadyHotAgent, getHotAgentOfTask, markHotAgentGone, type HotAgentRow } from './repository.js';

/** What the claim needs of the task. */
export interface HotAgentClaimant {
  taskId: string;
  projectId: string;
  agentType: AgentType;
  vmSize: string | null;
  chatSessionId: string | null;
  branch: string;
  /** The task's creator: a hot agent is taken only on the node of the user whose credentials the task runs on. */
  creatorId: string | null;
  /** Moves the task `queued → delegated` with the workspace (the task run's own bookkeeping). */
  delegate: (workspaceId: string, nodeId: string, hotAgentId: string) => Promise<void>;
}

/**
 * Try to run the task on a hot agent.
 * @returns the step outcome (to `agent_session`, with node, workspace and agent session; its
 *   detail names the hot agent), or null: go on the usual way (`state.nodeId` may then be a
 *   node the task holds already — selection claims it again)
 * @throws FlotillaError retryable when a call fails in a way worth retrying (the step runs again
 *   and finds the hot agent it claimed)
 */
export async function runOnHotAgent(ctx: RunStepContext, task: HotAgentClaimant): Promise<StepOutcome | null> {
  const { deps, log, remember, state } = ctx;
  // Read side by side (the path is lean: issue 15): a claim of an earlier attempt, the project.
  const [claimedEarlier, project] = await Promise.all([getHotAgentOfTask(deps.db, task.taskId, new Date(state.stepStartedAt).toISOString()), getProject(deps.db, task.projectId)]);
  if (!project) return null;
  const hot = claimedEarlier ?? (await claimNew(deps, task, project));
  if (!hot) return null;
  const node = await getNode(deps.db, hot.node_id);
  const lifecycle = deps.stubs.nodeLifecycle(hot.node_id);
  // The node held for the task, and what the claim carries (its token, the repository's), at once.
  const [held, callbackToken, gitCredential] = await Promise.all([
    node?.url
      ? lifecycle.tryClaim(task.taskId).then(async (claimed) => claimed || lifecycle.tryReserve(task.taskId, deps.config.NODE_MAX_WORKSPACES, await countLiveWorkspaces(deps.db, hot.node_id)))
      : false,
    signCallbackToken(deps, hot.node_id, deps.config.CALLBACK_TOKEN_TTL_MS, hot.workspace_id),
    node ? gitCredentialFor(deps, node.user_id, project.repoUrl) : undefined,
  ]);
  if (!node?.url || !held) {
    log.info('hot agent not usable: its node is taken or going', { hotAgentId: hot.id, nodeId: hot.node_id });
    await markHotAgentGone(deps.db, hot.id);
    return null;
  }
  await remember({ nodeId: node.id });
  const body: ClaimHotAgentRequest = { taskId: task.taskId, chatSessionId: task.chatSessionId, branch: task.branch, callbackToken };
  if (gitCredential) {
    requireCredentialChannel({ id: node.id, url: node.url }, `the repository token for ${gitHostOf(project.repoUrl) ?? 'this repository'}`);
    body.gitCredential = gitCredential;
  }
  // The node checks out the task's branch while the workspace row is written (the path is lean: issue 15).
  const daemon = nodeDaemonClient(deps, { id: node.id, url: node.url });
  const workspaceRow = { id: hot.workspace_id, nodeId: node.id, projectId: task.projectId, taskId: task.taskId, chatSessionId: task.chatSessionId ?? '', branch: task.branch };
  const [claimed] = await Promise.all([allowRefusal(daemon.claimHotAgent({ params: { hotAgentId: hot.id }, body }), [404, 409]), insertWorkspace(deps.db, workspaceRow)]);
  if (claimed instanceof FlotillaError && !(await claimedBefore(deps, node, hot, task.branch))) {
    log.info('hot agent refused by its node; starting the usual way', { hotAgentId: hot.id, nodeId: node.id, error: claimed.message });
    await Promise.all([markHotAgentGone(deps.db, hot.id), setWorkspaceStatus(deps.db, hot.workspace_id, 'destroyed')]);
    return { kind: 'advance', to: 'workspace_creation', patch: { nodeId: node.id, workspaceId: null, agentSessionId: null } };
  }
  await Promise.all([
    setWorkspaceStatus(deps.db, hot.workspace_id, 'running'),
    task.delegate(hot.workspace_id, node.id, hot.id),
    task.chatSessionId ? deps.stubs.projectData(task.projectId).updateSession(task.projectId, task.chatSessionId, { workspaceId: hot.workspace_id }) : undefined,
  ]);
  log.info('task runs on a hot agent', { hotAgentId: hot.id, nodeId: node.id, workspaceId: hot.workspace_id });
  return {
    kind: 'advance',
    to: 'agent_session',
    patch: { nodeId: node.id, workspaceId: hot.workspace_id, agentSessionId: hot.agent_session_id },
    detail: `hot agent ${hot.id} on node ${node.id}`,
  };
}

/** Claim a ready hot agent in D1 when `project` keeps any. */
async function claimNew(deps: Deps, task: HotAgentClaimant, project: Project): Promise<HotAgentRow | null> {
  if (project.hotAgents === 0) return null;
  return claimReadyHotAgent(deps.db, {
    projectId: task.projectId,
    agentType: task.agentType,
    taskId: task.taskId,
    // Prepared with its node's user's credentials: only a task on that user's credentials takes it.
    userId: await credentialUserFor(deps.db, { projectId: task.projectId, creatorId: task.creatorId }),
    size: effectiveVmSize(task.vmSize, project.defaultVmSize),
    aliveSince: new Date(Date.now() - deps.config.NODE_HEARTBEAT_TIMEOUT_MS).toISOString(),
  });
}

/** Whether the node's refusal was of this task's own earlier claim (an answer that was lost): its workspace is on the task's branch. */
async function claimedBefore(deps: Deps, node: { id: string; url: string | null }, hot: HotAgentRow, branch: string): Promise<boolean> {
  if (!node.url) return false;
  const workspace = await allowRefusal(nodeDaemonClient(deps, { id: node.id, url: node.url }).getWorkspace({ params: { workspaceId: hot.workspace_id } }), [404]);
  return !(workspace instanceof FlotillaError) && workspace.branch === branch && workspace.status === 'running';
}
