import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../fake-anthropic/http-util.js';
import { postJson, readSse } from '../fake-model/test-support.js';
import type { FakeModelApi, FakeModelOptions } from '../fake-model/types.js';
import { startFakeOpenAI } from './server.js';

const fakes: FakeModelApi[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

async function start(options: FakeModelOptions = {}): Promise<FakeModelApi> {
  const fake = await startFakeOpenAI(options);
  fakes.push(fake);
  return fake;
}

const KEY = { authorization: 'Bearer sk-test-key' };
const chatTool = (name: string) => ({ type: 'function', function: { name, parameters: { type: 'object' } } });
const chatBody = (tools: string[], extra: object[] = []) => ({
  model: 'fake-model',
  stream: true,
  tools: tools.map(chatTool),
  messages: [{ role: 'system', content: 'You are an agent.' }, { role: 'user', content: [{ type: 'text', text: '<task>\nmake it\n</task>' }] }, ...extra],
});
interface Chunk { choices: Array<{ delta: { content?: string | null; tool_calls?: Array<{ function: { name: string; arguments: string } }> }; finish_reason: string | null }>; usage?: Record<string, unknown> }

/** Streams a chat completion and returns its chunks (without `[DONE]`), checking `[DONE]` ends it. */
async function chatChunks(fake: FakeModelApi, body: object): Promise<Chunk[]> {
  const events = await readSse(await postJson(`${fake.url}/v1/chat/completions`, body, KEY));
  expect(events.at(-1)?.data).toBe('[DONE]');
  return events.slice(0, -1).map((event) => event.data as Chunk);
}

/** The tool call streamed in chat chunks, arguments parsed. */
function chatToolCall(chunks: Chunk[]): { name: string; args: unknown } | undefined {
  const call = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])[0];
  return call ? { name: call.function.name, args: JSON.parse(call.function.arguments) as unknown } : undefined;
}

