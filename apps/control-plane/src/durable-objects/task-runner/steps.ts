/**
 * The steps of a task run (DESIGN.md §2), one handler each. A handler is called by the
 * TaskRunner alarm with the step already persisted; it acts (idempotently: it may run again
 * after a crash or a transient error) and says what comes next. Throw `TransientError` to be
 * retried with backoff, `PermanentError` to fail the task. The `…For` functions are the parts a
 * run of a workspace created by hand shares (manual-workspace-steps.ts).
 */
import { newId, taskBranchName, type AgentSessionInfo, type CreateWorkspaceRequest, type ExecutionStep, type RegisterAgentSessionRequest, type StartAgentSessionRequest } from '@flotilla/contracts';
import { signCallbackToken } from '../../auth/tokens.js';
import { getProject } from '../../db/projects-repository.js';
import { getNode, getWorkspace, insertAgentSession, insertWorkspace, setAgentSessionStatus } from '../../db/nodes-repository.js';
import { getTaskRow, updateTaskFields, type TaskRow } from '../../db/tasks-repository.js';
import { controlPlaneUrl, type Config, type Env } from '../../env.js';
import { PermanentError, TransientError } from '../../lib/errors.js';
import { errorMessage, type Logger } from '../../lib/logger.js';
import { agentCredentialsFor } from '../../services/agent-credentials.js';
import { callNode } from '../../services/node-client.js';
import { effectiveVmSize, IMPLICIT_USER_ID, selectNodeForTask } from '../../services/node-selection.js';
import { gitCredentialFor } from '../../services/git-credentials.js';
import { readDaemonManifest } from '../../services/node-daemon-artifact.js';
import { registerNodeDnsRecord } from '../../services/node-dns.js';
import { userDataForNode } from '../../services/node-user-data.js';
import { getProvider } from '../../services/providers.js';
import { transitionTask } from '../../services/task-status.js';
import type { RunState } from './run-state.js';

/** What every step gets, whatever the run is for (a task, or a workspace created by hand). */
export interface RunStepContext {
  env: Env;
  config: Config;
  state: RunState;
  log: Logger;
  /**
   * Persist fields of the run state now, before the step acts on them: an id the step hands to
   * a daemon must be the same id when the step runs again after a lost answer or a retry.
   */
  remember: (patch: Partial<RunState>) => Promise<void>;
}

/** A step of a task's run: also gets the task. */
export interface StepContext extends RunStepContext {
  task: TaskRow;
}

export type StepOutcome =
  | { kind: 'advance'; to: ExecutionStep; patch?: Partial<RunState> }
  | { kind: 'wait'; ms: number };

type StepHandler = (ctx: StepContext) => Promise<StepOutcome>;

/**
 * node_selection: a warm node that fits is claimed, else an active node with room is used, else
 * a new node is registered (services/node-selection.ts). A reused node skips provisioning.
 */
const selectNode: StepHandler = async (ctx) => {
  const { env, task } = ctx;
  const outcome = await selectNodeFor(ctx, { holderId: task.id, projectId: task.project_id, vmSize: task.vm_size });
  if (outcome.kind === 'advance' && outcome.patch?.nodeId) await updateTaskFields(env.DB, task.id, { node_id: outcome.patch.nodeId });
  return outcome;
};

/**
 * The node_selection step for a run's subject: `holderId` (a task id, or a manual workspace's id)
 * holds the node in its NodeLifecycle until the run releases it; `vmSize` null means the
 * project's default.
 */
export async function selectNodeFor(
  { env, config, state, log, remember }: RunStepContext,
  subject: { holderId: string; projectId: string; vmSize: string | null },
): Promise<StepOutcome> {
  const project = await getProject(env.DB, subject.projectId);
  if (!project) throw new PermanentError(`project ${subject.projectId} no longer exists`);
  const candidateId = state.nodeId ?? newId('nod');
  if (!state.nodeId) await remember({ nodeId: candidateId });
  const requirements = {
    taskId: subject.holderId,
    userId: IMPLICIT_USER_ID,
    provider: project.defaultProvider,
    size: effectiveVmSize(subject.vmSize, project.defaultVmSize),
    daemonVersion: (await readDaemonManifest(env))?.version ?? null,
  };
  // A cloud provider without credentials fails the run now, saying what to configure.
  if (requirements.provider !== 'local') await getProvider(env, requirements.provider, config.OUTBOUND_REQUEST_TIMEOUT_MS, { userId: requirements.userId });
  const selection = await selectNodeForTask(env, config, requirements, candidateId, log);
  log.info('node selected', { nodeId: selection.nodeId, how: selection.kind, size: requirements.size, provider: requirements.provider });
  const to = selection.kind === 'new' ? 'node_provisioning' : 'node_agent_ready';
  return { kind: 'advance', to, patch: { nodeId: selection.nodeId } };
}

/** node_provisioning: ask the node's provider for it, in its size, handing it its callback token. */
const provisionNode: StepHandler = async (ctx) => provisionNodeFor(ctx, { projectId: ctx.task.project_id, chatSessionId: ctx.task.chat_session_id });

