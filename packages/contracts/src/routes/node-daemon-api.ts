/**
 * The node daemon's HTTP API (DESIGN.md §2 hops 2–3): what the control plane calls on a node
 * (node-management token), plus the health check and the WebSockets browsers open with a viewer
 * token (the workspace's direct agent channel and its terminal). Served by packages/node-daemon,
 * called by the control plane's node client.
 */
import * as z from 'zod';
import {
  AgentSessionInfo,
  CreateWorkspaceRequest,
  DeliverFollowUpPromptRequest,
  FollowUpPromptDelivery,
  RegisterAgentSessionRequest,
  StartAgentSessionRequest,
  WorkspaceInfo,
  WorkspaceStatus,
} from '../node.js';
import { ClaimHotAgentRequest, NodeHotAgentInfo, PrepareHotAgentRequest } from '../hot-agents.js';
import { NodeWarmAgentInfo, PrepareWarmAgentRequest } from '../warm-agents.js';
import { AnswerPermissionRequest } from '../notifications.js';
import { SESSION_ARCHIVE_BODY_MAX_BYTES } from '../session-archive.js';
import { DEFAULT_MAX_BODY_BYTES, route } from './route.js';

/** `GET {node}/health`. */
export const NodeHealthResponse = z.object({ status: z.literal('ok'), nodeId: z.string(), version: z.string() });

/** Answer of creating (202, `creating`) or deleting (`destroyed`) a workspace. */
export const WorkspaceStatusResponse = z.object({ workspaceId: z.string(), status: WorkspaceStatus });

const workspace = '/workspaces/:workspaceId';
const agentSession = `${workspace}/agent-sessions/:agentSessionId`;

export const nodeDaemonApi = {
  health: route({ method: 'GET', path: '/health', auth: 'public', response: NodeHealthResponse, status: [200], summary: 'the daemon answers, with its node id and version' }),
  createWorkspace: route({ method: 'POST', path: '/workspaces', auth: 'nodeManagement', body: CreateWorkspaceRequest, response: WorkspaceStatusResponse, status: [202], summary: 'clone the repository and check out the branch, in the background' }),
  listWorkspaces: route({ method: 'GET', path: '/workspaces', auth: 'nodeManagement', response: z.array(WorkspaceInfo), status: [200], summary: 'workspaces that are not destroyed' }),
  getWorkspace: route({ method: 'GET', path: workspace, auth: 'nodeManagement', response: WorkspaceInfo, status: [200], summary: 'one workspace' }),
  deleteWorkspace: route({ method: 'DELETE', path: workspace, auth: 'nodeManagement', response: WorkspaceStatusResponse, status: [200], summary: 'stop its agents and remove its directory' }),
  registerAgentSession: route({ method: 'POST', path: `${workspace}/agent-sessions`, auth: 'nodeManagement', body: RegisterAgentSessionRequest, response: AgentSessionInfo, status: [201], summary: 'register an agent session (starts nothing)' }),
  startAgentSession: route({ method: 'POST', path: `${agentSession}/start`, auth: 'nodeManagement', body: StartAgentSessionRequest, maxBodyBytes: SESSION_ARCHIVE_BODY_MAX_BYTES + DEFAULT_MAX_BODY_BYTES, response: AgentSessionInfo, status: [202], summary: 'start the agent and deliver its first prompt' }),
  cancelAgentSession: route({ method: 'POST', path: `${agentSession}/cancel`, auth: 'nodeManagement', response: AgentSessionInfo, status: [200], summary: 'cancel the turn and stop the agent, keeping the workspace' }),
  deliverPrompt: route({ method: 'POST', path: `${agentSession}/prompt`, auth: 'nodeManagement', body: DeliverFollowUpPromptRequest, response: FollowUpPromptDelivery, status: [202], summary: 'a follow-up prompt, delivered once per messageId' }),
  answerPermission: route({ method: 'POST', path: `${workspace}/permission-requests/:requestId/answer`, auth: 'nodeManagement', body: AnswerPermissionRequest, response: { kind: 'empty' }, status: [204], summary: "answer the workspace agent's open permission request" }),
  getAgentSession: route({ method: 'GET', path: agentSession, auth: 'nodeManagement', response: AgentSessionInfo, status: [200], summary: 'one agent session' }),
  agentStream: route({ method: 'GET', path: `${workspace}/agent/ws`, auth: 'viewerToken', response: { kind: 'websocket' }, status: [101], summary: "WebSocket of the workspace agent's raw ACP updates (the direct channel)" }),
  terminal: route({ method: 'GET', path: `${workspace}/terminal/ws`, auth: 'viewerToken', response: { kind: 'websocket' }, status: [101], summary: "WebSocket joined to the workspace's shell" }),
  // Hot agents (issue 15, contracts hot-agents.ts).
  prepareHotAgent: route({ method: 'POST', path: '/hot-agents', auth: 'nodeManagement', body: PrepareHotAgentRequest, response: NodeHotAgentInfo, status: [202], summary: 'prepare a hot agent: clone, spawn the agent, open its ACP session, in the background' }),
  listHotAgents: route({ method: 'GET', path: '/hot-agents', auth: 'nodeManagement', response: z.array(NodeHotAgentInfo), status: [200], summary: "this node's hot agents" }),
  claimHotAgent: route({ method: 'POST', path: '/hot-agents/:hotAgentId/claim', auth: 'nodeManagement', body: ClaimHotAgentRequest, response: NodeHotAgentInfo, status: [200], summary: "a task takes the hot agent: fetch, check out the task's branch" }),
  // Warm agents (issue 15, contracts warm-agents.ts).
  prepareWarmAgent: route({ method: 'POST', path: '/warm-agents', auth: 'nodeManagement', body: PrepareWarmAgentRequest, response: NodeWarmAgentInfo, status: [202], summary: 'prepare a warm agent: spawn the agent in an empty workspace shell, past initialize, in the background' }),
  listWarmAgents: route({ method: 'GET', path: '/warm-agents', auth: 'nodeManagement', response: z.array(NodeWarmAgentInfo), status: [200], summary: "this node's warm agents not yet taken" }),
} as const;

export type NodeDaemonApi = typeof nodeDaemonApi;
