/**
 * The model gateway in process, on a Unix socket as in production, against a local upstream that
 * records what it receives: the token is checked and never forwarded, the real credential is added
 * (API key or OAuth token), answers stream through chunk by chunk, usage lands in `model_usage`,
 * and every refusal is an API-shaped JSON error.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@flotilla/kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { ModelUsageStore } from '../db/model-usage-store.js';
import { closeServer, listenOn } from '../workspace-sandbox/listen.js';
import { anthropicUpstream } from './anthropic.js';
import { createModelGateway, type GatewayRoute } from './gateway-server.js';
import { newGatewayToken } from './gateway-token.js';
import type { ModelCredential, ModelUpstream } from './upstream.js';
import { geminiUpstream } from './gemini.js';
import { openaiUpstream } from './openai.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-gw-'));
const socketPath = join(dir, 'gateway.sock');
const usage = new ModelUsageStore(openDatabase(join(dir, 'daemon.db')));
const token = newGatewayToken();
const API_KEY = `sk-ant-canary-${process.pid}`;
const logLines: string[] = [];
const logger = createLogger('test', { level: 'debug', sink: (_level, line) => logLines.push(line) });

/** What the upstream received, and how it answers the next request. */
let received: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];
let answerWith: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
let upstream: Server;
let upstreamUrl: string;
let route: GatewayRoute | null = null;
let gateway: Server;

function routeTo(credential: ModelCredential | null, baseUrl = upstreamUrl, taskId = 'tsk_1', upstream: ModelUpstream = anthropicUpstream): void {
  route = { upstream, baseUrl, credential, agentSessionId: 'as_1', taskId };
}