/** The node_provisioning step for a run of project `projectId` (its chat session goes into a VM's user-data). */
export async function provisionNodeFor({ env, config, state }: RunStepContext, subject: { projectId: string; chatSessionId: string | null }): Promise<StepOutcome> {
  const nodeId = requireField(state.nodeId, 'nodeId');
  const node = await getNode(env.DB, nodeId);
  if (!node) throw new PermanentError(`node ${nodeId} was never registered`);
  const callbackToken = await signCallbackToken(env.DB, nodeId, config.CALLBACK_TOKEN_TTL_MS);
  const provider = await getProvider(env, node.provider, config.OUTBOUND_REQUEST_TIMEOUT_MS, { userId: node.user_id });
  // A VM learns everything from its user-data; a local node from the local cloud.
  const userData = node.provider === 'local' ? undefined : await userDataForNode(env, { nodeId, callbackToken, projectId: subject.projectId, chatSessionId: subject.chatSessionId });
  try {
    const created = await provider.createNode({ nodeId, controlPlaneUrl: controlPlaneUrl(env), callbackToken, ...(node.size ? { size: node.size } : {}), ...(userData ? { userData } : {}) });
    // A cloud node's DNS name, before its daemon can announce it (creating again is idempotent).
    if (node.provider !== 'local') await registerNodeDnsRecord(env, config, nodeId, created.ipv4);
  } catch (error) {
    if (error instanceof PermanentError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && 'transient' in error && error.transient === false) throw new PermanentError(message);
    throw new TransientError(message);
  }
  return { kind: 'advance', to: 'node_agent_ready' };
}

/** node_agent_ready: wait for the node daemon's ready callback (`POST /api/nodes/:id/ready`). */
export const awaitNodeReady = async ({ env, config, state }: RunStepContext): Promise<StepOutcome> => {
  const node = await getNode(env.DB, requireField(state.nodeId, 'nodeId'));
  if (node?.status === 'error') throw new PermanentError(`node ${node.id} failed: ${node.error ?? 'unknown error'}`);
  if (node?.status === 'ready' && node.url) return { kind: 'advance', to: 'workspace_creation' };
  return { kind: 'wait', ms: config.STEP_POLL_INTERVAL_MS };
};

/** workspace_creation: ask the daemon to clone the repository onto branch `task/<taskId>`. */
const createWorkspace: StepHandler = async (ctx) => {
  const { task } = ctx;
  return createWorkspaceFor(ctx, {
    projectId: task.project_id,
    taskId: task.id,
    chatSessionId: task.chat_session_id,
    branch: taskBranchName(task.id),
    beforeRequest: async ({ workspaceId, nodeId }) => {
      await updateTaskFields(ctx.env.DB, task.id, { workspace_id: workspaceId });
      if (task.status === 'queued') {
        await transitionTask(ctx.env, task.id, 'delegated', { actor: 'task-runner', step: 'workspace_creation', reason: `workspace ${workspaceId} on node ${nodeId}` });
      }
    },
  });
};

/**
 * The workspace_creation step for a run's subject: the workspace row (D1, `creating`), the chat
 * session pointed at it, then `POST {node}/workspaces` (clone, `branch` from the project's
 * default branch). `beforeRequest` records what the subject itself keeps of it. `taskId` null: a
 * workspace created by hand.
 */
export async function createWorkspaceFor(
  { env, config, state, remember }: RunStepContext,
  subject: {
    projectId: string;
    taskId: string | null;
    chatSessionId: string | null;
    branch: string;
    beforeRequest?: (created: { workspaceId: string; nodeId: string }) => Promise<void>;
  },
): Promise<StepOutcome> {
  const nodeId = requireField(state.nodeId, 'nodeId');
  const node = await getNode(env.DB, nodeId);
  if (!node?.url) throw new TransientError(`node ${nodeId} has no URL yet`);
  const project = await getProject(env.DB, subject.projectId);
  if (!project) throw new PermanentError(`project ${subject.projectId} no longer exists`);
  const workspaceId = state.workspaceId ?? newId('ws');
  if (!state.workspaceId) await remember({ workspaceId });
  const branch = subject.branch;
  await insertWorkspace(env.DB, { id: workspaceId, nodeId, projectId: project.id, taskId: subject.taskId, chatSessionId: subject.chatSessionId ?? '', branch });
  await subject.beforeRequest?.({ workspaceId, nodeId });
  if (subject.chatSessionId) {
    await env.PROJECT_DATA.get(env.PROJECT_DATA.idFromName(project.id)).updateSession(project.id, subject.chatSessionId, { workspaceId });
  }
  const body: CreateWorkspaceRequest = {
    workspaceId,
    repoUrl: project.repoUrl,
    baseBranch: project.defaultBranch,
    branch,
    projectId: project.id,
    chatSessionId: subject.chatSessionId,
    taskId: subject.taskId,
    callbackToken: await signCallbackToken(env.DB, nodeId, config.CALLBACK_TOKEN_TTL_MS, workspaceId),
  };
  // The user's token for the repository's host goes to the daemon with this request only.
  const gitCredential = await gitCredentialFor(env, node.user_id, project.repoUrl).catch((error: unknown) => {
    throw new PermanentError(`the saved repository token cannot be used (${errorMessage(error)}): save it again`);
  });
  if (gitCredential) body.gitCredential = gitCredential;
  // 409: the daemon already has it (this step ran before and its answer was lost).
  await callNode(env.DB, { id: nodeId, url: node.url }, 'POST', '/workspaces', { body, accept: [409], timeoutMs: config.OUTBOUND_REQUEST_TIMEOUT_MS });
  return { kind: 'advance', to: 'workspace_ready', patch: { workspaceId } };
}

