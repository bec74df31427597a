/**
 * Fake Hetzner Cloud API (test-only), following the request and response shapes of Hetzner's
 * published API reference (https://docs.hetzner.cloud) for the calls Flotilla makes:
 * `POST /v1/servers`, `GET /v1/servers` (label_selector, name, page, per_page),
 * `GET /v1/servers/{id}`, `DELETE /v1/servers/{id}`. Bearer-token auth (401 `unauthorized`),
 * Hetzner's error body `{error:{code,message,details}}`, `RateLimit-*` headers on every answer.
 * Every request is recorded; failures can be scripted (`failNext`), e.g. a 429.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHetznerRequest {
  method: string;
  /** Path without the query, e.g. `/v1/servers`. */
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  body: unknown;
}

export interface FakeHetznerServer {
  id: number;
  name: string;
  status: 'initializing' | 'running' | 'off' | 'deleting';
  created: string;
  labels: Record<string, string>;
  server_type: { name: string };
  image: { name: string };
  location: string;
  user_data: string;
}

export interface ScriptedFailure {
  method?: string;
  /** Regex the path must match (default: any). */
  path?: string;
  status: number;
  code: string;
  message?: string;
  headers?: Record<string, string>;
}

export interface FakeHetzner {
  /** Base URL including `/v1`, what the provider takes as its API URL. */
  url: string;
  requests: FakeHetznerRequest[];
  servers(): FakeHetznerServer[];
  /** Errors of `onServerCreated`, by server id. */
  bootErrors(): Map<number, Error>;
  /** The next `count` matching requests fail with `failure`. */
  failNext(count: number, failure: ScriptedFailure): void;
  close(): Promise<void>;
}

export interface FakeHetznerOptions {
  /** Accepted API tokens (default `['test-hetzner-token']`). */
  tokens?: string[];
  /** RateLimit-Limit (default 3600 per hour). */
  rateLimit?: number;
  /**
   * Called after a server is created (after the answer is sent), e.g. to boot it from its
   * user-data with the fake VM (../fake-vm). The server shows `running` once this resolves;
   * a rejection is kept in `bootErrors()`.
   */
  onServerCreated?: (server: FakeHetznerServer) => Promise<void> | void;
  /** Called after a server is deleted, e.g. to stop its fake VM. */
  onServerDeleted?: (server: FakeHetznerServer) => Promise<void> | void;
}

const USER_DATA_MAX_BYTES = 32 * 1024;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const error = (code: string, message: string, details: unknown = null) => ({ error: { code, message, details } });

/** Hetzner label selectors: `k=v`, `k==v`, `k!=v`, `k`, `!k`, joined by commas (AND). */
function matchesSelector(labels: Record<string, string>, selector: string): boolean {
  return selector
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean)
    .every((term) => {
      const neq = term.match(/^([^!=]+)!=(.*)$/);
      if (neq) return labels[neq[1] ?? ''] !== neq[2];
      const eq = term.match(/^([^!=]+)==?(.*)$/);
      if (eq) return labels[eq[1] ?? ''] === eq[2];
      if (term.startsWith('!')) return !(term.slice(1) in labels);
      return term in labels;
    });
}

