/**
 * The steps of a task run (DESIGN.md §2), one handler each. A handler is called by the
 * TaskRunner alarm with the step already persisted; it acts (idempotently: it may run again
 * after a crash or a transient error) and says what comes next. Throw `TransientError` to be
 * retried with backoff, `PermanentError` to fail the task.
 */
import { newId, taskBranchName, type AgentSessionInfo, type CreateWorkspaceRequest, type ExecutionStep, type RegisterAgentSessionRequest, type StartAgentSessionRequest } from '@flotilla/contracts';
import { signCallbackToken } from '../../auth/tokens.js';
import { getProject } from '../../db/projects-repository.js';
import { getNode, getWorkspace, insertAgentSession, insertWorkspace, setAgentSessionStatus } from '../../db/nodes-repository.js';
import { getTaskRow, updateTaskFields, type TaskRow } from '../../db/tasks-repository.js';
import { controlPlaneUrl, type Config, type Env } from '../../env.js';
import { PermanentError, TransientError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { callNode } from '../../services/node-client.js';
import { effectiveVmSize, IMPLICIT_USER_ID, selectNodeForTask } from '../../services/node-selection.js';
import { userDataForNode } from '../../services/node-user-data.js';
import { getProvider } from '../../services/providers.js';
import { transitionTask } from '../../services/task-status.js';
import type { RunState } from './run-state.js';

export interface StepContext {
  env: Env;
  config: Config;
  state: RunState;
  task: TaskRow;
  log: Logger;
  /**
   * Persist fields of the run state now, before the step acts on them: an id the step hands to
   * a daemon must be the same id when the step runs again after a lost answer or a retry.
   */
  remember: (patch: Partial<RunState>) => Promise<void>;
}

export type StepOutcome =
  | { kind: 'advance'; to: ExecutionStep; patch?: Partial<RunState> }
  | { kind: 'wait'; ms: number };

type StepHandler = (ctx: StepContext) => Promise<StepOutcome>;

/**
 * node_selection: a warm node that fits is claimed, else an active node with room is used, else
 * a new node is registered (services/node-selection.ts). A reused node skips provisioning.
 */
const selectNode: StepHandler = async ({ env, config, state, task, log, remember }) => {
  const project = await getProject(env.DB, task.project_id);
  if (!project) throw new PermanentError(`project ${task.project_id} no longer exists`);
  const candidateId = state.nodeId ?? newId('nod');
  if (!state.nodeId) await remember({ nodeId: candidateId });
  const requirements = { taskId: task.id, userId: IMPLICIT_USER_ID, provider: project.defaultProvider, size: effectiveVmSize(task.vm_size, project.defaultVmSize) };
  // A cloud provider without credentials fails the task now, saying what to configure.
  if (requirements.provider !== 'local') await getProvider(env, requirements.provider, config.OUTBOUND_REQUEST_TIMEOUT_MS, { userId: requirements.userId });
  const selection = await selectNodeForTask(env, config, requirements, candidateId, log);
  await updateTaskFields(env.DB, state.taskId, { node_id: selection.nodeId });
  log.info('node selected', { nodeId: selection.nodeId, how: selection.kind, size: requirements.size, provider: requirements.provider });
  const to = selection.kind === 'new' ? 'node_provisioning' : 'node_agent_ready';
  return { kind: 'advance', to, patch: { nodeId: selection.nodeId } };
};

/** node_provisioning: ask the node's provider for it, in its size, handing it its callback token. */
const provisionNode: StepHandler = async ({ env, config, state, task }) => {
  const nodeId = requireField(state.nodeId, 'nodeId');
  const node = await getNode(env.DB, nodeId);
  if (!node) throw new PermanentError(`node ${nodeId} was never registered`);
  const callbackToken = await signCallbackToken(env.DB, nodeId, config.CALLBACK_TOKEN_TTL_MS);
  const provider = await getProvider(env, node.provider, config.OUTBOUND_REQUEST_TIMEOUT_MS, { userId: node.user_id });
  // A VM learns everything from its user-data; a local node from the local cloud.
  const userData = node.provider === 'local' ? undefined : userDataForNode(env, { nodeId, callbackToken, projectId: task.project_id, chatSessionId: task.chat_session_id });
  try {
    await provider.createNode({ nodeId, controlPlaneUrl: controlPlaneUrl(env), callbackToken, ...(node.size ? { size: node.size } : {}), ...(userData ? { userData } : {}) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && 'transient' in error && error.transient === false) throw new PermanentError(message);
    throw new TransientError(message);
  }
  return { kind: 'advance', to: 'node_agent_ready' };
};

/** node_agent_ready: wait for the node daemon's ready callback (`POST /api/nodes/:id/ready`). */
const awaitNodeReady: StepHandler = async ({ env, config, state }) => {
  const node = await getNode(env.DB, requireField(state.nodeId, 'nodeId'));
  if (node?.status === 'error') throw new PermanentError(`node ${node.id} failed: ${node.error ?? 'unknown error'}`);
  if (node?.status === 'ready' && node.url) return { kind: 'advance', to: 'workspace_creation' };
  return { kind: 'wait', ms: config.STEP_POLL_INTERVAL_MS };
};

/** workspace_creation: ask the daemon to clone the repository onto branch `task/<taskId>`. */
const createWorkspace: StepHandler = async ({ env, config, state, task, remember }) => {
  const nodeId = requireField(state.nodeId, 'nodeId');
  const node = await getNode(env.DB, nodeId);
  if (!node?.url) throw new TransientError(`node ${nodeId} has no URL yet`);
  const project = await getProject(env.DB, task.project_id);
  if (!project) throw new PermanentError(`project ${task.project_id} no longer exists`);
  const workspaceId = state.workspaceId ?? newId('ws');
  if (!state.workspaceId) await remember({ workspaceId });
  const branch = taskBranchName(task.id);
  await insertWorkspace(env.DB, { id: workspaceId, nodeId, projectId: project.id, taskId: task.id, chatSessionId: task.chat_session_id ?? '', branch });
  await updateTaskFields(env.DB, task.id, { workspace_id: workspaceId });
  if (task.status === 'queued') {
    await transitionTask(env.DB, task.id, 'delegated', { actor: 'task-runner', step: 'workspace_creation', reason: `workspace ${workspaceId} on node ${nodeId}` });
  }
  if (task.chat_session_id) {
    await env.PROJECT_DATA.get(env.PROJECT_DATA.idFromName(project.id)).updateSession(project.id, task.chat_session_id, { workspaceId });
  }
  const body: CreateWorkspaceRequest = {
    workspaceId,
    repoUrl: project.repoUrl,
    baseBranch: project.defaultBranch,
    branch,
    projectId: project.id,
    chatSessionId: task.chat_session_id,
    taskId: task.id,
    callbackToken: await signCallbackToken(env.DB, nodeId, config.CALLBACK_TOKEN_TTL_MS, workspaceId),
  };
  // 409: the daemon already has it (this step ran before and its answer was lost).
  await callNode(env.DB, { id: nodeId, url: node.url }, 'POST', '/workspaces', { body, accept: [409], timeoutMs: config.OUTBOUND_REQUEST_TIMEOUT_MS });
  return { kind: 'advance', to: 'workspace_ready', patch: { workspaceId } };
};

/** workspace_ready: wait for the daemon's workspace callback (`POST /api/workspaces/:id/ready`). */
const awaitWorkspaceReady: StepHandler = async ({ env, config, state }) => {
  await failIfNodeLost(env, config, requireField(state.nodeId, 'nodeId'));
  const workspace = await getWorkspace(env.DB, requireField(state.workspaceId, 'workspaceId'));
  if (workspace?.status === 'error') throw new PermanentError(`workspace ${workspace.id} could not be created: ${workspace.error ?? 'unknown error'}`);
  if (workspace?.status === 'running') return { kind: 'advance', to: 'agent_session' };
  return { kind: 'wait', ms: config.STEP_POLL_INTERVAL_MS };
};

/**
 * agent_session: register the agent session on the daemon, then START it with the task
 * description as the initial prompt. The start call is the hop that hands the task to the agent.
 */
const startAgent: StepHandler = async ({ env, config, state, task, remember }) => {
  const nodeId = requireField(state.nodeId, 'nodeId');
  const workspaceId = requireField(state.workspaceId, 'workspaceId');
  const node = await getNode(env.DB, nodeId);
  if (!node?.url) throw new TransientError(`node ${nodeId} has no URL`);
  const target = { id: nodeId, url: node.url };
  const agentSessionId = state.agentSessionId ?? newId('as');
  if (!state.agentSessionId) await remember({ agentSessionId });
  await insertAgentSession(env.DB, { id: agentSessionId, workspaceId, taskId: task.id, agentType: task.agent_type });
  await updateTaskFields(env.DB, task.id, { agent_session_id: agentSessionId });
  const timeoutMs = config.OUTBOUND_REQUEST_TIMEOUT_MS;
  const registration: RegisterAgentSessionRequest = { agentSessionId, chatSessionId: task.chat_session_id };
  await callNode(env.DB, target, 'POST', `/workspaces/${workspaceId}/agent-sessions`, { body: registration, accept: [409], timeoutMs });
  // In progress from before the start call: the agent may end its turn, and the daemon send the
  // task callback (which needs `in_progress`), before the start call's answer arrives here.
  const current = await getTaskRow(env.DB, task.id);
  if (current?.status === 'delegated') {
    await transitionTask(env.DB, task.id, 'in_progress', { actor: 'task-runner', step: 'agent_session', reason: `starting agent ${task.agent_type}` });
  }
  const start: StartAgentSessionRequest = {
    agentType: task.agent_type,
    initialPrompt: task.description,
    ...(task.initial_message_id ? { initialPromptMessageId: task.initial_message_id } : {}),
    taskId: task.id,
    taskTitle: task.title,
    permissionPolicy: 'allow',
  };
  const response = await callNode(env.DB, target, 'POST', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}/start`, { body: start, accept: [409], timeoutMs });
  if (response.status === 409) {
    // Started by an earlier attempt whose answer was lost — fine; anything else is not.
    const info = (await (await callNode(env.DB, target, 'GET', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}`, { timeoutMs })).json()) as AgentSessionInfo;
    if (info.status === 'registered') throw new TransientError(`agent session ${agentSessionId} is registered but did not start`);
  }
  await setAgentSessionStatus(env.DB, agentSessionId, 'running');
  return { kind: 'advance', to: 'running', patch: { agentSessionId } };
};

