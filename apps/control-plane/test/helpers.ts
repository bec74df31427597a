/**
 * Helpers shared by the control-plane tests (they run inside workerd). HTTP goes through the
 * Worker's own default export; Durable Objects are reached through their RPC stubs (bindings.ts);
 * the stand-in local cloud / node daemon (@flotilla/testkit/stand-in) through its control API.
 */
import type { ChatMessage, ChatMessageInput, Project, TaskWithEvents } from '@flotilla/contracts';
import { createExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { decodeJwt } from 'jose';
import { inject, vi } from 'vitest';
import type { RecordedRequest, Rule } from '@flotilla/testkit/stand-in/control';
import { app } from '../src/app.js';
import { signCallbackToken } from '../src/auth/tokens.js';
import { stubsOf } from '../src/bindings.js';
import { depsFromEnv } from '../src/deps.js';
import type { Env } from '../src/env.js';
import { insertNode, markNodeReady } from '../src/nodes/repository.js';
import { insertWorkspace } from '../src/workspaces/repository.js';

export type { RecordedRequest };

const ORIGIN = 'http://control-plane.test';
const HOUR_MS = 60 * 60 * 1000;

/**
 * A request to the Worker's HTTP API. A `body` that is not a string, stream or bytes is sent as
 * JSON; a string is sent as it is (malformed JSON too), labelled JSON unless `headers` say otherwise.
 */
export function api(path: string, init: Omit<RequestInit, 'body'> & { body?: unknown; token?: string } = {}): Promise<Response> {
  const { body, token, ...rest } = init;
  const headers = new Headers(rest.headers as HeadersInit | undefined);
  if (token) headers.set('authorization', `Bearer ${token}`);
  let payload: BodyInit | undefined;
  if (typeof body === 'string' || body instanceof ReadableStream || body instanceof Uint8Array) {
    payload = body;
    if (typeof body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers.set('content-type', 'application/json');
  }
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { ...rest, headers, body: payload }));
}

/**
 * A request to the Worker's HTTP app (app.ts) with an environment of its own: the test's
 * bindings changed by `overrides` (`undefined` removes one), e.g. no CREDENTIALS_ENCRYPTION_KEY,
 * or another DEPLOYMENT_MODE. Settings are read afresh for it (config.ts caches per env object).
 * `path` is below the tests' origin (BASE_URL), or a whole URL (another Host).
 */
export async function apiWithEnv(path: string, overrides: Partial<Record<keyof Env, unknown>>, init: Omit<RequestInit, 'body'> & { body?: unknown } = {}): Promise<Response> {
  const { body, ...rest } = init;
  const headers = new Headers(rest.headers as HeadersInit | undefined);
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const changed = { ...env, ...overrides } as Env;
  const url = /^https?:\/\//.test(path) ? path : `${ORIGIN}${path}`;
  return app.fetch(new Request(url, { ...rest, headers, body: payload }), changed, createExecutionContext());
}

/** Parse a JSON answer, checking its status first (with the body in the failure message). */
export async function expectJson<T = Record<string, unknown>>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected HTTP ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** A git repository over http the stand-in serves (branches `main`, `develop`), which a project's repository check accepts. */
export const standInRepoUrl = (name = 'demo') => `${standIn.url}/git/${name}.git`;

export async function createProject(name = 'demo'): Promise<Project> {
  return expectJson<Project>(await api('/api/projects', { method: 'POST', body: { name, repoUrl: standInRepoUrl() } }), 201);
}

export async function createTask(projectId: string, body: Record<string, unknown>): Promise<TaskWithEvents> {
  return expectJson<TaskWithEvents>(await api(`/api/projects/${projectId}/tasks`, { method: 'POST', body }), 201);
}

export async function getTask(taskId: string): Promise<TaskWithEvents> {
  return expectJson<TaskWithEvents>(await api(`/api/tasks/${taskId}`), 200);
}

/** The Worker's deps (deps.ts), for calling its logic directly. */
export const deps = () => depsFromEnv(env);
export const projectData = (projectId: string) => stubsOf(env).projectData(projectId);
export const taskRunner = (taskId: string) => stubsOf(env).taskRunner(taskId);
export const workspaceRunner = (workspaceId: string) => stubsOf(env).workspaceRunner(workspaceId);
export const nodeLifecycle = (nodeId: string) => stubsOf(env).nodeLifecycle(nodeId);
/** The raw stub of a runner, for `runInDurableObject` / `runDurableObjectAlarm`. */
export const taskRunnerObject = (taskId: string) => env.TASK_RUNNER.get(env.TASK_RUNNER.idFromName(taskId));
export const nodeLifecycleObject = (nodeId: string) => env.NODE_LIFECYCLE.get(env.NODE_LIFECYCLE.idFromName(nodeId));