export async function startFakeHetzner(options: FakeHetznerOptions = {}): Promise<FakeHetzner> {
  const tokens = new Set(options.tokens ?? ['test-hetzner-token']);
  const limit = options.rateLimit ?? 3600;
  const requests: FakeHetznerRequest[] = [];
  const servers = new Map<number, FakeHetznerServer>();
  const failures: Array<{ left: number; failure: ScriptedFailure }> = [];
  const bootErrors = new Map<number, Error>();
  let nextId = 1000;

  /** Run a hook after the current answer went out; the fake API never waits for a "VM". */
  const afterAnswer = (hook: () => Promise<void> | void, onError: (error: Error) => void) =>
    setImmediate(() => {
      Promise.resolve()
        .then(hook)
        .catch((e: unknown) => onError(e instanceof Error ? e : new Error(String(e))));
    });

  const describe = (s: FakeHetznerServer) => ({
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    labels: s.labels,
    server_type: { id: 1, name: s.server_type.name, cores: 2, memory: 4, disk: 40 },
    image: { id: 1, type: 'system', name: s.image.name },
    datacenter: { id: 1, name: `${s.location}-dc1`, location: { id: 1, name: s.location } },
    public_net: { ipv4: { ip: `203.0.113.${s.id % 250}`, blocked: false }, ipv6: null, floating_ips: [] },
    private_net: [],
    protection: { delete: false, rebuild: false },
  });
  const action = (command: string, serverId: number) => ({
    id: nextId++,
    command,
    status: 'running',
    progress: 0,
    started: new Date().toISOString(),
    finished: null,
    resources: [{ id: serverId, type: 'server' }],
    error: null,
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-hetzner');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization ?? null, body });
    const rate = { 'RateLimit-Limit': String(limit), 'RateLimit-Remaining': String(limit - 1), 'RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 1) };

    const scripted = failures.find((f) => f.left > 0 && (!f.failure.method || f.failure.method === method) && (!f.failure.path || new RegExp(f.failure.path).test(url.pathname)));
    if (scripted) {
      scripted.left -= 1;
      const { status, code, message, headers } = scripted.failure;
      return send(res, status, error(code, message ?? code), { ...rate, ...headers });
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    if (!tokens.has(token)) return send(res, 401, error('unauthorized', 'unable to authenticate'), rate);

    if (url.pathname === '/v1/servers' && method === 'POST') {
      const input = (body ?? {}) as Record<string, unknown>;
      const missing = ['name', 'server_type', 'image'].filter((k) => typeof input[k] !== 'string' || input[k] === '');
      if (missing.length) return send(res, 400, error('invalid_input', 'invalid input', { fields: missing.map((name) => ({ name, messages: ['Missing data for required field.'] })) }), rate);
      const userData = typeof input.user_data === 'string' ? input.user_data : '';
      if (Buffer.byteLength(userData) > USER_DATA_MAX_BYTES) {
        return send(res, 400, error('invalid_input', 'invalid input', { fields: [{ name: 'user_data', messages: ['Longer than maximum length 32768.'] }] }), rate);
      }
      if ([...servers.values()].some((s) => s.name === input.name)) return send(res, 409, error('uniqueness_error', 'server name is already used'), rate);
      const server: FakeHetznerServer = {
        id: nextId++,
        name: String(input.name),
        status: 'initializing',
        created: new Date().toISOString(),
        labels: (input.labels ?? {}) as Record<string, string>,
        server_type: { name: String(input.server_type) },
        image: { name: String(input.image) },
        location: typeof input.location === 'string' ? input.location : 'fsn1',
        user_data: userData,
      };
      servers.set(server.id, server);
      const { onServerCreated } = options;
      if (onServerCreated) {
        afterAnswer(
          async () => {
            await onServerCreated(server);
            if (server.status === 'initializing') server.status = 'running';
          },
          (e) => bootErrors.set(server.id, e),
        );
      }
      return send(res, 201, { server: describe(server), action: action('create_server', server.id), next_actions: [action('start_server', server.id)], root_password: null }, rate);
    }
    if (url.pathname === '/v1/servers' && method === 'GET') {
      const selector = url.searchParams.get('label_selector');
      const name = url.searchParams.get('name');
      const all = [...servers.values()].filter((s) => (!selector || matchesSelector(s.labels, selector)) && (!name || s.name === name));
      const perPage = Math.min(50, Number(url.searchParams.get('per_page') ?? '25'));
      const page = Math.max(1, Number(url.searchParams.get('page') ?? '1'));
      const lastPage = Math.max(1, Math.ceil(all.length / perPage));
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const pagination = { page, per_page: perPage, previous_page: page > 1 ? page - 1 : null, next_page: page < lastPage ? page + 1 : null, last_page: lastPage, total_entries: all.length };
      return send(res, 200, { servers: slice.map(describe), meta: { pagination } }, rate);
    }
    const one = url.pathname.match(/^\/v1\/servers\/(\d+)$/);
    if (one) {
      const server = servers.get(Number(one[1]));
      if (!server) return send(res, 404, error('not_found', `server with ID '${one[1]}' not found`), rate);
      if (method === 'GET') return send(res, 200, { server: describe(server) }, rate);
      if (method === 'DELETE') {
        servers.delete(server.id);
        server.status = 'deleting';
        const { onServerDeleted } = options;
        if (onServerDeleted) afterAnswer(() => onServerDeleted(server), () => {});
        return send(res, 200, { action: action('delete_server', server.id) }, rate);
      }
    }
    return send(res, 404, error('not_found', `no route ${method} ${url.pathname}`), rate);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, error('server_error', e instanceof Error ? e.message : String(e))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    servers: () => [...servers.values()],
    bootErrors: () => bootErrors,
    failNext(count, failure) {
      failures.push({ left: count, failure });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
