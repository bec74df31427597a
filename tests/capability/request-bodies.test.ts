/**
 * Capability: request bodies the control plane refuses do not break the requests after them
 * (issue 11 defects). Under `wrangler dev`, a Worker that answered before reading a request's
 * whole body used to break the NEXT request — from any client, on its own connection — with a
 * plain-text 503 "Your worker restarted mid-request". Here, through the real local stack and raw
 * HTTP: a 2 MB chunked body (413), an unauthenticated 2 MB body (401) and a 2 MB body to an
 * unknown route (404) are each refused with a JSON error, and the normal request sent next on a
 * fresh connection gets its normal answer.
 */
import { bootTestStack, createGitRepo, type TestStack } from '@flotilla/testkit/stack';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOKEN = 'flt_test_body_limits_3f9a1c';
const TWO_MB = 2 * 1024 * 1024;
let stack: TestStack;
/** A real repository: creating a project checks it (issue 17, item 3). */
let repo = '';

beforeAll(async () => {
  repo = createGitRepo();
  stack = await bootTestStack({ apiToken: TOKEN });
});

afterAll(async () => {
  await stack?.close();
});

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * One POST on a connection of its own (no keep-alive pool). `body` is sent in 64 KiB chunks with
 * `Transfer-Encoding: chunked` when `chunked`, else with its Content-Length.
 */
function post(path: string, body: Buffer, options: { token?: string; chunked?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.chunked) headers['transfer-encoding'] = 'chunked';
  else headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${stack.url}${path}`, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (let offset = 0; offset < body.length; offset += 64 * 1024) req.write(body.subarray(offset, offset + 64 * 1024));
    req.end();
  });
}

/** A 2 MB JSON body (a project whose name is far too long). */
const bigBody = () => Buffer.from(JSON.stringify({ name: 'x'.repeat(TWO_MB), repoUrl: 'https://example.com/big.git' }));

/** A normal request right after: creating a project answers 201 with the project. */
async function expectNextRequestServed(): Promise<void> {
  const answer = await post('/api/projects', Buffer.from(JSON.stringify({ name: 'after', repoUrl: repo })), { token: TOKEN });
  expect(answer.body).not.toContain('restarted');
  expect(answer.status, answer.body).toBe(201);
  expect(JSON.parse(answer.body)).toMatchObject({ name: 'after' });
}

/** The refusal is the API's JSON error with `code`. */
function expectRefusal(answer: Answer, status: number, code: string): void {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.contentType).toContain('application/json');
  expect(JSON.parse(answer.body)).toMatchObject({ error: { code } });
}

describe('refused request bodies', () => {
  it('a 2 MB chunked body gets 413, and the next request its normal answer', async () => {
    expectRefusal(await post('/api/projects', bigBody(), { token: TOKEN, chunked: true }), 413, 'payload_too_large');
    await expectNextRequestServed();
    // Again, to be sure the first normal answer was no accident of timing.
    expectRefusal(await post('/api/projects', bigBody(), { token: TOKEN, chunked: true }), 413, 'payload_too_large');
    await expectNextRequestServed();
  });

  it('a 2 MB body without the API token gets 401, and the next request its normal answer', async () => {
    expectRefusal(await post('/api/projects', bigBody()), 401, 'unauthorized');
    await expectNextRequestServed();
    expectRefusal(await post('/api/projects', bigBody(), { chunked: true }), 401, 'unauthorized');
    await expectNextRequestServed();
  });

  it('a 2 MB body to an unknown route gets 404, and the next request its normal answer', async () => {
    expectRefusal(await post('/api/no-such-route', bigBody(), { token: TOKEN, chunked: true }), 404, 'not_found');
    await expectNextRequestServed();
    expectRefusal(await post('/.well-known/nothing-here', bigBody(), { token: TOKEN }), 404, 'not_found');
    await expectNextRequestServed();
  });
});
