/**
 * A typed client of the control plane's public API, validating every answer with the
 * contracts' schemas. Used by the CLI and by capability tests (which drive Flotilla only
 * through this public API).
 */
import {
  ChatSession,
  CreateManualWorkspaceResponse,
  ManualWorkspace,
  ErrorBody,
  NodeInfo,
  NodeList,
  FollowUpPromptResponse,
  ListMessagesResponse,
  Project,
  Task,
  TaskWithEvents,
  ViewerTokenResponse,
  type ChatMessage,
  type CreateManualWorkspaceRequest,
  type CreateProjectRequest,
  type UpdateProjectRequest,
  type CreateTaskRequest,
  type TaskStatus,
} from '@flotilla/contracts';
import { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const SessionWithTask = ChatSession.extend({ task: z.object({ title: z.string(), status: z.string() }).nullable() });

export class FlotillaClient {
  /**
   * @param baseUrl - the control plane, e.g. `http://127.0.0.1:8787`
   * @param requestTimeoutMs - limit of one request (ms)
   * @param apiToken - FLOTILLA_API_TOKEN of a control plane that requires one (sent as a bearer
   *   token on every request and WebSocket), or null
   */
  constructor(
    readonly baseUrl: string,
    private readonly requestTimeoutMs = 30_000,
    private readonly apiToken: string | null = null,
  ) {}

  /** Headers every request carries (the API token, when there is one). */
  authHeaders(): Record<string, string> {
    return this.apiToken ? { authorization: `Bearer ${this.apiToken}` } : {};
  }

  private async request<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown): Promise<z.infer<S>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...this.authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = ErrorBody.safeParse(json);
      const code = parsed.success ? parsed.data.error.code : 'unknown';
      const message = parsed.success ? parsed.data.error.message : `HTTP ${response.status}`;
      throw new ApiError(response.status, code, `${method} ${path} failed: ${message}`);
    }
    return schema.parse(json);
  }

  health() {
    return this.request(z.object({ status: z.literal('ok') }), 'GET', '/health');
  }

  createProject(input: CreateProjectRequest) {
    return this.request(Project, 'POST', '/api/projects', input);
  }

  /** Change a project's settings: `PATCH /api/projects/:projectId`. */
  updateProject(projectId: string, changes: UpdateProjectRequest) {
    return this.request(Project, 'PATCH', `/api/projects/${projectId}`, changes);
  }

  listProjects() {
    return this.request(z.object({ projects: z.array(Project) }), 'GET', '/api/projects').then((r) => r.projects);
  }

  createTask(projectId: string, input: CreateTaskRequest) {
    return this.request(Task, 'POST', `/api/projects/${projectId}/tasks`, input);
  }

  getTask(taskId: string) {
    return this.request(TaskWithEvents, 'GET', `/api/tasks/${taskId}`);
  }

  listTasks(projectId: string, status?: TaskStatus) {
    const query = status ? `?status=${status}` : '';
    return this.request(z.object({ tasks: z.array(Task) }), 'GET', `/api/projects/${projectId}/tasks${query}`).then((r) => r.tasks);
  }

  /** Cancel a task (any non-terminal status); answers the `cancelled` task. */
  cancelTask(projectId: string, taskId: string) {
    return this.request(Task, 'POST', `/api/projects/${projectId}/tasks/${taskId}/cancel`);
  }

  /** Retry a failed or cancelled task: a new run in a fresh workspace; answers the queued task. */
  retryTask(projectId: string, taskId: string) {
    return this.request(Task, 'POST', `/api/projects/${projectId}/tasks/${taskId}/retry`);
  }

  /** Run a draft or ready task now; answers the queued task. */
  runTask(projectId: string, taskId: string) {
    return this.request(Task, 'POST', `/api/projects/${projectId}/tasks/${taskId}/run`);
  }

  /** Send a follow-up prompt to a chat session's running agent (409 when it no longer runs). */
  sendFollowUpPrompt(projectId: string, sessionId: string, text: string) {
    return this.request(FollowUpPromptResponse, 'POST', `/api/projects/${projectId}/sessions/${sessionId}/prompt`, { text });
  }

  listSessions(projectId: string) {
    return this.request(z.object({ sessions: z.array(SessionWithTask) }), 'GET', `/api/projects/${projectId}/sessions`).then((r) => r.sessions);
  }

  listMessages(projectId: string, sessionId: string, after = 0, limit = 200) {
    return this.request(ListMessagesResponse, 'GET', `/api/projects/${projectId}/sessions/${sessionId}/messages?after=${after}&limit=${limit}`);
  }

  /** Every message of a session, following pages. */
  async allMessages(projectId: string, sessionId: string): Promise<ChatMessage[]> {
    const all: ChatMessage[] = [];
    let after = 0;
    for (;;) {
      const page = await this.listMessages(projectId, sessionId, after, 1000);
      all.push(...page.messages);
      if (!page.hasMore) return all;
      after = page.nextAfter;
    }
  }

  /** A viewer token and URL for a workspace's direct agent channel on its node. */
  viewerToken(projectId: string, workspaceId: string) {
    return this.request(ViewerTokenResponse, 'POST', `/api/projects/${projectId}/workspaces/${workspaceId}/viewer-token`);
  }

  /** Create a workspace by hand (no task): `POST /api/projects/:projectId/workspaces` (202). */
  createWorkspace(projectId: string, input: CreateManualWorkspaceRequest = {}) {
    return this.request(CreateManualWorkspaceResponse, 'POST', `/api/projects/${projectId}/workspaces`, input);
  }

  /** A workspace created by hand, with its status and setup step. */
  getWorkspace(projectId: string, workspaceId: string) {
    return this.request(ManualWorkspace, 'GET', `/api/projects/${projectId}/workspaces/${workspaceId}`);
  }

  /** WebSocket URL of a project's live events, resuming a session after `after`. */
  /** Nodes that are not destroyed, newest first: `GET /api/nodes`. */
  listNodes() {
    return this.request(NodeList, 'GET', '/api/nodes').then((r) => r.nodes);
  }

  /** Destroy an unused node now: `DELETE /api/nodes/:nodeId` (409 while it runs a workspace). */
  destroyNode(nodeId: string) {
    return this.request(NodeInfo, 'DELETE', `/api/nodes/${encodeURIComponent(nodeId)}`);
  }

  sessionsSocketUrl(projectId: string, sessionId: string, after: number): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/api/projects/${projectId}/sessions/ws?sessionId=${sessionId}&after=${after}`;
  }
}
