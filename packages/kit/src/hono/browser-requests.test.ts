/**
 * What a web page may make a server of ours do (issue 12): request bodies are JSON or nothing
 * (415 for a form or text — what another origin can send without asking — on every route but
 * GET, before the handler), and `checkRequestOrigin` refuses another Host (DNS rebinding)
 * and browser requests from another Origin (403), letting clients without Origin through.
 */
import { route } from '@flotilla/contracts';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createLogger } from '../logger.js';
import { checkRequestOrigin, errorHandler, notFoundHandler, registerRoutes } from './index.js';

const table = {
  read: route({ method: 'GET', path: '/things', auth: 'public', response: z.object({ count: z.number() }), status: [200], summary: 'read' }),
  create: route({ method: 'POST', path: '/things', auth: 'public', body: z.object({ name: z.string() }), response: z.object({ name: z.string() }), status: [201], summary: 'create' }),
  run: route({ method: 'POST', path: '/things/run', auth: 'public', response: z.object({ ran: z.boolean() }), status: [202], summary: 'no body' }),
} as const;

function appWith(guard = false) {
  let runs = 0;
  const app = new Hono();
  app.onError(errorHandler(createLogger('test', { sink: () => {} })));
  app.notFound(notFoundHandler);
  if (guard) {
    app.use(
      '*',
      checkRequestOrigin({
        allowedHosts: () => new Set(['127.0.0.1:8787', 'localhost:8787', '[::1]:8787']),
        allowedOrigins: (c) => new Set([new URL(c.req.url).origin]),
      }),
    );
  }
  registerRoutes(app, table, { read: () => ({ count: runs }), create: ({ body }) => ({ name: body.name }), run: () => ({ ran: (runs += 1) > 0 }) }, { auth: {} });
  return { app, runs: () => runs };
}

const error = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

describe('request bodies are JSON or nothing', () => {
  it('takes JSON (with a charset too) and a bodiless POST', async () => {
    const { app, runs } = appWith();
    const created = await app.request('/things', { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"name":"a"}' });
    expect(created.status).toBe(201);
    expect((await app.request('/things/run', { method: 'POST' })).status).toBe(202);
    expect(runs()).toBe(1);
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', 'name=a'],
    ['a multipart form', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\na\r\n--x--'],
    ['text', 'text/plain', '{"name":"a"}'],
  ])('answers 415 to %s, on a route with a body and on one without, and runs nothing', async (_what, contentType, body) => {
    const { app, runs } = appWith();
    for (const path of ['/things', '/things/run']) {
      const refused = await app.request(path, { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(refused.status).toBe(415);
      expect(await error(refused)).toEqual({ code: 'unsupported_media_type', message: expect.stringContaining('application/json') });
    }
    expect(runs()).toBe(0);
  });

  it('answers 415 to a body that names no media type, and leaves GET alone', async () => {
    const { app } = appWith();
    const bare = await app.request(new Request('http://x/things/run', { method: 'POST', headers: { 'content-length': '2' }, body: new Uint8Array([123, 125]) }));
    expect(bare.status).toBe(415);
    expect((await app.request('/things', { headers: { 'content-type': 'text/plain' } })).status).toBe(200);
  });
});

describe('checkRequestOrigin', () => {
  it('answers only to its own Host names (403 for a rebound name)', async () => {
    const { app } = appWith(true);
    expect((await app.request('http://127.0.0.1:8787/things')).status).toBe(200);
    expect((await app.request('http://localhost:8787/things')).status).toBe(200);
    expect((await app.request('http://[::1]:8787/things')).status).toBe(200);
    const rebound = await app.request('http://attacker.example:8787/things');
    expect(rebound.status).toBe(403);
    expect(await error(rebound)).toEqual({ code: 'forbidden', message: expect.stringContaining('not to the host attacker.example:8787') });
    expect((await app.request('http://127.0.0.1:9999/things')).status).toBe(403);
  });

  it('refuses browser requests that change something, and WebSocket upgrades, from another Origin; no Origin is fine', async () => {
    const { app, runs } = appWith(true);
    const post = (origin?: string) => app.request('http://127.0.0.1:8787/things/run', { method: 'POST', headers: origin ? { origin } : {} });
    expect((await post()).status).toBe(202);
    expect((await post('http://127.0.0.1:8787')).status).toBe(202);
    for (const foreign of ['https://evil.example', 'http://localhost:8787', 'null']) expect((await post(foreign)).status, foreign).toBe(403);
    expect(runs()).toBe(2);
    const upgrade = (origin: string) => app.request('http://127.0.0.1:8787/things', { headers: { upgrade: 'websocket', origin } });
    expect((await upgrade('https://evil.example')).status).toBe(403);
    expect((await upgrade('http://127.0.0.1:8787')).status).toBe(200);
    // A plain read from another origin's page is not refused here (the browser keeps the answer from it).
    expect((await app.request('http://127.0.0.1:8787/things', { headers: { origin: 'https://evil.example' } })).status).toBe(200);
  });
});
