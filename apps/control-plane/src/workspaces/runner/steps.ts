/**
 * The steps of the run that sets up a workspace created by hand (issue 3 item 5): the same node
 * selection, provisioning, workspace creation and agent-session registration as a task's run
 * (runs/), on branch `workspace/<workspaceId>` and with no task. Its `agent_session` step only
 * registers the agent session: the agent starts with the user's first prompt
 * (manual-workspaces.ts). Its `running` step lasts until the workspace is deleted; it only
 * watches the node's heartbeat.
 */
import { manualWorkspaceBranchName, type ExecutionStep } from '@flotilla/contracts';
import { awaitNodeReady, failIfNodeLost, heartbeatCheckIntervalMs, provisionNodeFor, selectNodeFor } from '../../runs/node-steps.js';
import type { ManualWorkspaceSubject } from '../../runs/run-state.js';
import { requireField, type RunStepContext, type StepHandler } from '../../runs/step.js';
import { awaitWorkspaceReady, createWorkspaceFor, registerAgentSessionFor } from '../../runs/workspace-steps.js';

export interface ManualWorkspaceStepContext extends RunStepContext {
  subject: ManualWorkspaceSubject;
}

type ManualWorkspaceStepHandler = StepHandler<ManualWorkspaceStepContext>;

/** agent_session: register the agent session (no start: no prompt exists yet), then `running`. */
const registerAgentSession: ManualWorkspaceStepHandler = async (ctx) => {
  const { agentSessionId } = await registerAgentSessionFor(ctx, { taskId: null, agentType: ctx.subject.agentType, chatSessionId: ctx.subject.chatSessionId });
  return { kind: 'advance', to: 'running', patch: { agentSessionId } };
};

/** running: the workspace serves prompts until it is deleted; a node that went silent fails it ("node lost"). */
const awaitDeletion: ManualWorkspaceStepHandler = async ({ deps, state }) => {
  await failIfNodeLost(deps, requireField(state.nodeId, 'nodeId'));
  return { kind: 'wait', ms: heartbeatCheckIntervalMs(deps.config) };
};

export const MANUAL_WORKSPACE_STEP_HANDLERS: Record<ExecutionStep, ManualWorkspaceStepHandler> = {
  node_selection: (ctx) => selectNodeFor(ctx, { holderId: ctx.subject.workspaceId, projectId: ctx.state.projectId, vmSize: null, creatorId: ctx.subject.createdBy ?? null }),
  node_provisioning: (ctx) => provisionNodeFor(ctx, { projectId: ctx.state.projectId, chatSessionId: ctx.subject.chatSessionId }),
  node_agent_ready: awaitNodeReady,
  workspace_creation: (ctx) =>
    createWorkspaceFor(ctx, {
      projectId: ctx.state.projectId,
      taskId: null,
      agentType: ctx.subject.agentType,
      chatSessionId: ctx.subject.chatSessionId,
      branch: manualWorkspaceBranchName(ctx.subject.workspaceId),
    }),
  workspace_ready: awaitWorkspaceReady,
  agent_session: registerAgentSession,
  running: awaitDeletion,
};
