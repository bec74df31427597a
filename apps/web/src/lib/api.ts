/**
 * The control plane's public HTTP API, typed by the Zod schemas of `@flotilla/contracts`: every
 * answer is validated before the UI sees it, and every error becomes an {@link ApiError}
 * carrying the API's `{error: {code, message}}`. Requests are same-origin, so the session cookie
 * of {@link api.signIn} goes along when the API requires its token.
 */
import {
  ApiSessionInfo,
  CreateManualWorkspaceResponse,
  CredentialInfo,
  ErrorBody,
  ManualWorkspace,
  ListMessagesResponse,
  NodeInfo,
  NodeList,
  Project,
  Task,
  TaskWithEvents,
  ViewerTokenResponse,
  type CreateApiSessionRequest,
  type CreateManualWorkspaceRequest,
  type CreateProjectRequest,
  type CreateTaskRequest,
  type UpdateProjectRequest,
  type UpdateTaskRequest,
} from '@flotilla/contracts';
import { z } from 'zod';
import { SessionWithTask } from './schemas';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the route does not exist (yet) on this server, or the thing is gone. */
  get notFound(): boolean {
    return this.status === 404;
  }

  /** True when the API wants its token: no session cookie (or an expired one), or a wrong token. */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

/** True when `error` is the API's 401 (see {@link ApiError.unauthorized}). */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.unauthorized;
}

async function request<T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json: unknown = text ? safeJson(text) : null;
  if (!response.ok) {
    const parsed = ErrorBody.safeParse(json);
    if (parsed.success) throw new ApiError(response.status, parsed.data.error.code, parsed.data.error.message);
    throw new ApiError(response.status, 'internal', `${method} ${path} answered ${response.status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(response.status, 'bad_response', `unexpected answer from ${method} ${path}: ${parsed.error.message}`);
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const enc = encodeURIComponent;

export const api = {
  /** Whether the API requires its token and whether this browser is signed in (never 401). */
  getSession: () => request(ApiSessionInfo, 'GET', '/api/session'),
  /** Exchange the API token for the session cookie (204, no body); 401 for a wrong token. */
  signIn: (token: string) => request(z.null(), 'POST', '/api/session', { token } satisfies CreateApiSessionRequest),
  /** Clear the session cookie (204, no body). */
  signOut: () => request(z.null(), 'DELETE', '/api/session'),

  listProjects: () => request(z.object({ projects: z.array(Project) }), 'GET', '/api/projects').then((r) => r.projects),
  getProject: (projectId: string) => request(Project, 'GET', `/api/projects/${enc(projectId)}`),
  createProject: (input: CreateProjectRequest) => request(Project, 'POST', '/api/projects', input),
  updateProject: (projectId: string, changes: UpdateProjectRequest) => request(Project, 'PATCH', `/api/projects/${enc(projectId)}`, changes),

  listSessions: (projectId: string) =>
    request(z.object({ sessions: z.array(SessionWithTask) }), 'GET', `/api/projects/${enc(projectId)}/sessions`).then((r) => r.sessions),
  listMessages: (projectId: string, sessionId: string, after: number, limit = 1000) =>
    request(ListMessagesResponse, 'GET', `/api/projects/${enc(projectId)}/sessions/${enc(sessionId)}/messages?after=${after}&limit=${limit}`),
  sendFollowUp: (projectId: string, sessionId: string, text: string) =>
    request(z.unknown(), 'POST', `/api/projects/${enc(projectId)}/sessions/${enc(sessionId)}/prompt`, { text }),

  listTasks: (projectId: string) => request(z.object({ tasks: z.array(Task) }), 'GET', `/api/projects/${enc(projectId)}/tasks`).then((r) => r.tasks),
  getTask: (projectId: string, taskId: string) => request(TaskWithEvents, 'GET', `/api/projects/${enc(projectId)}/tasks/${enc(taskId)}`),
  createTask: (projectId: string, input: CreateTaskRequest) => request(Task, 'POST', `/api/projects/${enc(projectId)}/tasks`, input),
  updateTask: (projectId: string, taskId: string, changes: UpdateTaskRequest) =>
    request(Task, 'PATCH', `/api/projects/${enc(projectId)}/tasks/${enc(taskId)}`, changes),
  runTask: (projectId: string, taskId: string) => request(Task, 'POST', `/api/projects/${enc(projectId)}/tasks/${enc(taskId)}/run`),
  taskAction: (projectId: string, taskId: string, action: 'cancel' | 'retry' | 'ready') =>
    request(z.unknown(), 'POST', `/api/projects/${enc(projectId)}/tasks/${enc(taskId)}/${action}`),

  createWorkspace: (projectId: string, input: CreateManualWorkspaceRequest) =>
    request(CreateManualWorkspaceResponse, 'POST', `/api/projects/${enc(projectId)}/workspaces`, input),
  getWorkspace: (projectId: string, workspaceId: string) => request(ManualWorkspace, 'GET', `/api/projects/${enc(projectId)}/workspaces/${enc(workspaceId)}`),
  deleteWorkspace: (projectId: string, workspaceId: string) =>
    request(z.unknown(), 'DELETE', `/api/projects/${enc(projectId)}/workspaces/${enc(workspaceId)}`),
  viewerToken: (projectId: string, workspaceId: string) =>
    request(ViewerTokenResponse, 'POST', `/api/projects/${enc(projectId)}/workspaces/${enc(workspaceId)}/viewer-token`),

  listCredentials: () => request(z.object({ credentials: z.array(CredentialInfo) }), 'GET', '/api/credentials').then((r) => r.credentials),
  putAgentCredential: (agentType: string, apiKey: string) => request(CredentialInfo, 'PUT', `/api/credentials/agents/${enc(agentType)}`, { apiKey }),
  deleteAgentCredential: (agentType: string) => request(z.null(), 'DELETE', `/api/credentials/agents/${enc(agentType)}`),
  putCloudCredential: (provider: string, token: string) => request(CredentialInfo, 'PUT', `/api/credentials/cloud/${enc(provider)}`, { token }),
  deleteCloudCredential: (provider: string) => request(z.null(), 'DELETE', `/api/credentials/cloud/${enc(provider)}`),
  putGitCredential: (host: string, token: string) => request(CredentialInfo, 'PUT', `/api/credentials/git/${enc(host)}`, { token }),
  deleteGitCredential: (host: string) => request(z.null(), 'DELETE', `/api/credentials/git/${enc(host)}`),
  listNodes: () => request(NodeList, 'GET', '/api/nodes').then((r) => r.nodes),
  destroyNode: (nodeId: string) => request(NodeInfo, 'DELETE', `/api/nodes/${enc(nodeId)}`),
};

/** One line for an error shown to the user. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