/** workspace_ready: wait for the daemon's workspace callback (`POST /api/workspaces/:id/ready`). */
export const awaitWorkspaceReady = async ({ env, config, state }: RunStepContext): Promise<StepOutcome> => {
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
const startAgent: StepHandler = async (ctx) => {
  const { env, config, task } = ctx;
  const { target, workspaceId, agentSessionId } = await registerAgentSessionFor(ctx, {
    taskId: task.id,
    agentType: task.agent_type,
    chatSessionId: task.chat_session_id,
    beforeRequest: (id) => updateTaskFields(env.DB, task.id, { agent_session_id: id }),
  });
  const timeoutMs = config.OUTBOUND_REQUEST_TIMEOUT_MS;
  // In progress from before the start call: the agent may end its turn, and the daemon send the
  // task callback (which needs `in_progress`), before the start call's answer arrives here.
  const current = await getTaskRow(env.DB, task.id);
  if (current?.status === 'delegated') {
    await transitionTask(env, task.id, 'in_progress', { actor: 'task-runner', step: 'agent_session', reason: `starting agent ${task.agent_type}` });
  }
  const start: StartAgentSessionRequest = {
    agentType: task.agent_type,
    initialPrompt: task.description,
    ...(task.initial_message_id ? { initialPromptMessageId: task.initial_message_id } : {}),
    taskId: task.id,
    taskTitle: task.title,
    permissionPolicy: 'allow',
  };
  // A stored key for this agent type goes with the start call (never into the run state or a log).
  const agentCredentials = await agentCredentialsFor(env, IMPLICIT_USER_ID, task.agent_type).catch((error: unknown) => {
    throw new PermanentError(`the stored ${task.agent_type} API key cannot be used (${errorMessage(error)}): store it again in the project settings`);
  });
  if (agentCredentials) start.agentCredentials = agentCredentials;
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
 * The registering half of the agent_session step: the agent session row (D1, `registered`), then
 * `POST {node}/workspaces/:wid/agent-sessions` (registers only; starts nothing). Idempotent: the
 * id is remembered before the call, and the daemon's 409 means an earlier attempt registered it.
 * `taskId` null: the session of a workspace created by hand.
 */
export async function registerAgentSessionFor(
  { env, config, state, remember }: RunStepContext,
  subject: { taskId: string | null; agentType: string; chatSessionId: string | null; beforeRequest?: (agentSessionId: string) => Promise<void> },
): Promise<{ target: { id: string; url: string }; workspaceId: string; agentSessionId: string }> {
  const nodeId = requireField(state.nodeId, 'nodeId');
  const workspaceId = requireField(state.workspaceId, 'workspaceId');
  const node = await getNode(env.DB, nodeId);
  if (!node?.url) throw new TransientError(`node ${nodeId} has no URL`);
  const target = { id: nodeId, url: node.url };
  const agentSessionId = state.agentSessionId ?? newId('as');
  if (!state.agentSessionId) await remember({ agentSessionId });
  await insertAgentSession(env.DB, { id: agentSessionId, workspaceId, taskId: subject.taskId, agentType: subject.agentType });
  await subject.beforeRequest?.(agentSessionId);
  const registration: RegisterAgentSessionRequest = { agentSessionId, chatSessionId: subject.chatSessionId };
  await callNode(env.DB, target, 'POST', `/workspaces/${workspaceId}/agent-sessions`, { body: registration, accept: [409], timeoutMs: config.OUTBOUND_REQUEST_TIMEOUT_MS });
  return { target, workspaceId, agentSessionId };
}

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
export function heartbeatCheckIntervalMs(config: Config): number {
  return Math.max(250, Math.floor(config.NODE_HEARTBEAT_TIMEOUT_MS / 4));
}

/**
 * @throws PermanentError "node lost …" when node `nodeId` has not sent a heartbeat (or its
 *   ready callback) for longer than NODE_HEARTBEAT_TIMEOUT_MS, or is gone.
 */
export async function failIfNodeLost(env: Env, config: Config, nodeId: string): Promise<void> {
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

export function requireField<T>(value: T | null, name: string): T {
  if (value === null) throw new PermanentError(`run state has no ${name}`);
  return value;
}