describe('fake OpenAI API, Chat Completions', () => {
  it.each([
    ['bash', { command: 'echo hi > hello.txt', description: expect.any(String) }], // OpenCode
    ['run_shell_command', { command: 'echo hi > hello.txt', description: expect.any(String) }], // Qwen Code
    ['run_commands', { commands: ['echo hi > hello.txt'] }], // Cline
  ])('calls the %s shell tool for a shell turn', async (tool, args) => {
    const fake = await start({ script: [{ text: 'Creating it.', shell: 'echo hi > hello.txt' }] });
    const chunks = await chatChunks(fake, chatBody(['read', tool]));
    expect(chatToolCall(chunks)).toEqual({ name: tool, args });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content).join('')).toBe('Creating it.');
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('answers turn N after N tool results, "Done." past the script, and reports usage without include_usage', async () => {
    const fake = await start({ script: [{ shell: 'ls' }, { text: 'Listed.' }] });
    const toolRound = [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bash', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'a.txt' }];
    const second = await chatChunks(fake, chatBody(['bash'], toolRound));
    expect(chatToolCall(second)).toBeUndefined();
    expect(second[0]?.choices[0]?.delta.content).toBe('Listed.');
    expect(second.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    const third = await chatChunks(fake, chatBody(['bash'], [...toolRound, ...toolRound]));
    expect(third[0]?.choices[0]?.delta.content).toBe('Done.');
    const usage = third.at(-1)?.usage;
    const reported = fake.requests()[1]?.reportedUsage;
    expect(reported).toEqual({ inputTokens: expect.any(Number), outputTokens: expect.any(Number), cachedTokens: expect.any(Number) });
    expect(usage).toEqual({
      prompt_tokens: reported?.inputTokens,
      completion_tokens: reported?.outputTokens,
      total_tokens: (reported?.inputTokens ?? 0) + (reported?.outputTokens ?? 0),
      prompt_tokens_details: { cached_tokens: reported?.cachedTokens },
    });
  });

  it('answers side calls without tools: a title request, and non-streaming', async () => {
    const fake = await start({ script: [{ shell: 'ls' }] });
    const title = await chatChunks(fake, { model: 'm', stream: true, messages: [{ role: 'user', content: 'Generate a title for: make it' }] });
    expect(chatToolCall(title)).toBeUndefined();
    const plain = (await (await postJson(`${fake.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'hi' }] }, KEY)).json()) as { choices: Array<{ message: { content: string } }>; usage: object };
    expect(plain.choices[0]?.message.content).toBe('OK.');
    expect(plain.usage).toMatchObject({ prompt_tokens: expect.any(Number) });
    expect(fake.mainRequests()).toHaveLength(0);
    expect(fake.requests().every((request) => request.reportedUsage !== undefined)).toBe(true);
  });

  it("answers Qwen Code's background requests after the turn as side calls, though they offer the shell tool", async () => {
    const fake = await start({ script: [{ shell: 'ls' }] });
    const done = [{ role: 'assistant', content: 'Done.' }];
    for (const text of ['Managed memory has TWO directories. Choose which one…', '[SUGGESTION MODE: Suggest what the user might naturally type next.]']) {
      const chunks = await chatChunks(fake, chatBody(['run_shell_command'], [...done, { role: 'user', content: [{ type: 'text', text }] }]));
      expect(chatToolCall(chunks)).toBeUndefined();
      expect(chunks[0]?.choices[0]?.delta.content).toBe('OK.');
    }
    expect(fake.mainRequests()).toHaveLength(0);
  });

  it('records requests with the key hashed and finds the user prompt', async () => {
    const fake = await start();
    await chatChunks(fake, chatBody(['bash']));
    const [request] = fake.requests();
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', main: true, headers: { authorization: '<redacted>' } });
    expect(request?.apiKeySha256).toBe(sha256Hex('sk-test-key'));
    expect(JSON.stringify(fake.requests())).not.toContain('sk-test-key');
    expect(fake.firstUserPrompt()).toBe('make it');
  });
});

describe('fake OpenAI API, Responses', () => {
  const responsesBody = (extra: object[] = [], stream = true) => ({
    model: 'gpt-fake',
    stream,
    tools: [{ type: 'function', name: 'exec_command', parameters: {} }, { type: 'web_search' }],
    input: [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'rules' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n<cwd>/w</cwd>\n</environment_context>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'make it' }] },
      ...extra,
    ],
  });

  it("streams a shell turn as a call of Codex's exec_command, then the final text with usage", async () => {
    const fake = await start({ script: [{ text: 'On it.', shell: 'echo hi > hello.txt' }, { text: 'Made it.' }] });
    const events = await readSse(await postJson(`${fake.url}/v1/responses`, responsesBody(), KEY));
    const types = events.map((event) => event.event);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    const done = events.filter((event) => event.event === 'response.output_item.done').map((event) => (event.data as { item: Record<string, unknown> }).item);
    expect(done[0]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'On it.' }] });
    expect(done[1]).toMatchObject({ type: 'function_call', name: 'exec_command', call_id: expect.any(String) });
    expect(JSON.parse(String(done[1]?.arguments))).toEqual({ cmd: 'echo hi > hello.txt' });
    const completed = events.at(-1)?.data as { response: { usage: Record<string, unknown> } };
    expect(completed.response.usage).toMatchObject({ input_tokens: fake.requests()[0]?.reportedUsage?.inputTokens, input_tokens_details: { cached_tokens: expect.any(Number) } });

    const result = [{ type: 'function_call', call_id: 'c1', name: 'exec_command', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: 'ok' }];
    const final = (await (await postJson(`${fake.url}/v1/responses`, responsesBody(result, false), KEY)).json()) as { output: unknown[]; usage: object };
    expect(final.output).toEqual([expect.objectContaining({ type: 'message', content: [expect.objectContaining({ text: 'Made it.' })] })]);
    expect(final.usage).toMatchObject({ output_tokens: expect.any(Number) });
    expect(fake.firstUserPrompt()).toBe('make it');
    expect(fake.mainRequests()).toHaveLength(2);
  });

  it('lists models under any prefix and refuses unknown routes with a 404 API error', async () => {
    const fake = await start();
    const models = (await (await fetch(`${fake.url}/v1/models`, { headers: KEY })).json()) as { data: Array<{ id: string }> };
    expect(models.data[0]?.id).toBe('fake-model');
    const missing = await postJson(`${fake.url}/v1/embeddings`, {});
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { message: expect.any(String) } });
  });

  it('holds a delayed turn back and answers nothing once the client has gone away', async () => {
    const fake = await start({ script: () => ({ text: 'slow', delayMs: 60_000 }) });
    const aborted = new AbortController();
    const response = await postJson(`${fake.url}/v1/responses`, responsesBody(), KEY, aborted.signal);
    expect(response.status).toBe(200); // head sent, content held back
    aborted.abort();
    await expect(response.text()).rejects.toThrow();
    fake.setScript([{ text: 'quick' }]);
    const events = await readSse(await postJson(`${fake.url}/v1/responses`, responsesBody(), KEY));
    expect(events.some((event) => JSON.stringify(event.data).includes('quick'))).toBe(true);
  });
});
