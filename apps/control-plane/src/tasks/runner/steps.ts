/**
 * The steps of a task's run (DESIGN.md §2), one handler each: the node and workspace halves are
 * shared with the run of a workspace created by hand (runs/), with the task's own part added —
 * its status moves `queued → delegated` when its workspace is asked for and
 * `delegated → in_progress` right before its agent starts (workspaces/start-agent.ts, with the
 * task description as the first prompt: the hop that hands the task to the agent). What the
 * steps need of the task is in the run state (`task`), kept there when the run started; the
 * description itself is read from the task row by the one step that sends it. A resumed task's
 * run (tasks/resume.ts) continues its pushed branch and starts its agent with the follow-up and
 * the conversation so far instead (tasks/resume-prompt.ts), or with its own ACP session loaded from
 * its archive and the follow-up alone (session-archives/).
 */
import { taskBranchName, type ExecutionStep } from '@flotilla/contracts';
import { conflict } from '@flotilla/kit';
import { runOnHotAgent } from '../../hot-agents/claim.js';
import { awaitNodeReady, failIfNodeLost, heartbeatCheckIntervalMs, provisionNodeFor, selectNodeFor } from '../../runs/node-steps.js';
import type { TaskRunSubject } from '../../runs/run-state.js';
import { requireField, type RunStepContext, type StepHandler } from '../../runs/step.js';
import { awaitWorkspaceReady, createWorkspaceFor, registerAgentSessionFor } from '../../runs/workspace-steps.js';
import { sessionLoadFor } from '../../session-archives/session-archives.js';
import { setAgentSessionStatus } from '../../workspaces/repository.js';
import { startAgentSession } from '../../workspaces/start-agent.js';
import { getTaskRow } from '../repository.js';
import { buildResumePrompt } from '../resume-prompt.js';
import { applyTransition } from '../status.js';

/** A step of a task's run: also gets what the run keeps of its task. */
export interface TaskStepContext extends RunStepContext {
  task: TaskRunSubject;
}

type TaskStepHandler = StepHandler<TaskStepContext>;

/**
 * workspace_creation: the daemon clones the repository onto `task/<taskId>`, starting the task's
 * agent (spawn, sandbox, ACP `initialize`) meanwhile; the task becomes `delegated`.
 */
const createWorkspace: TaskStepHandler = async (ctx) => {
  const { deps, task } = ctx;
  return createWorkspaceFor(ctx, {
    projectId: task.projectId,
    taskId: task.taskId,
    agentType: task.agentType,
    chatSessionId: task.chatSessionId,
    branch: task.resume?.branch ?? task.branch ?? taskBranchName(task.taskId),
    // A resumed task continues the branch it pushed (tasks/resume.ts).
    continueBranch: Boolean(task.resume?.branch),
    // Its agent starts while the node checks out, and opens its ACP session when the checkout is
    // done (issue 15); the prompt waits for agent_session. A resumed task's start may load its
    // archived session instead: its session waits for the start.
    earlyAgent: { agentType: task.agentType, permissionPolicy: 'allow', openSession: !task.resume },
    // Only from `queued`: on a repeated attempt it is `delegated` already, with this workspace.
    beforeRequest: ({ workspaceId, nodeId }) =>
      applyTransition(deps, task.taskId, 'queued', 'delegated', {
        actor: 'task-runner',
        step: 'workspace_creation',
        reason: `workspace ${workspaceId} on node ${nodeId}`,
        fields: { workspace_id: workspaceId },
      }).then(() => undefined),
  });
};

/**
 * agent_session: register the agent session on the daemon, then START it with the task
 * description as the initial prompt. The task is `in_progress` from before the start call: the
 * agent may end its turn, and the daemon send the task callback (which needs `in_progress`),
 * before the start call's answer arrives here.
 */
