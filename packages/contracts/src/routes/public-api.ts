/**
 * The control plane's public HTTP API (README "The public HTTP API"): what the web app, the CLI
 * and scripts call. Every route but sign-in, health and the daemon download needs the API token
 * when one is configured (`auth: 'apiToken'`). Served by apps/control-plane (each domain folder
 * handles its routes), called through @flotilla/api-client.
 */
import * as z from 'zod';
import { AgentType } from '../agents.js';
import { ApiSessionInfo, CreateApiSessionRequest } from '../api-auth.js';
import { ApiTokenInfo, ApiTokenList, CreateApiTokenRequest, CreatedApiToken } from '../api-tokens.js';
import { ChatSession, ListMessagesQuery, ListMessagesResponse, ListSessionsResponse } from '../chat.js';
import { CreateManualWorkspaceRequest, CreateManualWorkspaceResponse, ManualWorkspace } from '../manual-workspace.js';
import { WorkspaceList, WorkspaceSummary } from '../workspace-summary.js';
import { ViewerTokenResponse } from '../agent-stream.js';
import { NodeDaemonManifest } from '../node-daemon-artifact.js';
import { NodeInfo, NodeList, NodeSweepResult } from '../node-lifecycle.js';
import { NodeStatus } from '../node.js';
import { CreateProjectRequest, Project } from '../project.js';
import {
  AgentInfo,
  CredentialInfo,
  ProviderName,
  PutAgentCredentialRequest,
  PutCloudCredentialRequest,
  PutGitCredentialRequest,
  UpdateProjectRequest,
} from '../settings.js';
import { GitHost } from '../git-hosts.js';
import { ProjectUsage, ProjectUsageQuery, UsageCost } from '../costs.js';
import { CreateTaskRequest, FollowUpPromptRequest, FollowUpPromptResponse, Task, TaskStatus, TaskWithEvents, UpdateTaskRequest } from '../task.js';
import { CreatedTrigger, CreateTriggerRequest, Trigger, TriggerFired, TriggerList, TriggerSweepRequest, TriggerSweepResult, UpdateTriggerRequest } from '../triggers.js';
import { HotAgentList, TaskStepTimingList } from '../hot-agents.js';
import { TaskDiff } from '../task-diff.js';
import { notificationsApi } from '../notifications.js';
import { auditApi } from '../audit.js';
import { membersApi } from '../members.js';
import { AuthProviders, SignInProvider, SignInStartQuery, User, UserList } from '../users.js';
import { route } from './route.js';

/** `GET /health`. */
export const HealthResponse = z.object({ status: z.literal('ok') });

/** `GET /api/projects`. */
export const ProjectList = z.object({ projects: z.array(Project) });

/** `GET /api/projects/:projectId/tasks`. */
export const TaskList = z.object({ tasks: z.array(Task) });
export const ListTasksQuery = z.object({ status: TaskStatus.optional() });

/** `GET /api/nodes`. */
export const ListNodesQuery = z.object({ status: NodeStatus.optional() });

/** `GET /api/agents`: one entry per agent type, in the order of contracts `AgentType`. */
export const AgentList = z.object({ agents: z.array(AgentInfo) });
export type AgentList = z.infer<typeof AgentList>;

/** `GET /api/credentials`. */
export const CredentialList = z.object({ credentials: z.array(CredentialInfo) });

const projectRoute = '/api/projects/:projectId';
const taskRoute = `${projectRoute}/tasks/:taskId`;

