/**
 * The one typed client of the control plane's public HTTP API (README, "The public HTTP API"),
 * used by the web app, the CLI and the capability tests. Each method calls its route of the
 * contracts' route table `publicApi` through kit `callRoute`: the path, query and body come from
 * the table, every answer is parsed with the route's schema, and every failure is an
 * {@link ApiError} (the kit's FlotillaError) carrying the API's `{error: {code, message}}` and
 * status — or `unreachable` (status 0) when no answer came. Browser-safe: only `fetch`.
 *
 * In the browser the base URL is `''` (same origin), so the session cookie of
 * {@link FlotillaClient.signIn} goes along; elsewhere the API token, when there is one, is sent as
 * a bearer token. Every method is a bound function, so it can be handed on as a callback
 * (`queryFn: api.listProjects`).
 */
import {
  buildPath,
  NEWEST_MESSAGES,
  publicApi,
  type ChatMessage,
  type CreateApiTokenRequest,
  type CreateManualWorkspaceRequest,
  type CreateProjectRequest,
  type CreateTaskRequest,
  type CreateTriggerRequest,
  type CreateWebhookRequest,
  type InviteMemberRequest,
  type PushSubscriptionRequest,
  type PutAgentCredentialRequest,
  type RouteInput,
  type RouteOutput,
  type RouteSpec,
  type TaskStatus,
  type UpdateMemberRequest,
  type UpdateProjectRequest,
  type UpdateTaskRequest,
} from '@flotilla/contracts';
import { callRoute } from '@flotilla/kit';

/** Limit of one request, in ms, unless the caller gives another. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * Wait before sending a GET again whose connection broke before any answer (a kept-alive socket
 * the server had just closed: ECONNRESET), in ms. Only GETs, and only once: they change nothing.
 */
export const GET_RETRY_DELAY_MS = 200;
/** Largest page of `listMessages` the API gives (`ListMessagesQuery`). */
const MAX_MESSAGES_PAGE = 1000;

export class FlotillaClient {
  /**
   * @param baseUrl - the control plane, e.g. `http://127.0.0.1:8787`; `''` for the page's own origin
   * @param requestTimeoutMs - limit of one request (ms)
   * @param apiToken - FLOTILLA_API_TOKEN of a control plane that requires one (sent as a bearer
   *   token on every request and WebSocket), or null (none, or the browser's session cookie)
   */
  constructor(
    readonly baseUrl: string,
    private readonly requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    private readonly apiToken: string | null = null,
  ) {}

  /** Headers every request carries (the API token, when there is one). */
  readonly authHeaders = (): Record<string, string> => {
    return this.apiToken ? { authorization: `Bearer ${this.apiToken}` } : {};
  };

  /**
   * Call `route` with `input`.
   * @throws ApiError — the API's refusal (its status, code and message); `unreachable` (status 0)
   *   when no answer came, after one more try for a GET; `bad_response` for an answer the route's
   *   schema does not accept
   */
  private readonly call = <R extends RouteSpec>(route: R, input: RouteInput<R>): Promise<RouteOutput<R>> => {
    return callRoute(route, input, { baseUrl: this.baseUrl, headers: this.authHeaders(), timeoutMs: this.requestTimeoutMs, getRetryDelayMs: GET_RETRY_DELAY_MS });
  };

  readonly health = () => {
    return this.call(publicApi.health, {});
  };

  /** Whether the API requires its token and whether this caller is signed in (never 401). */
  readonly getSession = () => {
    return this.call(publicApi.getApiSession, {});
  };

  /** Exchange the API token for the session cookie (204); 401 for a wrong token. */
  readonly signIn = (token: string) => {
    return this.call(publicApi.signIn, { body: { token } });
  };

  /** Clear the session cookie (204). */
  readonly signOut = () => {
    return this.call(publicApi.signOut, {});
  };

  // Sign-in with GitHub / OpenID Connect, and users (issue 14 item 1).

  /** The sign-in methods the control plane offers, and whether the API token form applies. */
  readonly authProviders = () => {
    return this.call(publicApi.authProviders, {});
  };