const startAgent: TaskStepHandler = async (ctx) => {
  const { deps, task, state } = ctx;
  // The session's id is known by now (chosen with the workspace, or by the hot agent): the
  // registration and the task's transition go side by side (the path is lean: issue 15).
  const agentSessionId = requireField(state.agentSessionId, 'agentSessionId');
  const [{ node, workspaceId, credentialUserId }, moved] = await Promise.all([
    registerAgentSessionFor(ctx, { taskId: task.taskId, agentType: task.agentType, chatSessionId: task.chatSessionId }),
    applyTransition(deps, task.taskId, 'delegated', 'in_progress', {
      actor: 'task-runner',
      step: 'agent_session',
      reason: `starting agent ${task.agentType}`,
      fields: { agent_session_id: agentSessionId },
    }),
  ]);
  // The prompt is the task's description, read here from the row — where it is stored — once:
  // from the row the transition wrote, or on a repeated attempt (in progress already) read again.
  const row = moved ?? (await getTaskRow(deps.db, task.taskId));
  if (row?.status !== 'in_progress') throw conflict(`task ${task.taskId} is ${row?.status ?? 'gone'}: its agent is not started`);
  const resumed = task.resume ? await resumeStartOf(deps, task, row.chat_session_id, task.resume.messageId) : null;
  await startAgentSession(deps, {
    node,
    workspaceId,
    agentSessionId,
    agentType: task.agentType,
    // A resumed task's first prompt is the follow-up with the conversation so far (tasks/resume-prompt.ts).
    initialPrompt: resumed?.prompt ?? row.description,
    ...(resumed?.sessionLoad ? { sessionLoad: resumed.sessionLoad } : {}),
    initialPromptMessageId: task.resume?.messageId ?? task.initialMessageId,
    taskId: task.taskId,
    taskTitle: task.title,
    permissionPolicy: 'allow',
    // The credentials of the node's user (node_selection chose the node by them).
    userId: credentialUserId,
  });
  await setAgentSessionStatus(deps.db, agentSessionId, 'running');
  return { kind: 'advance', to: 'running', patch: { agentSessionId } };
};

/**
 * What a resumed task's agent starts with: the context prompt (the conversation so far and the
 * follow-up, tasks/resume-prompt.ts) and, when its ACP session was archived
 * (session-archives/), that session to `session/load` with the follow-up alone — the daemon falls
 * back to the context prompt when the load is not possible, so no round trip is added.
 */
async function resumeStartOf(deps: TaskStepContext['deps'], task: TaskRunSubject, chatSessionId: string | null, messageId: string) {
  const { prompt, followUp } = await buildResumePrompt(deps, { projectId: task.projectId, chatSessionId, messageId });
  const sessionLoad = await sessionLoadFor(deps, { chatSessionId, agentType: task.agentType, followUp }, Date.now());
  return { prompt, sessionLoad };
}

/**
 * running: the agent works; the task callback ends the run. Here only the step timeout and the
 * node's heartbeat act: a node silent past NODE_HEARTBEAT_TIMEOUT_MS fails the task ("node lost").
 */
const awaitCompletion: TaskStepHandler = async ({ deps, state }) => {
  await failIfNodeLost(deps, requireField(state.nodeId, 'nodeId'));
  const remainingMs = state.stepStartedAt + deps.config.STEP_RUNNING_TIMEOUT_MS - Date.now();
  return { kind: 'wait', ms: Math.max(1_000, Math.min(remainingMs, heartbeatCheckIntervalMs(deps.config))) };
};

/**
 * node_selection: a hot agent of the project for the task's agent type when there is one
 * (hot-agents/claim.ts: straight on to `agent_session`), else a node (runs/node-steps.ts). A
 * resumed task never takes one: a hot agent's checkout starts from the base branch, the resumed
 * run continues the task's pushed branch.
 */
const selectNode: TaskStepHandler = async (ctx) => {
  const { deps, task } = ctx;
  // Whose credentials the run uses follows from its creator (credentials/credential-user.ts), kept in the run state.
  const creatorId = task.createdBy ?? null;
  const onHotAgent = task.resume ? null : await runOnHotAgent(ctx, {
    ...task,
    creatorId,
    branch: task.branch ?? taskBranchName(task.taskId),
    delegate: (workspaceId, nodeId, hotAgentId) =>
      applyTransition(deps, task.taskId, 'queued', 'delegated', {
        actor: 'task-runner',
        step: 'node_selection',
        reason: `hot agent ${hotAgentId}: workspace ${workspaceId} on node ${nodeId}`,
        fields: { workspace_id: workspaceId },
      }).then(() => undefined),
  });
  return onHotAgent ?? selectNodeFor(ctx, { holderId: task.taskId, projectId: task.projectId, vmSize: task.vmSize, creatorId });
};

export const TASK_STEP_HANDLERS: Record<ExecutionStep, TaskStepHandler> = {
  node_selection: selectNode,
  node_provisioning: (ctx) => provisionNodeFor(ctx, { projectId: ctx.task.projectId, chatSessionId: ctx.task.chatSessionId, agentType: ctx.task.agentType }),
  node_agent_ready: awaitNodeReady,
  workspace_creation: createWorkspace,
  workspace_ready: awaitWorkspaceReady,
  agent_session: startAgent,
  running: awaitCompletion,
};
