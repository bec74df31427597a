/**
 * The one typed client of the control plane's public HTTP API (README, "The public HTTP API"),
 * used by the web app, the CLI and the capability tests. Every answer is validated with the
 * contracts' Zod schemas before a caller sees it; every refusal becomes an {@link ApiError}
 * carrying the API's `{error: {code, message}}`. Browser-safe: only `fetch`.
 *
 * In the browser the base URL is `''` (same origin), so the session cookie of
 * {@link FlotillaClient.signIn} goes along; elsewhere the API token, when there is one, is sent as
 * a bearer token. Every method is a bound function, so it can be handed on as a callback
 * (`queryFn: api.listProjects`).
 */
import {
  ApiSessionInfo,
  CreateManualWorkspaceResponse,
  CredentialInfo,
  ErrorBody,
  FollowUpPromptResponse,
  ListMessagesResponse,
  ListSessionsResponse,
  ManualWorkspace,
  NodeInfo,
  NodeList,
  Project,
  Task,
  TaskWithEvents,
  ViewerTokenResponse,
  type ChatMessage,
  type CreateApiSessionRequest,
  type CreateManualWorkspaceRequest,
  type CreateProjectRequest,
  type CreateTaskRequest,
  type TaskStatus,
  type UpdateProjectRequest,
  type UpdateTaskRequest,
} from '@flotilla/contracts';
import { z } from 'zod';
import { ApiError } from './api-error.js';

const enc = encodeURIComponent;
/** Wait before sending a GET again whose connection broke (ms). */
const GET_RETRY_DELAY_MS = 200;

/** A fetch that failed at the connection (not a timeout or an abort). */
const isConnectionFailure = (error: unknown) => error instanceof TypeError;
const NoBody = z.null();

export class FlotillaClient {
  /**
   * @param baseUrl - the control plane, e.g. `http://127.0.0.1:8787`; `''` for the page's own origin
   * @param requestTimeoutMs - limit of one request (ms)
   * @param apiToken - FLOTILLA_API_TOKEN of a control plane that requires one (sent as a bearer
   *   token on every request and WebSocket), or null (none, or the browser's session cookie)
   */
  constructor(
    readonly baseUrl: string,
    private readonly requestTimeoutMs = 30_000,
    private readonly apiToken: string | null = null,
  ) {}

  /** Headers every request carries (the API token, when there is one). */
  readonly authHeaders = (): Record<string, string> => {
    return this.apiToken ? { authorization: `Bearer ${this.apiToken}` } : {};
  };