/** Messages of a session through ProjectData RPC. */
export async function listMessages(projectId: string, sessionId: string, after = 0, limit = 10_000): Promise<ChatMessage[]> {
  return projectData(projectId).listMessages(sessionId, after, limit);
}

export const allMessages = (projectId: string, sessionId: string) => listMessages(projectId, sessionId);

/** A valid message for `sessionId`; a fresh messageId unless given. */
export function message(sessionId: string, overrides: Partial<ChatMessageInput> = {}): ChatMessageInput {
  return {
    messageId: crypto.randomUUID(),
    sessionId,
    role: 'assistant',
    content: 'working on it',
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

export const messages = (sessionId: string, n: number, role: ChatMessageInput['role'] = 'assistant') =>
  Array.from({ length: n }, (_, i) => message(sessionId, { role, content: `message ${i + 1}` }));

/** A callback token signed by the Worker's own key, for node `nodeId` (and a workspace). */
export function callbackToken(nodeId: string, workspaceId?: string): Promise<string> {
  return signCallbackToken(depsFromEnv(env), nodeId, HOUR_MS, workspaceId);
}

/** A ready node with one running workspace bound to `chatSessionId`, and its callback token. */
export async function seedWorkspace(projectId: string, chatSessionId: string, taskId = 'tsk_seeded') {
  const nodeId = `nod_${crypto.randomUUID()}`;
  const workspaceId = `ws_${crypto.randomUUID()}`;
  await insertNode(env.DB, { id: nodeId, provider: 'local', size: null });
  await markNodeReady(env.DB, nodeId, 'http://127.0.0.1:9/unused', 'test', 'none');
  await insertWorkspace(env.DB, { id: workspaceId, nodeId, projectId, taskId, chatSessionId, branch: `task/${taskId}` });
  return { nodeId, workspaceId, token: await callbackToken(nodeId, workspaceId) };
}

/** Claims of a JWT (no verification: for asserting what was sent). */
export const jwtClaims = (authorization: string | null) => decodeJwt((authorization ?? '').replace(/^Bearer\s+/i, ''));

/** Retry `check` until it stops throwing (up to `timeout` ms, default 30 s: a wait for an event, long enough for a busy machine). */
export function eventually<T>(check: () => T | Promise<T>, timeout = 30_000): Promise<T> {
  return vi.waitFor(check, { timeout, interval: 10 });
}

/** The stand-in local cloud and node daemons (Node side, @flotilla/testkit/stand-in). */
export const standIn = {
  get url(): string {
    return inject('standInUrl');
  },
  /** Base URL of a stand-in node daemon; `key` keeps each test's daemon calls apart. */
  daemonUrl(key: string): string {
    return `${this.url}/daemon/${key}`;
  },
  async rule(rule: Rule): Promise<void> {
    await expectJson(await fetch(`${this.url}/__control/rules`, { method: 'POST', body: JSON.stringify(rule) }), 200);
  },
  async clearRules(): Promise<void> {
    await expectJson(await fetch(`${this.url}/__control/clear-rules`, { method: 'POST' }), 200);
  },
  async release(hold: string): Promise<number> {
    const body = await expectJson<{ released: number }>(await fetch(`${this.url}/__control/release`, { method: 'POST', body: JSON.stringify({ hold }) }), 200);
    return body.released;
  },
  async requests(filter: { method?: string; path?: string | RegExp } = {}): Promise<RecordedRequest[]> {
    const all = await expectJson<RecordedRequest[]>(await fetch(`${this.url}/__control/requests`), 200);
    return all.filter(
      (r) =>
        (!filter.method || r.method === filter.method) &&
        (filter.path === undefined || (typeof filter.path === 'string' ? r.path === filter.path : filter.path.test(r.path))),
    );
  },
  /** createNode calls of the local cloud for `nodeId`. */
  async createNodeCalls(nodeId: string): Promise<RecordedRequest[]> {
    return (await this.requests({ method: 'POST', path: '/cloud/nodes' })).filter((r) => (r.body as { nodeId?: string }).nodeId === nodeId);
  },
};