/**
 * running: the agent works; the task callback ends the run. Here only the step timeout and the
 * node's heartbeat act: a node silent past NODE_HEARTBEAT_TIMEOUT_MS fails the task ("node lost").
 */
const awaitCompletion: StepHandler = async ({ env, config, state }) => {
  await failIfNodeLost(env, config, requireField(state.nodeId, 'nodeId'));
  const remaining = state.stepStartedAt + config.STEP_RUNNING_TIMEOUT_MS - Date.now();
  return { kind: 'wait', ms: Math.max(1_000, Math.min(remaining, heartbeatCheckIntervalMs(config))) };
};

/** How often a waiting step looks at the node's last heartbeat: a quarter of its timeout. */
function heartbeatCheckIntervalMs(config: Config): number {
  return Math.max(250, Math.floor(config.NODE_HEARTBEAT_TIMEOUT_MS / 4));
}

/**
 * @throws PermanentError "node lost …" when node `nodeId` has not sent a heartbeat (or its
 *   ready callback) for longer than NODE_HEARTBEAT_TIMEOUT_MS, or is gone.
 */
async function failIfNodeLost(env: Env, config: Config, nodeId: string): Promise<void> {
  const node = await getNode(env.DB, nodeId);
  if (!node || node.status === 'destroyed') throw new PermanentError(`node lost: node ${nodeId} no longer exists`);
  if (!node.last_heartbeat_at) return;
  const silentMs = Date.now() - Date.parse(node.last_heartbeat_at);
  if (silentMs > config.NODE_HEARTBEAT_TIMEOUT_MS) {
    throw new PermanentError(`node lost: node ${nodeId} sent no heartbeat for ${silentMs} ms (limit NODE_HEARTBEAT_TIMEOUT_MS=${config.NODE_HEARTBEAT_TIMEOUT_MS})`);
  }
}

export const STEP_HANDLERS: Record<ExecutionStep, StepHandler> = {
  node_selection: selectNode,
  node_provisioning: provisionNode,
  node_agent_ready: awaitNodeReady,
  workspace_creation: createWorkspace,
  workspace_ready: awaitWorkspaceReady,
  agent_session: startAgent,
  running: awaitCompletion,
};

/** Timeout of each step, from config (milliseconds). */
export function stepTimeoutMs(config: Config, step: ExecutionStep): number {
  const key = `STEP_${step.toUpperCase()}_TIMEOUT_MS` as keyof Config;
  return config[key];
}

function requireField<T>(value: T | null, name: string): T {
  if (value === null) throw new PermanentError(`run state has no ${name}`);
  return value;
}