/** One request to the gateway; resolves with the status, headers and body as text. */
function call(options: { method?: string; path?: string; headers?: Record<string, string>; body?: string; onFirstChunk?: (chunk: string) => void } = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = request({ socketPath, method: options.method ?? 'POST', path: options.path ?? '/v1/messages?beta=true', headers: { 'content-type': 'application/json', ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body === '') options.onFirstChunk?.(chunk);
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body ?? JSON.stringify({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
  });
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('error', () => undefined); // a request the gateway cut
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answerWith(req, res);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  gateway = createModelGateway({ workspaceId: 'ws_gw', token, route: () => route, limits: { requestTimeoutMs: 60_000, maxBodyBytes: 4096 }, usage, logger });
  await listenOn(gateway, socketPath);
});

afterEach(() => {
  received = [];
  answerWith = (_req, res) => res.end();
});

afterAll(async () => {
  await closeServer(gateway);
  await closeServer(upstream);
});

describe('the model gateway', () => {
  it('refuses a request without the workspace token (401, API-shaped), forwarding nothing', async () => {
    routeTo({ kind: 'apiKey', value: API_KEY });
    const attempts: Array<Record<string, string>> = [{}, { 'x-api-key': 'wrong' }, { authorization: `Bearer ${token}x` }];
    for (const headers of attempts) {
      const answer = await call({ headers });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toEqual({ type: 'error', error: { type: 'authentication_error', code: 'unauthorized', message: expect.any(String) } });
    }
    expect(received).toEqual([]);
    expect(logLines.join('\n')).not.toContain(token);
  });

  it('swaps the token for the API key and streams the answer through as it comes, recording its usage', async () => {
    routeTo({ kind: 'apiKey', value: API_KEY }, upstreamUrl, 'tsk_stream');
    let firstChunkSeen!: () => void;
    const clientSawFirstChunk = new Promise<void>((resolve) => (firstChunkSeen = resolve));
    answerWith = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { model: 'claude-test-1', usage: { input_tokens: 120, output_tokens: 1, cache_creation_input_tokens: 30, cache_read_input_tokens: 7 } } })}\n\n`);
      // The rest only once the agent has the first event: nothing waits for the whole answer.
      void clientSawFirstChunk.then(() => {
        res.write(`event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta","text":"Hel"}}\n\n`);
        res.write(`event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', usage: { output_tokens: 5 } })}\n\n`);
        res.write(`event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', usage: { output_tokens: 9 } })}\n\n`);
        res.end('event: message_stop\ndata: {"type":"message_stop"}\n\n');
      });
    };
    const answer = await call({ headers: { 'x-api-key': token, 'accept-encoding': 'gzip' }, onFirstChunk: () => firstChunkSeen() });

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream');
    expect(answer.body).toContain('message_stop');
    const [forwarded] = received;
    expect(forwarded?.url).toBe('/v1/messages?beta=true');
    expect(forwarded?.headers['x-api-key']).toBe(API_KEY);
    expect(forwarded?.headers['accept-encoding']).toBe('identity');
    expect(forwarded?.headers.host).toBe(new URL(upstreamUrl).host);
    expect(JSON.stringify(forwarded?.headers)).not.toContain(token);
    expect(usage.totalsOf('tsk_stream', 'ws_gw')).toMatchObject({ requests: 1, inputTokens: 120, outputTokens: 9, cacheCreationInputTokens: 30, cacheReadInputTokens: 7 });
    expect(usage.totalsOf('tsk_stream', 'ws_gw')?.byModel).toEqual([{ model: 'claude-test-1', requests: 1, inputTokens: 120, outputTokens: 9, cacheCreationInputTokens: 30, cacheReadInputTokens: 7 }]);
  });

  it('sends an OAuth token as a bearer token with the OAuth beta flag added to the agent\'s own', async () => {
    routeTo({ kind: 'oauthToken', value: 'sk-ant-oat01-canary' }, upstreamUrl, 'tsk_oauth');
    answerWith = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'message', model: 'claude-json', usage: { input_tokens: 11, output_tokens: 3 } }));
    };
    const answer = await call({ headers: { authorization: `Bearer ${token}`, 'anthropic-beta': 'tools-2024, fine-grained' } });
    expect(answer.status).toBe(200);
    const headers = received[0]?.headers ?? {};
    expect(headers.authorization).toBe('Bearer sk-ant-oat01-canary');
    expect(headers['x-api-key']).toBeUndefined();
    expect(headers['anthropic-beta']).toBe('tools-2024,fine-grained,oauth-2025-04-20');
    expect(usage.totalsOf('tsk_oauth', 'ws_gw')).toMatchObject({ requests: 1, inputTokens: 11, outputTokens: 3, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
  });

  it('answers 502 with an error the agent can show when the upstream cannot be reached, and counts the request', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await closeServer(closed);
    routeTo({ kind: 'apiKey', value: API_KEY }, deadUrl, 'tsk_dead');
    const answer = await call({ headers: { 'x-api-key': token } });
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'error', error: { type: 'api_error', code: 'bad_gateway' } });
    expect(JSON.parse(answer.body).error.message).toContain(deadUrl);
    expect(usage.totalsOf('tsk_dead', 'ws_gw')?.requests).toBe(1);
  });

  it('refuses a body over the limit (413, declared or streamed) and a path that leaves the base path (400)', async () => {
    routeTo({ kind: 'apiKey', value: API_KEY });
    const big = JSON.stringify({ pad: 'x'.repeat(5000) });
    expect((await call({ headers: { 'x-api-key': token }, body: big })).status).toBe(413);
    const streamed = await call({ headers: { 'x-api-key': token, 'transfer-encoding': 'chunked' }, body: big });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: { type: 'request_too_large', code: 'payload_too_large' } });
    expect((await call({ headers: { 'x-api-key': token }, path: '/v1/../admin' })).status).toBe(400);
    expect((await call({ headers: { 'x-api-key': token }, path: '/v1/%2e%2e/admin' })).status).toBe(400);
    expect(received.filter((r) => r.body.length > 0)).toEqual([]);
  });

  it('answers 503 before an agent was set up to use it', async () => {
    route = null;
    expect((await call({ headers: { 'x-api-key': token } })).status).toBe(503);
  });

  it("forwards an OpenAI agent's Responses stream to the base URL's path with the key as a bearer token, counting cached input apart", async () => {
    routeTo({ kind: 'apiKey', value: 'sk-openai-canary' }, `${upstreamUrl}/v1`, 'tsk_openai', openaiUpstream);
    answerWith = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hi"}\n\n`);
      const completed = { type: 'response.completed', response: { model: 'gpt-test', usage: { input_tokens: 100, output_tokens: 12, input_tokens_details: { cached_tokens: 40 } } } };
      res.end(`event: response.completed\ndata: ${JSON.stringify(completed)}\n\n`);
    };
    const answer = await call({ path: '/responses', headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    expect(received[0]?.url).toBe('/v1/responses');
    expect(received[0]?.headers.authorization).toBe('Bearer sk-openai-canary');
    expect(usage.totalsOf('tsk_openai', 'ws_gw')).toMatchObject({ requests: 1, inputTokens: 60, outputTokens: 12, cacheCreationInputTokens: 0, cacheReadInputTokens: 40 });
  });

  it('counts a Chat Completions stream by its last usage chunk', async () => {
    routeTo({ kind: 'apiKey', value: 'sk-openai-canary' }, `${upstreamUrl}/v1`, 'tsk_chat', openaiUpstream);
    answerWith = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', model: 'qwen-test', choices: [{ delta: { content: 'Hi' } }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', model: 'qwen-test', choices: [], usage: { prompt_tokens: 50, completion_tokens: 7 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    };
    expect((await call({ path: '/chat/completions', headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(received[0]?.url).toBe('/v1/chat/completions');
    expect(usage.totalsOf('tsk_chat', 'ws_gw')).toMatchObject({ requests: 1, inputTokens: 50, outputTokens: 7, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
  });

  it("takes a Gemini agent's token from x-goog-api-key, sends the node's key there, and counts the last usageMetadata", async () => {
    routeTo({ kind: 'apiKey', value: 'gemini-canary' }, upstreamUrl, 'tsk_gemini', geminiUpstream);
    answerWith = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ candidates: [], usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 1 }, modelVersion: 'gemini-test' })}\n\n`);
      res.end(`data: ${JSON.stringify({ candidates: [], usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 8, thoughtsTokenCount: 2, cachedContentTokenCount: 10 }, modelVersion: 'gemini-test' })}\n\n`);
    };
    const path = '/v1beta/models/gemini-test:streamGenerateContent?alt=sse';
    expect((await call({ path, headers: { 'x-goog-api-key': 'not-the-token' } })).status).toBe(401);
    expect((await call({ path, headers: { 'x-goog-api-key': token } })).status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe(path);
    expect(received[0]?.headers['x-goog-api-key']).toBe('gemini-canary');
    expect(JSON.stringify(received[0]?.headers)).not.toContain(token);
    expect(usage.totalsOf('tsk_gemini', 'ws_gw')).toMatchObject({ requests: 1, inputTokens: 20, outputTokens: 10, cacheCreationInputTokens: 0, cacheReadInputTokens: 10 });
  });
});
