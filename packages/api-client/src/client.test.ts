/**
 * What the web app and the CLI see of the API's answers: validated data, the API's own message
 * on a refusal (its status and code kept), and a clear error for an answer of another shape.
 * Requests follow the route table `publicApi`. Against a local HTTP server standing in for the
 * control plane.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, isUnauthorized } from './api-error.js';
import { FlotillaClient } from './client.js';

let server: Server;
let baseUrl = '';
let resets = 0;
const seen: Array<{ method: string; url: string; authorization: string | null; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization ?? null, body });
      const reply = (status: number, json?: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(json === undefined ? undefined : JSON.stringify(json));
      if (req.url === '/health') return reply(200, { status: 'ok' });
      if (req.url === '/api/nodes' && resets > 0) {
        resets -= 1;
        return req.socket.destroy(); // the connection breaks before any answer
      }
      if (req.url === '/api/nodes/nod_busy') return reply(409, { error: { code: 'conflict', message: 'node nod_busy runs workspaces ws_1' } });
      if (req.url === '/api/session' && req.method === 'POST') return reply(401, { error: { code: 'unauthorized', message: 'wrong token' } });
      if (req.url === '/api/session' && req.method === 'DELETE') return reply(204);
      if (req.url === '/api/projects') return reply(200, { projects: [{ id: 'not a project' }] });
      return res.writeHead(502).end('<html>bad gateway</html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const failure = (call: Promise<unknown>) => call.then(() => null, (error: unknown) => error);

describe('FlotillaClient', () => {
  it('answers validated data, and sends the API token as a bearer token', async () => {
    expect(await new FlotillaClient(baseUrl, 5_000, 'tok-123').health()).toEqual({ status: 'ok' });
    expect(seen.at(-1)?.authorization).toBe('Bearer tok-123');
    expect(await new FlotillaClient(baseUrl).signOut()).toBeNull(); // 204, no body
    const { health } = new FlotillaClient(baseUrl); // a method handed on as a callback still works
    expect(await health()).toEqual({ status: 'ok' });
  });

  it("a refusal carries the API's status, code and own message", async () => {
    const busy = await failure(new FlotillaClient(baseUrl).destroyNode('nod_busy'));
    expect(busy).toBeInstanceOf(ApiError);
    expect(busy).toMatchObject({ status: 409, code: 'conflict', message: 'node nod_busy runs workspaces ws_1' });
    const wrong = await failure(new FlotillaClient(baseUrl).signIn('nope'));
    expect(isUnauthorized(wrong)).toBe(true);
    expect(seen.at(-1)?.body).toBe('{"token":"nope"}');
  });

  it('a GET whose connection breaks is sent once more, not twice', async () => {
    resets = 1;
    await expect(new FlotillaClient(baseUrl).listNodes()).rejects.toMatchObject({ status: 502 }); // reset, then the 502 of the retry
    expect(seen.filter((r) => r.url === '/api/nodes')).toHaveLength(2);
    resets = 2;
    // No answer at all: the kit's `unreachable` (status 0), carrying fetch's TypeError.
    await expect(new FlotillaClient(baseUrl).listNodes()).rejects.toMatchObject({ code: 'unreachable', status: 0, cause: expect.any(TypeError) });
    resets = 0;
  });

  it('an answer of another shape is an error naming the call, not data', async () => {
    const gateway = await failure(new FlotillaClient(baseUrl).listNodes());
    // Not the API's error shape (a proxy's page): the kit names the call and quotes the answer.
    expect(gateway).toBeInstanceOf(ApiError);
    expect(gateway).toMatchObject({ status: 502, code: 'unavailable', message: 'GET /api/nodes answered 502: <html>bad gateway</html>' });
    const odd = await failure(new FlotillaClient(baseUrl).listProjects());
    expect(odd).toMatchObject({ status: 200, code: 'bad_response' });
    expect((odd as Error).message).toMatch(/^unexpected answer from GET \/api\/projects/);
  });

  it('sends the path, query and body of the route table, parameters encoded', async () => {
    const client = new FlotillaClient(baseUrl);
    await failure(client.listTasks('prj/1', 'draft'));
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/projects/prj%2F1/tasks?status=draft' });
    await failure(client.listTasks('prj_1'));
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/projects/prj_1/tasks' });
    await failure(client.listMessages('prj_1', 'ses_1', 7, 50));
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/projects/prj_1/sessions/ses_1/messages?after=7&limit=50' });
    await failure(client.updateTask('prj_1', 'tsk_1', { priority: 2 }));
    expect(seen.at(-1)).toMatchObject({ method: 'PATCH', url: '/api/projects/prj_1/tasks/tsk_1', body: '{"priority":2}' });
    expect(client.sessionsSocketUrl('prj_1', 'ses 1', 3)).toBe(`${baseUrl.replace(/^http/, 'ws')}/api/projects/prj_1/sessions/ws?sessionId=ses%201&after=3`);
  });
});
