/**
 * A route table served with registerRoutes (Hono on @hono/node-server) and called with callRoute:
 * validation, auth per route, errors and parsing meet in the middle as they do between our parts.
 */
import { serve, type ServerType } from '@hono/node-server';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { route } from '@flotilla/contracts';
import { Hono, type MiddlewareHandler } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { FlotillaError, conflict, unauthorized } from './errors.js';
import { createLogger } from './logger.js';
import { createRouteClient } from './route-client.js';
import { errorHandler, notFoundHandler, registerRoutes, reply } from './hono/index.js';

const Item = z.object({ id: z.string(), name: z.string(), size: z.number().int() });
const table = {
  health: route({ method: 'GET', path: '/health', auth: 'public', response: z.object({ status: z.literal('ok') }), status: [200], summary: 'up' }),
  createItem: route({ method: 'POST', path: '/boxes/:boxId/items', auth: 'apiToken', body: z.object({ name: z.string().min(1), size: z.number().int().min(0) }), maxBodyBytes: 1024, response: Item, status: [201], summary: 'create' }),
  listItems: route({ method: 'GET', path: '/boxes/:boxId/items', auth: 'apiToken', query: z.object({ min: z.coerce.number().int().optional() }), response: z.object({ items: z.array(Item) }), status: [200], summary: 'list' }),
  moveItem: route({ method: 'POST', path: '/boxes/:boxId/items/:itemId/move', auth: 'apiToken', params: z.object({ boxId: z.enum(['a', 'b']), itemId: z.string() }), response: Item, status: [200, 202], summary: 'move' }),
  wrongAnswer: route({ method: 'GET', path: '/wrong', auth: 'public', response: Item, status: [200], summary: 'answers garbage' }),
  removeItem: route({ method: 'DELETE', path: '/items/:itemId', auth: 'apiToken', response: { kind: 'empty' }, status: [204], summary: 'remove' }),
} as const;

const items = new Map<string, z.infer<typeof Item>>();
const requireToken: MiddlewareHandler = async (c, next) => {
  if (c.req.header('authorization') !== 'Bearer secret') throw unauthorized('send the token');
  await next();
};

let server: ServerType;
let url = '';

beforeAll(async () => {
  const app = new Hono();
  app.onError(errorHandler(createLogger('test', { sink: () => {} })));
  app.notFound(notFoundHandler);
  registerRoutes(
    app,
    table,
    {
      health: () => ({ status: 'ok' as const }),
      createItem: ({ params, body }) => {
        const item = { id: `${params.boxId}-${items.size + 1}`, name: body.name, size: body.size };
        items.set(item.id, item);
        return item;
      },
      listItems: ({ query }) => ({ items: [...items.values()].filter((item) => item.size >= (query.min ?? 0)) }),
      moveItem: ({ params }) => {
        const item = items.get(params.itemId);
        if (!item) throw conflict(`item ${params.itemId} is gone`);
        return params.boxId === 'b' ? reply(item, 202) : item;
      },
      wrongAnswer: () => ({ id: 1 }) as never,
      removeItem: ({ params }) => {
        items.delete(params.itemId);
        return null;
      },
    },
    { auth: { apiToken: requireToken } },
  );
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0, autoCleanupIncoming: false }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () => createRouteClient(table, { baseUrl: url, timeoutMs: 5_000, headers: { authorization: 'Bearer secret' } });

describe('a route table between a server and a client', () => {
  it('carries params, query and body, and answers parsed values', async () => {
    const api = client();
    expect(await api.health({})).toEqual({ status: 'ok' });
    const made = await api.createItem({ params: { boxId: 'a' }, body: { name: 'cup', size: 3 } });
    expect(made).toEqual({ id: 'a-1', name: 'cup', size: 3 });
    await api.createItem({ params: { boxId: 'a' }, body: { name: 'pot', size: 9 } });
    expect((await api.listItems({ params: { boxId: 'a' }, query: { min: 5 } })).items.map((i) => i.name)).toEqual(['pot']);
    expect(await api.moveItem({ params: { boxId: 'b', itemId: 'a-1' } })).toMatchObject({ id: 'a-1' });
    expect(await api.removeItem({ params: { itemId: 'a-2' } })).toBeNull();
  });

  it('refuses bad input with 400 naming the field, an unknown enum param with 400, and a conflict with 409', async () => {
    const api = client();
    await expect(api.createItem({ params: { boxId: 'a' }, body: { name: '', size: -1 } as never })).rejects.toMatchObject({ status: 400, code: 'bad_request', message: expect.stringContaining('name:') });
    await expect(api.moveItem({ params: { boxId: 'c' as never, itemId: 'x' } })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('boxId') });
    await expect(api.moveItem({ params: { boxId: 'a', itemId: 'nope' } })).rejects.toMatchObject({ status: 409, code: 'conflict', retryable: false });
    await expect(api.listItems({ params: { boxId: 'a' }, query: { min: 'x' as never } })).rejects.toMatchObject({ status: 400 });
  });

  it('checks auth before it reads anything, per route', async () => {
    const anonymous = createRouteClient(table, { baseUrl: url, timeoutMs: 5_000 });
    await expect(anonymous.health({})).resolves.toEqual({ status: 'ok' });
    await expect(anonymous.createItem({ params: { boxId: 'a' }, body: { name: '', size: 0 } })).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('parses every answer: one that breaks the route\'s promise is bad_response, never a cast', async () => {
    await expect(client().wrongAnswer({})).rejects.toMatchObject({ code: 'bad_response', retryable: false });
  });

  it('no answer at all is unreachable and retryable', async () => {
    const nobody = createRouteClient(table, { baseUrl: 'http://127.0.0.1:9', timeoutMs: 2_000 });
    await expect(nobody.health({})).rejects.toMatchObject({ code: 'unreachable', retryable: true });
    await expect(nobody.health({})).rejects.toBeInstanceOf(FlotillaError);
  });

  it('refuses a chunked body over the limit with 413, reads it out, and the connection keeps answering', async () => {
    const big = Buffer.alloc(64 * 1024, 'x');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/boxes/a/items`, { method: 'POST', headers: { authorization: 'Bearer secret', 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i += 1) req.write(big);
      req.end();
    });
    expect(status).toBe(413);
    expect(await client().health({})).toEqual({ status: 'ok' });
  });

  it('answers 401 to an unauthenticated large body, not a reset', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'x');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/boxes/a/items`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(big.length) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(big);
    });
    expect(status).toBe(401);
  });
});
