/**
 * Workspaces created by hand (issue 3 item 5): a workspace with a chat session but no task. The
 * user creates it, then talks to its agent through the session's prompt route; every message is
 * persisted in the project chat exactly like a task's.
 */
import * as z from 'zod';
import { AgentType } from './agents.js';
import { PermissionPolicy, WorkspaceStatus } from './node.js';
import { ExecutionStep } from './task.js';

/**
 * `POST /api/projects/:projectId/workspaces` body. Without `agentType`, the project's default
 * agent. `permissionPolicy` (default `allow`): `ask` shows the agent's permission requests to the
 * workspace page's viewers, who answer them (contracts agent-stream.ts).
 */
export const CreateManualWorkspaceRequest = z.strictObject({
  agentType: AgentType.optional(),
  permissionPolicy: z.enum(['allow', 'ask']).optional(),
});
export type CreateManualWorkspaceRequest = z.infer<typeof CreateManualWorkspaceRequest>;

/** Answer (202) to creating a workspace by hand: it is `creating` until its agent session is registered. */
export const CreateManualWorkspaceResponse = z.object({
  workspaceId: z.string(),
  chatSessionId: z.string(),
  status: WorkspaceStatus,
});
export type CreateManualWorkspaceResponse = z.infer<typeof CreateManualWorkspaceResponse>;

/**
 * `GET /api/projects/:projectId/workspaces/:workspaceId`: a workspace created by hand.
 * `status`: `creating` (node, checkout, agent session on their way; `step` says which), `running`
 * (prompts welcome), `error` (`error` says why), `stopping`/`destroyed` after a delete.
 */
export const ManualWorkspace = z.object({
  workspaceId: z.string(),
  projectId: z.string(),
  chatSessionId: z.string(),
  agentType: AgentType,
  /** How the agent's permission requests are answered (`allow` unless created with `ask`). */
  permissionPolicy: PermissionPolicy.default('allow'),
  status: WorkspaceStatus,
  step: ExecutionStep,
  branch: z.string(),
  nodeId: z.string().nullable(),
  error: z.string().nullable(),
});
export type ManualWorkspace = z.infer<typeof ManualWorkspace>;

/** The branch of a workspace created by hand, made from the project's default branch. */
export function manualWorkspaceBranchName(workspaceId: string): string {
  return `workspace/${workspaceId}`;
}
