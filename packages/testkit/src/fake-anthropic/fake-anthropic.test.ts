import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from './http-util.js';
import { startFakeAnthropic } from './server.js';
import type { FakeAnthropic, FakeAnthropicOptions } from './types.js';

const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

async function start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const fake = await startFakeAnthropic(options);
  fakes.push(fake);
  return fake;
}

const TOOLS = [{ name: 'Bash' }, { name: 'mcp__acp__Write' }];
const userPrompt = { role: 'user', content: [{ type: 'text', text: '<system-reminder>\nctx\n</system-reminder>' }, { type: 'text', text: 'fix it' }] };

function post(fake: FakeAnthropic, path: string, body: unknown): Promise<Response> {
  return fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'secret' },
    body: JSON.stringify(body),
  });
}

/** The fields of API answers (JSON messages, SSE event data, other routes) the tests read. */
interface ApiAnswer {
  type?: string;
  stop_reason?: string;
  content: Array<{ type: string; id?: string; text?: string }>;
  message?: unknown;
  content_block?: unknown;
  delta?: { type?: string; text?: string; partial_json?: string };
  data: Array<{ id: string }>;
}

/** POSTs JSON and returns the parsed JSON answer. */
async function postJson(fake: FakeAnthropic, path: string, body: unknown): Promise<ApiAnswer> {
  return (await post(fake, path, body)).json() as Promise<ApiAnswer>;
}

/** Parses an SSE body into its events' data objects. */
async function sseEvents(response: Response): Promise<ApiAnswer[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const event = /^event: (.*)$/m.exec(chunk)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(chunk)?.[1] ?? '{}') as ApiAnswer;
      expect(data.type).toBe(event);
      return data;
    });
}

describe('fake Anthropic Messages API', () => {
  it('streams the scripted turn for the number of assistant messages so far', async () => {
    const fake = await start({
      script: [{ text: 'first' }, { text: 'second', toolUses: [{ name: 'Write', input: { file_path: 'a', content: 'b' } }] }],
    });
    const messages = [userPrompt, { role: 'assistant', content: [{ type: 'text', text: 'first' }] }, { role: 'user', content: 'go on' }];
    const response = await post(fake, '/v1/messages?beta=true', { model: 'claude-opus-5-5', stream: true, tools: TOOLS, messages, context_management: {} });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await sseEvents(response);
    expect(events.map((e) => e.type)).toEqual([
      'message_start', 'ping',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'message_delta', 'message_stop',
    ]);
    expect(events[0]?.message).toMatchObject({ role: 'assistant', model: 'claude-opus-5-5', content: [] });
    expect(events[3]?.delta).toEqual({ type: 'text_delta', text: 'second' });
    expect(events[5]?.content_block).toMatchObject({ type: 'tool_use', name: 'mcp__acp__Write' });
    const json = events.filter((e) => e.delta?.type === 'input_json_delta').map((e) => e.delta?.partial_json).join('');
    expect(JSON.parse(json)).toEqual({ file_path: 'a', content: 'b' });
    expect(events[8]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: expect.any(Number) } });
  });

  it('answers non-streaming requests with a JSON message and ends with "Done." past the script', async () => {
    const fake = await start({ script: [{ toolUses: [{ name: 'Bash', input: { command: 'ls' } }, { name: 'Bash', input: { command: 'pwd' } }] }] });
    const first = await postJson(fake, '/v1/messages', { tools: TOOLS, messages: [userPrompt] });
    expect(first.stop_reason).toBe('tool_use');
    const ids = first.content.map((block) => block.id);
    expect(new Set(ids).size).toBe(2);
    expect(first.content[0]).toMatchObject({ type: 'tool_use', name: 'Bash', input: { command: 'ls' } });
    const later = await postJson(fake, '/v1/messages', { tools: TOOLS, messages: [userPrompt, { role: 'assistant', content: first.content }] });
    expect(later).toMatchObject({ stop_reason: 'end_turn', content: [{ type: 'text', text: 'Done.' }] });
  });

  it('gives side calls a generic answer, and schema-valid JSON when structured output is asked', async () => {
    const fake = await start({ script: [{ text: 'main' }] });
    const plain = await postJson(fake, '/v1/messages', { messages: [{ role: 'user', content: 'hi' }] });
    expect(plain.content).toEqual([{ type: 'text', text: 'OK.' }]);
    const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] };
    const titled = await postJson(fake, '/v1/messages', { messages: [{ role: 'user', content: 'x' }], output_config: { format: { type: 'json_schema', schema } } });
    expect(JSON.parse(titled.content[0]?.text ?? '')).toEqual({ title: expect.any(String) });
    const suggestion = { role: 'user', content: '[SUGGESTION MODE: Suggest what the user might type]' };
    const fork = await postJson(fake, '/v1/messages', { tools: TOOLS, messages: [userPrompt, suggestion] });
    expect(fork.content).toEqual([{ type: 'text', text: 'OK.' }]);
    expect(fake.mainRequests()).toHaveLength(0);
  });

  it("allows Claude Code's auto-mode classifier, honouring stop_sequences", async () => {
    const fake = await start();
    const system = [{ type: 'text', text: 'Output <severity>N</severity> where N is an integer 0-100' }];
    const messages = [{ role: 'user', content: 'classify' }];
    const stage1 = await postJson(fake, '/v1/messages', { system, messages, stop_sequences: ['</severity>'] });
    expect(stage1).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '</severity>', content: [{ type: 'text', text: '<severity>5' }] });
    const stage2 = await postJson(fake, '/v1/messages', { system, messages });
    expect(stage2).toMatchObject({ stop_reason: 'end_turn', content: [{ type: 'text', text: '<severity>5</severity>' }] });
  });

  it('records requests without credentials and finds the user prompt', async () => {
    const fake = await start();
    await post(fake, '/v1/messages?beta=true', { tools: TOOLS, messages: [userPrompt, { role: 'system', content: 'env' }] });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages?beta=true', headers: { 'x-api-key': '<redacted>' } });
    expect(fake.requests[0]?.apiKeySha256).toBe(sha256Hex('secret'));
    expect(fake.mainRequests()).toHaveLength(1);
    expect(fake.firstUserPrompt()).toBe('fix it');
  });

  it('answers count_tokens, models, HEAD and GET', async () => {
    const fake = await start();
    expect(await postJson(fake, '/v1/messages/count_tokens', { messages: [userPrompt] })).toEqual({ input_tokens: expect.any(Number) });
    expect((await fetch(`${fake.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${fake.url}/`)).status).toBe(200);
    const models = (await (await fetch(`${fake.url}/v1/models`)).json()) as ApiAnswer;
    expect(models.data[0]?.id).toBeTypeOf('string');
  });

  it('applies setScript and delayMs, and survives a client that goes away mid-delay', async () => {
    const fake = await start();
    fake.setScript(() => ({ text: 'slow', delayMs: 400 }));
    const aborted = new AbortController();
    const gone = fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ stream: true, tools: TOOLS, messages: [userPrompt] }),
      signal: aborted.signal,
    });
    await gone.then((response) => response.headers); // stream started, content delayed
    aborted.abort();
    await expect(gone.then((response) => response.text())).rejects.toThrow();
    const started = Date.now();
    const events = await sseEvents(await post(fake, '/v1/messages', { stream: true, tools: TOOLS, messages: [userPrompt] }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(events[3]?.delta?.text).toBe('slow');
  });
});