  /** The signed-in user (also while waiting for approval); ApiError 401 without a sign-in session. */
  readonly getMe = () => {
    return this.call(publicApi.getMe, {});
  };

  /** End this browser's sign-in session (revoked server-side) and clear its cookie (204). */
  readonly signOutUser = () => {
    return this.call(publicApi.signOutUser, {});
  };

  /** End every sign-in session of the signed-in user (204). */
  readonly signOutEverywhere = () => {
    return this.call(publicApi.signOutEverywhere, {});
  };

  /** Every user, pending ones first (admins only: ApiError 403 otherwise). */
  readonly listUsers = () => {
    return this.call(publicApi.listUsers, {});
  };

  /** Let a pending user in (admins only). */
  readonly approveUser = (userId: string) => {
    return this.call(publicApi.approveUser, { params: { userId } });
  };

  readonly listProjects = () => {
    return this.call(publicApi.listProjects, {}).then((r) => r.projects);
  };

  readonly getProject = (projectId: string) => {
    return this.call(publicApi.getProject, { params: { projectId } });
  };

  readonly createProject = (input: CreateProjectRequest) => {
    return this.call(publicApi.createProject, { body: input });
  };

  /** Change a project's settings: `PATCH /api/projects/:projectId`. */
  readonly updateProject = (projectId: string, changes: UpdateProjectRequest) => {
    return this.call(publicApi.updateProject, { params: { projectId }, body: changes });
  };

  readonly listTasks = (projectId: string, status?: TaskStatus) => {
    return this.call(publicApi.listTasks, { params: { projectId }, query: { status } }).then((r) => r.tasks);
  };

  /** One task with its output and status events. */
  readonly getTask = (taskId: string) => {
    return this.call(publicApi.getTask, { params: { taskId } });
  };

  // Issue 15: the path a task took, and a project's hot agents.
  /** The execution steps of a task's runs with start, end and duration (ms): `GET /api/tasks/:taskId/steps`. */
  readonly getTaskSteps = (taskId: string) => {
    return this.call(publicApi.getTaskSteps, { params: { taskId } }).then((r) => r.steps);
  };

  /** A project's hot agents, newest first: `GET /api/projects/:projectId/hot-agents`. */
  readonly listHotAgents = (projectId: string) => {
    return this.call(publicApi.listHotAgents, { params: { projectId } }).then((r) => r.hotAgents);
  };

  readonly createTask = (projectId: string, input: CreateTaskRequest) => {
    return this.call(publicApi.createTask, { params: { projectId }, body: input });
  };

  /** Edit a `draft` or `ready` task (409 otherwise). */
  readonly updateTask = (projectId: string, taskId: string, changes: UpdateTaskRequest) => {
    return this.call(publicApi.updateTask, { params: { projectId, taskId }, body: changes });
  };

  /** Run a draft or ready task now; answers the queued task. */
  readonly runTask = (projectId: string, taskId: string) => {
    return this.call(publicApi.runTask, { params: { projectId, taskId } });
  };

  /** Move a draft task to `ready` (the board's "Ready" column). */
  readonly markTaskReady = (projectId: string, taskId: string) => {
    return this.call(publicApi.markTaskReady, { params: { projectId, taskId } });
  };

  /** Cancel a task (any non-terminal status); answers the `cancelled` task. */
  readonly cancelTask = (projectId: string, taskId: string) => {
    return this.call(publicApi.cancelTask, { params: { projectId, taskId } });
  };

  /** Retry a failed or cancelled task: a new run in a fresh workspace; answers the queued task. */
  readonly retryTask = (projectId: string, taskId: string) => {
    return this.call(publicApi.retryTask, { params: { projectId, taskId } });
  };

  /**
   * The patch of a completed task's change (issue 16 item 1, review).
   * @throws ApiError 404 when the task has no diff (not completed, no change, or an older node daemon)
   */
  readonly getTaskDiff = (projectId: string, taskId: string) => {
    return this.call(publicApi.getTaskDiff, { params: { projectId, taskId } });
  };

