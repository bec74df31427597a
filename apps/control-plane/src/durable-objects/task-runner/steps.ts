/**
 * The steps of a task run (DESIGN.md §2), one handler each. A handler is called by the
 * TaskRunner alarm with the step already persisted; it acts (idempotently: it may run again
 * after a crash or a transient error) and says what comes next. Throw `TransientError` to be
 * retried with backoff, `PermanentError` to fail the task.
 */
import { newId, taskBranchName, type AgentSessionInfo, type CreateWorkspaceRequest, type ExecutionStep, type RegisterAgentSessionRequest, type StartAgentSessionRequest } from '@flotilla/contracts';
import { signCallbackToken } from '../../auth/tokens.js';
import { getProject } from '../../db/projects-repository.js';
import { getNode, getWorkspace, insertAgentSession, insertNode, insertWorkspace, setAgentSessionStatus } from '../../db/nodes-repository.js';
import { getTaskRow, updateTaskFields, type TaskRow } from '../../db/tasks-repository.js';
import { controlPlaneUrl, type Config, type Env } from '../../env.js';
import { PermanentError, TransientError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { callNode } from '../../services/node-client.js';
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

const LOCAL_PROVIDER = 'local';

/** node_selection: register a new node to provision (warm-node reuse comes with NodeLifecycle). */
const selectNode: StepHandler = async ({ env, state }) => {
  const nodeId = state.nodeId ?? newId('nod');
  await insertNode(env.DB, { id: nodeId, provider: LOCAL_PROVIDER, size: null });
  await updateTaskFields(env.DB, state.taskId, { node_id: nodeId });
  return { kind: 'advance', to: 'node_provisioning', patch: { nodeId } };
};

/** node_provisioning: ask the provider for the node, handing it its callback token. */
const provisionNode: StepHandler = async ({ env, config, state }) => {
  const nodeId = requireField(state.nodeId, 'nodeId');
  const callbackToken = await signCallbackToken(env.DB, nodeId, config.CALLBACK_TOKEN_TTL_MS);
  const provider = getProvider(env, LOCAL_PROVIDER, config.OUTBOUND_REQUEST_TIMEOUT_MS);
  try {
    await provider.createNode({ nodeId, controlPlaneUrl: controlPlaneUrl(env), callbackToken });
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

/** running: the agent works; the task callback ends the run. Only the step timeout acts here. */
const awaitCompletion: StepHandler = async ({ config, state }) => {
  const remaining = state.stepStartedAt + config.STEP_RUNNING_TIMEOUT_MS - Date.now();
  return { kind: 'wait', ms: Math.max(1_000, remaining) };
};

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