  /**
   * `method path` with an optional JSON body; the answer parsed with `schema`.
   * @throws ApiError: the API's refusal (its status, code and message), `internal` for an answer
   *   that is not the API's error shape, `bad_response` for an answer `schema` does not accept
   */
  private readonly request = async <S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown): Promise<z.infer<S>> => {
    const send = () =>
      fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { ...this.authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    // A GET whose connection broke before any answer (a kept-alive socket the server had just
    // closed: ECONNRESET) is sent once more after GET_RETRY_DELAY_MS; it changes nothing.
    const response = await send().catch(async (error: unknown) => {
      if (method !== 'GET' || !isConnectionFailure(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, GET_RETRY_DELAY_MS));
      return send();
    });
    const text = await response.text();
    const json: unknown = text ? safeJson(text) : null;
    if (!response.ok) {
      const refusal = ErrorBody.safeParse(json);
      if (refusal.success) throw new ApiError(response.status, refusal.data.error.code, refusal.data.error.message);
      throw new ApiError(response.status, 'internal', `${method} ${path} answered ${response.status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ApiError(response.status, 'bad_response', `unexpected answer from ${method} ${path}: ${parsed.error.message}`);
    return parsed.data;
  };

  readonly health = () => {
    return this.request(z.object({ status: z.literal('ok') }), 'GET', '/health');
  };

  /** Whether the API requires its token and whether this caller is signed in (never 401). */
  readonly getSession = () => {
    return this.request(ApiSessionInfo, 'GET', '/api/session');
  };

  /** Exchange the API token for the session cookie (204); 401 for a wrong token. */
  readonly signIn = (token: string) => {
    return this.request(NoBody, 'POST', '/api/session', { token } satisfies CreateApiSessionRequest);
  };

  /** Clear the session cookie (204). */
  readonly signOut = () => {
    return this.request(NoBody, 'DELETE', '/api/session');
  };

  readonly listProjects = () => {
    return this.request(z.object({ projects: z.array(Project) }), 'GET', '/api/projects').then((r) => r.projects);
  };

  readonly getProject = (projectId: string) => {
    return this.request(Project, 'GET', `/api/projects/${enc(projectId)}`);
  };

  readonly createProject = (input: CreateProjectRequest) => {
    return this.request(Project, 'POST', '/api/projects', input);
  };

  /** Change a project's settings: `PATCH /api/projects/:projectId`. */
  readonly updateProject = (projectId: string, changes: UpdateProjectRequest) => {
    return this.request(Project, 'PATCH', `/api/projects/${enc(projectId)}`, changes);
  };

  readonly listTasks = (projectId: string, status?: TaskStatus) => {
    const query = status ? `?status=${status}` : '';
    return this.request(z.object({ tasks: z.array(Task) }), 'GET', `/api/projects/${enc(projectId)}/tasks${query}`).then((r) => r.tasks);
  };

  /** One task with its output and status events. */
  readonly getTask = (taskId: string) => {
    return this.request(TaskWithEvents, 'GET', `/api/tasks/${enc(taskId)}`);
  };

  readonly createTask = (projectId: string, input: CreateTaskRequest) => {
    return this.request(Task, 'POST', `/api/projects/${enc(projectId)}/tasks`, input);
  };

  /** Edit a `draft` or `ready` task (409 otherwise). */
  readonly updateTask = (projectId: string, taskId: string, changes: UpdateTaskRequest) => {
    return this.request(Task, 'PATCH', `/api/projects/${enc(projectId)}/tasks/${enc(taskId)}`, changes);
  };

  /** Run a draft or ready task now; answers the queued task. */
  readonly runTask = (projectId: string, taskId: string) => {
    return this.request(Task, 'POST', `/api/projects/${enc(projectId)}/tasks/${enc(taskId)}/run`);
  };

  /** Move a draft task to `ready` (the board's "Ready" column). */
  readonly markTaskReady = (projectId: string, taskId: string) => {
    return this.request(Task, 'POST', `/api/projects/${enc(projectId)}/tasks/${enc(taskId)}/ready`);
  };

  /** Cancel a task (any non-terminal status); answers the `cancelled` task. */
  readonly cancelTask = (projectId: string, taskId: string) => {
    return this.request(Task, 'POST', `/api/projects/${enc(projectId)}/tasks/${enc(taskId)}/cancel`);
  };

  /** Retry a failed or cancelled task: a new run in a fresh workspace; answers the queued task. */
  readonly retryTask = (projectId: string, taskId: string) => {
    return this.request(Task, 'POST', `/api/projects/${enc(projectId)}/tasks/${enc(taskId)}/retry`);
  };

  /** Send a follow-up prompt to a chat session's running agent (409 when it no longer runs). */
  readonly sendFollowUpPrompt = (projectId: string, sessionId: string, text: string) => {
    return this.request(FollowUpPromptResponse, 'POST', `/api/projects/${enc(projectId)}/sessions/${enc(sessionId)}/prompt`, { text });
  };

  readonly listSessions = (projectId: string) => {
    return this.request(ListSessionsResponse, 'GET', `/api/projects/${enc(projectId)}/sessions`).then((r) => r.sessions);
  };

  /** Messages of a session after sequence number `after`, at most `limit` (≤ 1000). */
  readonly listMessages = (projectId: string, sessionId: string, after = 0, limit = 200) => {
    return this.request(ListMessagesResponse, 'GET', `/api/projects/${enc(projectId)}/sessions/${enc(sessionId)}/messages?after=${after}&limit=${limit}`);
  };

  /** Every message of a session, following pages. */
  readonly allMessages = async (projectId: string, sessionId: string): Promise<ChatMessage[]> => {
    const all: ChatMessage[] = [];
    let after = 0;
    for (;;) {
      const page = await this.listMessages(projectId, sessionId, after, 1000);
      all.push(...page.messages);
      if (!page.hasMore) return all;
      after = page.nextAfter;
    }
  };

  /** A viewer token and URL for a workspace's direct agent channel on its node. */
  readonly viewerToken = (projectId: string, workspaceId: string) => {
    return this.request(ViewerTokenResponse, 'POST', `/api/projects/${enc(projectId)}/workspaces/${enc(workspaceId)}/viewer-token`);
  };

  /** Create a workspace by hand (no task): `POST /api/projects/:projectId/workspaces` (202). */
  readonly createWorkspace = (projectId: string, input: CreateManualWorkspaceRequest = {}) => {
    return this.request(CreateManualWorkspaceResponse, 'POST', `/api/projects/${enc(projectId)}/workspaces`, input);
  };

  /** A workspace created by hand, with its status and setup step. */
  readonly getWorkspace = (projectId: string, workspaceId: string) => {
    return this.request(ManualWorkspace, 'GET', `/api/projects/${enc(projectId)}/workspaces/${enc(workspaceId)}`);
  };

  /** Delete a workspace created by hand (200 destroyed, 202 stopping). */
  readonly deleteWorkspace = (projectId: string, workspaceId: string) => {
    return this.request(z.unknown(), 'DELETE', `/api/projects/${enc(projectId)}/workspaces/${enc(workspaceId)}`);
  };

  /** Stored credentials, masked. */
  readonly listCredentials = () => {
    return this.request(z.object({ credentials: z.array(CredentialInfo) }), 'GET', '/api/credentials').then((r) => r.credentials);
  };

  readonly putAgentCredential = (agentType: string, apiKey: string) => {
    return this.request(CredentialInfo, 'PUT', `/api/credentials/agents/${enc(agentType)}`, { apiKey });
  };

  readonly deleteAgentCredential = (agentType: string) => {
    return this.request(NoBody, 'DELETE', `/api/credentials/agents/${enc(agentType)}`);
  };

  /** Save a cloud provider's token; the provider checks it first (400 when refused). */
  readonly putCloudCredential = (provider: string, token: string) => {
    return this.request(CredentialInfo, 'PUT', `/api/credentials/cloud/${enc(provider)}`, { token });
  };

  readonly deleteCloudCredential = (provider: string) => {
    return this.request(NoBody, 'DELETE', `/api/credentials/cloud/${enc(provider)}`);
  };

  readonly putGitCredential = (host: string, token: string) => {
    return this.request(CredentialInfo, 'PUT', `/api/credentials/git/${enc(host)}`, { token });
  };

  readonly deleteGitCredential = (host: string) => {
    return this.request(NoBody, 'DELETE', `/api/credentials/git/${enc(host)}`);
  };

  /** Nodes that are not destroyed, newest first: `GET /api/nodes`. */
  readonly listNodes = () => {
    return this.request(NodeList, 'GET', '/api/nodes').then((r) => r.nodes);
  };

  /** Destroy an unused node now: `DELETE /api/nodes/:nodeId` (409 while it runs a workspace). */
  readonly destroyNode = (nodeId: string) => {
    return this.request(NodeInfo, 'DELETE', `/api/nodes/${enc(nodeId)}`);
  };

  /** WebSocket URL of a project's live events, resuming a session after `after` (absolute base URLs only). */
  readonly sessionsSocketUrl = (projectId: string, sessionId: string, after: number): string => {
    return `${this.baseUrl.replace(/^http/, 'ws')}/api/projects/${enc(projectId)}/sessions/ws?sessionId=${enc(sessionId)}&after=${after}`;
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