  // Open pull request (issue 16 item 1).
  /**
   * Open the pull request of a completed task's pushed branch on GitHub (the control plane does,
   * with the repository token saved for github.com); answers the task with `output.prUrl` set.
   * @throws ApiError 409 when the task has not completed, has no branch, or has a pull request
   *   (its URL named); 400 when the repository is not on github.com or no github.com token is
   *   saved; 502 with GitHub's message when GitHub refuses
   */
  readonly openPullRequest = (projectId: string, taskId: string) => {
    return this.call(publicApi.openPullRequest, { params: { projectId, taskId } });
  };

  /**
   * Send a follow-up prompt to a chat session's running agent; to the session of a task that
   * ended (its workspace gone) it resumes the task (`delivery: 'resumed'`); 409 when the agent no
   * longer runs and the task cannot be resumed.
   */
  readonly sendFollowUpPrompt = (projectId: string, sessionId: string, text: string) => {
    return this.call(publicApi.sendPrompt, { params: { projectId, sessionId }, body: { text } });
  };

  readonly listSessions = (projectId: string) => {
    return this.call(publicApi.listSessions, { params: { projectId } }).then((r) => r.sessions);
  };

  /** Messages of a session after sequence number `after`, at most `limit` (≤ 1000). */
  readonly listMessages = (projectId: string, sessionId: string, after = 0, limit = 200) => {
    return this.call(publicApi.listMessages, { params: { projectId, sessionId }, query: { after, limit } });
  };

  /**
   * The newest `limit` (≤ 1000) messages of a session with sequence number below `before`, oldest
   * first; without `before`, the newest page. `hasOlder` says whether more precede it.
   */
  readonly listMessagesBefore = (projectId: string, sessionId: string, before: number = NEWEST_MESSAGES, limit = 200) => {
    return this.call(publicApi.listMessages, { params: { projectId, sessionId }, query: { before, limit } });
  };

  /** Every message of a session, following pages. */
  readonly allMessages = async (projectId: string, sessionId: string): Promise<ChatMessage[]> => {
    const all: ChatMessage[] = [];
    let after = 0;
    for (;;) {
      const page = await this.listMessages(projectId, sessionId, after, MAX_MESSAGES_PAGE);
      all.push(...page.messages);
      if (!page.hasMore) return all;
      after = page.nextAfter;
    }
  };

  /** A viewer token and URL for a workspace's direct agent channel on its node. */
  readonly viewerToken = (projectId: string, workspaceId: string) => {
    return this.call(publicApi.viewerToken, { params: { projectId, workspaceId } });
  };

  /** Create a workspace by hand (no task): `POST /api/projects/:projectId/workspaces` (202). */
  readonly createWorkspace = (projectId: string, input: CreateManualWorkspaceRequest = {}) => {
    return this.call(publicApi.createWorkspace, { params: { projectId }, body: input });
  };

  /** A workspace created by hand, with its status and setup step. */
  readonly getWorkspace = (projectId: string, workspaceId: string) => {
    return this.call(publicApi.getWorkspace, { params: { projectId, workspaceId } });
  };

  /** The project's workspaces that are not destroyed: of its tasks (running or kept) and made by hand, newest first. */
  readonly listWorkspaces = (projectId: string) => {
    return this.call(publicApi.listWorkspaces, { params: { projectId } }).then((r) => r.workspaces);
  };

  /**
   * Delete a workspace made by hand (200 destroyed, 202 stopping), or a task's kept workspace
   * (200; 409 while its task still runs in it); answers the workspace.
   */
  readonly deleteWorkspace = (projectId: string, workspaceId: string) => {
    return this.call(publicApi.deleteWorkspace, { params: { projectId, workspaceId } });
  };

  /** Stored credentials, masked. */
  readonly listCredentials = () => {
    return this.call(publicApi.listCredentials, {}).then((r) => r.credentials);
  };

  /**
   * Save an agent's credential, encrypted: `credential` is `{apiKey | oauthToken, baseUrl?,
   * model?}`, or an API key alone as a string. 400 for an OAuth token for an agent other than
   * Claude Code, or a model for one that takes none.
   */
  readonly putAgentCredential = (agentType: string, credential: string | PutAgentCredentialRequest) => {
    const body = typeof credential === 'string' ? { apiKey: credential } : credential;
    return this.call(publicApi.putAgentCredential, { params: { agentType }, body });
  };