export const publicApi = {
  health: route({ method: 'GET', path: '/health', auth: 'public', response: HealthResponse, status: [200], summary: 'the control plane answers' }),

  // Sign-in with the API token (auth/): open to everyone, they are how one gets a session.
  getApiSession: route({ method: 'GET', path: '/api/session', auth: 'public', response: ApiSessionInfo, status: [200], summary: 'whether the API requires its token, and whether this caller is signed in' }),
  signIn: route({ method: 'POST', path: '/api/session', auth: 'public', body: CreateApiSessionRequest, response: { kind: 'empty' }, status: [204], summary: 'exchange the API token for the session cookie' }),
  signOut: route({ method: 'DELETE', path: '/api/session', auth: 'public', response: { kind: 'empty' }, status: [204], summary: 'clear the session cookie' }),

  // Sign-in with GitHub or OpenID Connect, users and their sessions (auth/, issue 14 item 1).
  // Start and callback are redirects (302); `me` and the sign-outs read the session cookie themselves.
  authProviders: route({ method: 'GET', path: '/api/auth/providers', auth: 'public', response: AuthProviders, status: [200], summary: 'the sign-in methods this control plane offers, and whether the API token form applies' }),
  signInStart: route({ method: 'GET', path: '/api/auth/:provider/start', auth: 'public', params: z.object({ provider: SignInProvider }), query: SignInStartQuery, response: { kind: 'stream', contentType: 'text/html' }, status: [302], summary: "sign in: redirect to the provider's sign-in page" }),
  signInCallback: route({ method: 'GET', path: '/api/auth/:provider/callback', auth: 'public', params: z.object({ provider: SignInProvider }), response: { kind: 'stream', contentType: 'text/html' }, status: [302], summary: 'where the provider sends the browser back: the session cookie, then a redirect to returnTo' }),
  getMe: route({ method: 'GET', path: '/api/me', auth: 'public', response: User, status: [200], summary: 'the signed-in user (also while waiting for approval); 401 without a session' }),
  signOutUser: route({ method: 'POST', path: '/api/auth/sign-out', auth: 'public', response: { kind: 'empty' }, status: [204], summary: "end this browser's sign-in session (revoked server-side) and clear its cookie" }),
  signOutEverywhere: route({ method: 'POST', path: '/api/auth/sign-out-everywhere', auth: 'public', response: { kind: 'empty' }, status: [204], summary: "end every sign-in session of the signed-in user" }),
  listUsers: route({ method: 'GET', path: '/api/users', auth: 'apiToken', response: UserList, status: [200], summary: 'every user, pending ones first (admins only)' }),
  approveUser: route({ method: 'POST', path: '/api/users/:userId/approve', auth: 'apiToken', response: User, status: [200], summary: 'let a pending user in (admins only)' }),

  // Projects (projects/).
  createProject: route({ method: 'POST', path: '/api/projects', auth: 'apiToken', body: CreateProjectRequest, response: Project, status: [201], summary: 'create a project' }),
  listProjects: route({ method: 'GET', path: '/api/projects', auth: 'apiToken', response: ProjectList, status: [200], summary: 'list projects' }),
  getProject: route({ method: 'GET', path: projectRoute, auth: 'apiToken', response: Project, status: [200], summary: 'read a project' }),
  updateProject: route({ method: 'PATCH', path: projectRoute, auth: 'apiToken', body: UpdateProjectRequest, response: Project, status: [200], summary: "change a project's settings" }),

  // Costs and budgets (costs/).
  getProjectUsage: route({ method: 'GET', path: `${projectRoute}/usage`, auth: 'apiToken', query: ProjectUsageQuery, response: ProjectUsage, status: [200], summary: "the project's tokens, node time and cost estimate per UTC day, and its budget" }),
  getSessionUsage: route({ method: 'GET', path: `${projectRoute}/sessions/:sessionId/usage`, auth: 'apiToken', response: UsageCost, status: [200], summary: "a chat session's tokens, node time and cost estimate (the runs in it)" }),

  // Tasks (tasks/).
  createTask: route({ method: 'POST', path: `${projectRoute}/tasks`, auth: 'apiToken', body: CreateTaskRequest, response: Task, status: [201], summary: 'create a task (draft; with run: true it is queued and starts)' }),
  listTasks: route({ method: 'GET', path: `${projectRoute}/tasks`, auth: 'apiToken', query: ListTasksQuery, response: TaskList, status: [200], summary: "list a project's tasks by priority then recency" }),
  getProjectTask: route({ method: 'GET', path: taskRoute, auth: 'apiToken', response: TaskWithEvents, status: [200], summary: 'a task of the project with its status events' }),
  updateTask: route({ method: 'PATCH', path: taskRoute, auth: 'apiToken', body: UpdateTaskRequest, response: Task, status: [200], summary: 'edit a draft or ready task' }),
  markTaskReady: route({ method: 'POST', path: `${taskRoute}/ready`, auth: 'apiToken', response: Task, status: [200], summary: 'move a draft task to ready' }),
  runTask: route({ method: 'POST', path: `${taskRoute}/run`, auth: 'apiToken', response: Task, status: [202], summary: 'run a draft or ready task now' }),
  cancelTask: route({ method: 'POST', path: `${taskRoute}/cancel`, auth: 'apiToken', response: Task, status: [200], summary: 'cancel a task that has not ended' }),
  retryTask: route({ method: 'POST', path: `${taskRoute}/retry`, auth: 'apiToken', response: Task, status: [202], summary: 'run a failed or cancelled task again in a fresh workspace' }),
  getTaskDiff: route({ method: 'GET', path: `${taskRoute}/diff`, auth: 'apiToken', response: TaskDiff, status: [200], summary: "the patch of a completed task's change (404 when it has none)" }),
  openPullRequest: route({ method: 'POST', path: `${taskRoute}/pull-request`, auth: 'apiToken', response: Task, status: [201], summary: "open the pull request of a completed task's branch on GitHub (409 when it has one or no branch)" }),
  getTask: route({ method: 'GET', path: '/api/tasks/:taskId', auth: 'apiToken', response: TaskWithEvents, status: [200], summary: 'a task by id with its status events' }),
  // Issue 15: the path a task took, and a project's hot agents.
  getTaskSteps: route({ method: 'GET', path: '/api/tasks/:taskId/steps', auth: 'apiToken', response: TaskStepTimingList, status: [200], summary: "the execution steps of a task's runs, with start, end and duration" }),
  listHotAgents: route({ method: 'GET', path: `${projectRoute}/hot-agents`, auth: 'apiToken', response: HotAgentList, status: [200], summary: "a project's hot agents (ready, claimed, gone)" }),

  // Chat (chat/). The WebSocket comes before `:sessionId`, so that `ws` is not read as a session id.
  listSessions: route({ method: 'GET', path: `${projectRoute}/sessions`, auth: 'apiToken', response: ListSessionsResponse, status: [200], summary: 'chat sessions, newest first, with task title and status' }),
  projectEvents: route({ method: 'GET', path: `${projectRoute}/sessions/ws`, auth: 'apiToken', response: { kind: 'websocket' }, status: [101], summary: "WebSocket of the project's live events" }),
  getChatSession: route({ method: 'GET', path: `${projectRoute}/sessions/:sessionId`, auth: 'apiToken', response: ChatSession, status: [200], summary: 'one chat session' }),
  listMessages: route({ method: 'GET', path: `${projectRoute}/sessions/:sessionId/messages`, auth: 'apiToken', query: ListMessagesQuery, response: ListMessagesResponse, status: [200], summary: "a session's messages in sequence order, paginated" }),
  sendPrompt: route({ method: 'POST', path: `${projectRoute}/sessions/:sessionId/prompt`, auth: 'apiToken', body: FollowUpPromptRequest, response: FollowUpPromptResponse, status: [202], summary: "a follow-up prompt to the session's agent" }),

  // Workspaces (workspaces/).
  createWorkspace: route({ method: 'POST', path: `${projectRoute}/workspaces`, auth: 'apiToken', body: CreateManualWorkspaceRequest, response: CreateManualWorkspaceResponse, status: [202], summary: 'create a workspace by hand, with no task' }),
  getWorkspace: route({ method: 'GET', path: `${projectRoute}/workspaces/:workspaceId`, auth: 'apiToken', response: ManualWorkspace, status: [200], summary: 'a workspace created by hand' }),
  listWorkspaces: route({ method: 'GET', path: `${projectRoute}/workspaces`, auth: 'apiToken', response: WorkspaceList, status: [200], summary: "the project's workspaces that are not destroyed (of tasks, and made by hand)" }),
  deleteWorkspace: route({
    method: 'DELETE',
    path: `${projectRoute}/workspaces/:workspaceId`,
    auth: 'apiToken',
    response: z.union([ManualWorkspace, WorkspaceSummary]),
    status: [200, 202],
    summary: "delete a workspace made by hand, or a task's kept workspace (409 while its task runs)",
  }),
  viewerToken: route({ method: 'POST', path: `${projectRoute}/workspaces/:workspaceId/viewer-token`, auth: 'apiToken', response: ViewerTokenResponse, status: [200], summary: "a token and URL for the workspace's direct agent channel on its node" }),

  // Nodes (nodes/). `sweep` comes before `:nodeId`.
  listNodes: route({ method: 'GET', path: '/api/nodes', auth: 'apiToken', query: ListNodesQuery, response: NodeList, status: [200], summary: 'nodes (not destroyed unless asked for)' }),
  sweepNodes: route({ method: 'POST', path: '/api/nodes/sweep', auth: 'apiToken', response: NodeSweepResult, status: [200], summary: 'run the node sweep now (local mode)' }),
  getNode: route({ method: 'GET', path: '/api/nodes/:nodeId', auth: 'apiToken', response: NodeInfo, status: [200], summary: 'one node' }),
  destroyNode: route({ method: 'DELETE', path: '/api/nodes/:nodeId', auth: 'apiToken', response: NodeInfo, status: [200], summary: 'destroy an unused node now' }),
  daemonManifest: route({ method: 'GET', path: '/api/node-daemon', auth: 'public', response: NodeDaemonManifest, status: [200], summary: 'the node daemon artifact VMs download' }),
  daemonBundle: route({ method: 'GET', path: '/api/node-daemon/bundle/:version', auth: 'public', response: { kind: 'stream', contentType: 'text/javascript' }, status: [200], summary: 'the node daemon bundle' }),
  daemonLockfile: route({ method: 'GET', path: '/api/node-daemon/lockfile/:version', auth: 'public', response: { kind: 'stream', contentType: 'application/json' }, status: [200], summary: "the lockfile of the daemon's runtime packages" }),

  // Agents (agents/).
  listAgents: route({ method: 'GET', path: '/api/agents', auth: 'apiToken', response: AgentList, status: [200], summary: 'each agent type: what it needs, the stored credential, what the nodes announced, whether it is ready' }),

  // Credentials (credentials/).
  listCredentials: route({ method: 'GET', path: '/api/credentials', auth: 'apiToken', response: CredentialList, status: [200], summary: 'stored credentials, masked' }),
  putCloudCredential: route({ method: 'PUT', path: '/api/credentials/cloud/:provider', auth: 'apiToken', params: z.object({ provider: ProviderName }), body: PutCloudCredentialRequest, response: CredentialInfo, status: [200], summary: "save a cloud provider's token (checked with the provider first)" }),
  deleteCloudCredential: route({ method: 'DELETE', path: '/api/credentials/cloud/:provider', auth: 'apiToken', params: z.object({ provider: ProviderName }), response: { kind: 'empty' }, status: [204], summary: "forget a cloud provider's token" }),
  putAgentCredential: route({ method: 'PUT', path: '/api/credentials/agents/:agentType', auth: 'apiToken', params: z.object({ agentType: AgentType }), body: PutAgentCredentialRequest, response: CredentialInfo, status: [200], summary: "save an agent's credential (API key or OAuth token, base URL, model)" }),
  deleteAgentCredential: route({ method: 'DELETE', path: '/api/credentials/agents/:agentType', auth: 'apiToken', params: z.object({ agentType: AgentType }), response: { kind: 'empty' }, status: [204], summary: "forget an agent's credential" }),
  putGitCredential: route({ method: 'PUT', path: '/api/credentials/git/:host', auth: 'apiToken', params: z.object({ host: GitHost }), body: PutGitCredentialRequest, response: CredentialInfo, status: [200], summary: 'save a repository token for a git host' }),
  deleteGitCredential: route({ method: 'DELETE', path: '/api/credentials/git/:host', auth: 'apiToken', params: z.object({ host: GitHost }), response: { kind: 'empty' }, status: [204], summary: "forget a git host's repository token" }),

  // Triggers (triggers/). `sweep` comes before `:triggerId`. The two webhook routes read their
  // body themselves (a signature covers its bytes; TRIGGER_WEBHOOK_MAX_BODY_BYTES) and check the
  // trigger's secret: a bearer token (`webhook`) or GitHub's X-Hub-Signature-256 (`github`).
  listTriggers: route({ method: 'GET', path: `${projectRoute}/triggers`, auth: 'apiToken', response: TriggerList, status: [200], summary: "the project's triggers" }),
  createTrigger: route({ method: 'POST', path: `${projectRoute}/triggers`, auth: 'apiToken', body: CreateTriggerRequest, response: CreatedTrigger, status: [201], summary: 'create a trigger (its secret is in this answer only)' }),
  updateTrigger: route({ method: 'PATCH', path: `${projectRoute}/triggers/:triggerId`, auth: 'apiToken', body: UpdateTriggerRequest, response: Trigger, status: [200], summary: 'turn a trigger on or off' }),
  deleteTrigger: route({ method: 'DELETE', path: `${projectRoute}/triggers/:triggerId`, auth: 'apiToken', response: { kind: 'empty' }, status: [204], summary: 'delete a trigger' }),
  sweepTriggers: route({ method: 'POST', path: '/api/triggers/sweep', auth: 'apiToken', body: TriggerSweepRequest, response: TriggerSweepResult, status: [200], summary: 'fire the schedules due now, or at a given time, and retry GitHub comments (local mode)' }),
  fireWebhookTrigger: route({ method: 'POST', path: '/api/triggers/:triggerId/webhook', auth: 'public', response: TriggerFired, status: [201], summary: "make a task from a webhook trigger (its secret as bearer token)" }),
  fireGitHubTrigger: route({ method: 'POST', path: '/api/triggers/:triggerId/github', auth: 'public', response: TriggerFired, status: [201, 200], summary: "GitHub's issues webhook: a labelled issue makes a task (X-Hub-Signature-256)" }),
  // Personal API tokens (issue 14 item 4; auth/personal-tokens.ts). `current` is GET only: no clash with `:tokenId`.
  listApiTokens: route({ method: 'GET', path: '/api/tokens', auth: 'apiToken', response: ApiTokenList, status: [200], summary: "the caller's personal API tokens (never a secret)" }),
  createApiToken: route({ method: 'POST', path: '/api/tokens', auth: 'apiToken', body: CreateApiTokenRequest, response: CreatedApiToken, status: [201], summary: 'make a personal API token (its secret is in this answer only)' }),
  getCurrentApiToken: route({ method: 'GET', path: '/api/tokens/current', auth: 'apiToken', response: ApiTokenInfo, status: [200], summary: 'the personal API token this request carries (404 for the shared token or a cookie)' }),
  revokeApiToken: route({ method: 'DELETE', path: '/api/tokens/:tokenId', auth: 'apiToken', response: { kind: 'empty' }, status: [204], summary: 'revoke one of the caller\'s personal API tokens' }),
  // Notifications (notifications/): outgoing webhooks per project and Web Push subscriptions.
  ...notificationsApi,
  // Audit log (audit/): who did what, when — per project, and what belongs to no project.
  ...auditApi,
  // Project members and roles (members/, issue 14 item 2); who may call what: routes/access.ts.
  ...membersApi,
} as const;

export type PublicApi = typeof publicApi;