  readonly deleteAgentCredential = (agentType: string) => {
    return this.call(publicApi.deleteAgentCredential, { params: { agentType } });
  };

  /** Save a cloud provider's token; the provider checks it first (400 when refused). */
  readonly putCloudCredential = (provider: string, token: string) => {
    return this.call(publicApi.putCloudCredential, { params: { provider }, body: { token } });
  };

  readonly deleteCloudCredential = (provider: string) => {
    return this.call(publicApi.deleteCloudCredential, { params: { provider } });
  };

  readonly putGitCredential = (host: string, token: string) => {
    return this.call(publicApi.putGitCredential, { params: { host }, body: { token } });
  };

  readonly deleteGitCredential = (host: string) => {
    return this.call(publicApi.deleteGitCredential, { params: { host } });
  };

  /** Every agent type: what it needs, the stored credential (masked), what the nodes announced, whether it is ready: `GET /api/agents`. */
  readonly listAgents = () => {
    return this.call(publicApi.listAgents, {}).then((r) => r.agents);
  };

  /** Nodes that are not destroyed, newest first: `GET /api/nodes`. */
  readonly listNodes = () => {
    return this.call(publicApi.listNodes, {}).then((r) => r.nodes);
  };

  /** Destroy an unused node now: `DELETE /api/nodes/:nodeId` (409 while it runs a workspace). */
  readonly destroyNode = (nodeId: string) => {
    return this.call(publicApi.destroyNode, { params: { nodeId } });
  };

  // ---- Costs and budgets (issue 16 item 2) ----

  /** A project's tokens, node time and cost estimate per UTC day (the last `days`, default 7) and its budget: `GET /api/projects/:projectId/usage`. */
  readonly getProjectUsage = (projectId: string, days?: number) => {
    return this.call(publicApi.getProjectUsage, { params: { projectId }, query: { days } });
  };

  /** A chat session's tokens, node time and cost estimate (the runs in it): `GET /api/projects/:projectId/sessions/:sessionId/usage`. */
  readonly getSessionUsage = (projectId: string, sessionId: string) => {
    return this.call(publicApi.getSessionUsage, { params: { projectId, sessionId } });
  };

  // Triggers (issue 16 item 4). The routes that fire a trigger are for outside callers (a
  // webhook sender, GitHub), which sign or authorize them with the trigger's secret.

  /** A project's triggers: `GET /api/projects/:projectId/triggers`. */
  readonly listTriggers = (projectId: string) => {
    return this.call(publicApi.listTriggers, { params: { projectId } }).then((r) => r.triggers);
  };

  /** Create a trigger (201 `{trigger, secret}`: the secret is shown this once). */
  readonly createTrigger = (projectId: string, input: CreateTriggerRequest) => {
    return this.call(publicApi.createTrigger, { params: { projectId }, body: input });
  };

  /** Turn a trigger on or off. */
  readonly setTriggerEnabled = (projectId: string, triggerId: string, enabled: boolean) => {
    return this.call(publicApi.updateTrigger, { params: { projectId, triggerId }, body: { enabled } });
  };

  readonly deleteTrigger = (projectId: string, triggerId: string) => {
    return this.call(publicApi.deleteTrigger, { params: { projectId, triggerId } });
  };

  /** Fire the schedule slots due at `now` (ISO time; default the control plane's clock) and retry owed GitHub comments (local mode). */
  readonly sweepTriggers = (now?: string) => {
    return this.call(publicApi.sweepTriggers, { body: now ? { now } : {} });
  };

  // Notifications (issue 16, item 3): outgoing webhooks per project and Web Push subscriptions.

  /** A project's outgoing webhooks, without secrets. */
  readonly listWebhooks = (projectId: string) => {
    return this.call(publicApi.listWebhooks, { params: { projectId } }).then((r) => r.webhooks);
  };

  /** Add an outgoing webhook; the answer carries its signing secret, shown only this once. */
  readonly createWebhook = (projectId: string, webhook: CreateWebhookRequest) => {
    return this.call(publicApi.createWebhook, { params: { projectId }, body: webhook });
  };

  readonly deleteWebhook = (projectId: string, webhookId: string) => {
    return this.call(publicApi.deleteWebhook, { params: { projectId, webhookId } });
  };

  /** A webhook's delivery log, newest first. */
  readonly listWebhookDeliveries = (projectId: string, webhookId: string) => {
    return this.call(publicApi.listWebhookDeliveries, { params: { projectId, webhookId } }).then((r) => r.deliveries);
  };

  /** The key browsers subscribe to Web Push with (base64url). */
  readonly getVapidPublicKey = () => {
    return this.call(publicApi.getVapidPublicKey, {}).then((r) => r.publicKey);
  };

  /** Save a browser's push subscription (`PushSubscription.toJSON()`). */
  readonly putPushSubscription = (subscription: PushSubscriptionRequest) => {
    return this.call(publicApi.putPushSubscription, { body: subscription });
  };

  readonly deletePushSubscription = (endpoint: string) => {
    return this.call(publicApi.deletePushSubscription, { body: { endpoint } });
  };

  // Personal API tokens (issue 14 item 4).
  /** The caller's personal API tokens, newest first (never a secret). */
  readonly listApiTokens = () => {
    return this.call(publicApi.listApiTokens, {}).then((r) => r.tokens);
  };

  /** Make a personal API token; its secret (`token`) is in this answer only. */
  readonly createApiToken = (input: CreateApiTokenRequest) => {
    return this.call(publicApi.createApiToken, { body: input });
  };

  /** The personal API token this client sends (404 for the shared token or a cookie). */
  readonly getCurrentApiToken = () => {
    return this.call(publicApi.getCurrentApiToken, {});
  };

  readonly revokeApiToken = (tokenId: string) => {
    return this.call(publicApi.revokeApiToken, { params: { tokenId } });
  };

  // Audit log (contracts audit.ts): newest first, `before` an event id or a time (ms).
  /** A page of project `projectId`'s audit log (limit default 50, at most 200). */
  readonly listProjectAudit = (projectId: string, page: { limit?: number; before?: string } = {}) => {
    return this.call(publicApi.listProjectAudit, { params: { projectId }, query: page });
  };

  /** A page of the audit log of what belongs to no project (nodes, user-level credentials, sign-ins). */
  readonly listAudit = (page: { limit?: number; before?: string } = {}) => {
    return this.call(publicApi.listAudit, { query: page });
  };

  // Project members and roles (contracts members.ts).
  /** A project's members (owner first) and open invites. */
  readonly listMembers = (projectId: string) => {
    return this.call(publicApi.listMembers, { params: { projectId } });
  };

  /** Add a member by GitHub login or email; someone who has not signed in yet gets an invite. */
  readonly inviteMember = (projectId: string, body: InviteMemberRequest) => {
    return this.call(publicApi.inviteMember, { params: { projectId }, body });
  };

  /** Change member `userId`'s role (admin, member or viewer). */
  readonly updateMember = (projectId: string, userId: string, body: UpdateMemberRequest) => {
    return this.call(publicApi.updateMember, { params: { projectId, userId }, body });
  };

  /** Remove member `userId` from the project (their access ends at once). */
  readonly removeMember = (projectId: string, userId: string) => {
    return this.call(publicApi.removeMember, { params: { projectId, userId } });
  };

  /** Withdraw an open invite. */
  readonly cancelInvite = (projectId: string, inviteId: string) => {
    return this.call(publicApi.cancelInvite, { params: { projectId, inviteId } });
  };

  /** Make member `userId` the project's owner (the owner only; the old owner becomes an admin). */
  readonly transferOwnership = (projectId: string, userId: string) => {
    return this.call(publicApi.transferOwnership, { params: { projectId }, body: { userId } });
  };

  /** WebSocket URL of a project's live events, resuming a session after `after` (absolute base URLs only). */
  readonly sessionsSocketUrl = (projectId: string, sessionId: string, after: number): string => {
    const path = buildPath(publicApi.projectEvents.path, { projectId });
    return `${this.baseUrl.replace(/^http/, 'ws')}${path}?sessionId=${encodeURIComponent(sessionId)}&after=${after}`;
  };
}
