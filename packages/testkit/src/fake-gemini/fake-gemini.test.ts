import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../fake-anthropic/http-util.js';
import { postJson, readSse } from '../fake-model/test-support.js';
import type { FakeModelApi, FakeModelOptions } from '../fake-model/types.js';
import { startFakeGemini } from './server.js';

const fakes: FakeModelApi[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

async function start(options: FakeModelOptions = {}): Promise<FakeModelApi> {
  const fake = await startFakeGemini(options);
  fakes.push(fake);
  return fake;
}

const KEY = { 'x-goog-api-key': 'gm-test-key' };
const STREAM = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';
const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent';
const tools = [{ functionDeclarations: [{ name: 'read_file' }, { name: 'run_shell_command' }] }];
const prompt = { role: 'user', parts: [{ text: '<session_context>\nThis is the Gemini CLI.\n</session_context>' }, { text: 'make it' }] };
const toolRound = [
  { role: 'model', parts: [{ functionCall: { name: 'run_shell_command', args: { command: 'ls' } } }] },
  { role: 'user', parts: [{ functionResponse: { name: 'run_shell_command', response: { output: 'a.txt' } } }] },
];
interface GeminiResponse {
  candidates: Array<{ content: { parts: Array<{ text?: string; functionCall?: { name: string; args: unknown } }> }; finishReason?: string }>;
  usageMetadata?: Record<string, number>;
}

/** Streams a generateContent call and returns its chunks. */
async function streamChunks(fake: FakeModelApi, body: object, path = STREAM): Promise<GeminiResponse[]> {
  const response = await postJson(`${fake.url}${path}`, body, KEY);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  return (await readSse(response)).map((event) => event.data as GeminiResponse);
}

const partsOf = (chunks: GeminiResponse[]) => chunks.flatMap((chunk) => chunk.candidates[0]?.content.parts ?? []);

describe('fake Gemini API', () => {
  it('streams a shell turn as a run_shell_command call, then the final text, with usage', async () => {
    const fake = await start({ script: [{ text: 'On it.', shell: 'echo hi > hello.txt' }, { text: 'Made it.' }] });
    const first = await streamChunks(fake, { contents: [prompt], tools });
    expect(partsOf(first)).toEqual([{ text: 'On it.' }, { functionCall: { name: 'run_shell_command', args: { command: 'echo hi > hello.txt', description: expect.any(String) } } }]);
    expect(first.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
    const second = await streamChunks(fake, { contents: [prompt, ...toolRound], tools });
    expect(partsOf(second)).toEqual([{ text: 'Made it.' }]);
    const reported = fake.requests()[1]?.reportedUsage;
    expect(second.at(-1)?.usageMetadata).toEqual({
      promptTokenCount: reported?.inputTokens,
      candidatesTokenCount: reported?.outputTokens,
      totalTokenCount: (reported?.inputTokens ?? 0) + (reported?.outputTokens ?? 0),
      cachedContentTokenCount: reported?.cachedTokens,
    });
    const past = (await (await postJson(`${fake.url}${GENERATE}`, { contents: [prompt, ...toolRound, ...toolRound], tools }, KEY)).json()) as GeminiResponse;
    expect(past.candidates[0]?.content.parts).toEqual([{ text: 'Done.' }]);
    expect(fake.mainRequests()).toHaveLength(3);
    expect(fake.firstUserPrompt()).toBe('make it');
  });

  it('answers side calls without tools: JSON from the response schema, else plain text', async () => {
    const fake = await start({ script: [{ shell: 'ls' }] });
    const schema = { type: 'OBJECT', properties: { reasoning: { type: 'STRING' }, next_speaker: { type: 'STRING', enum: ['model', 'user'] } } };
    const nextSpeaker = (await (await postJson(`${fake.url}${GENERATE}`, { contents: [prompt], tools, generationConfig: { responseJsonSchema: schema, responseMimeType: 'application/json' } }, KEY)).json()) as GeminiResponse;
    expect(JSON.parse(nextSpeaker.candidates[0]?.content.parts[0]?.text ?? '')).toEqual({ reasoning: 'fake', next_speaker: 'user' });
    const plain = await streamChunks(fake, { contents: [{ role: 'user', parts: [{ text: 'summarise' }] }] });
    expect(partsOf(plain)).toEqual([{ text: 'OK.' }]);
    expect(plain.at(-1)?.usageMetadata).toMatchObject({ promptTokenCount: expect.any(Number) });
    expect(fake.mainRequests()).toHaveLength(0);
  });

  it('records the key of x-goog-api-key or ?key= only hashed, and counts tokens', async () => {
    const fake = await start();
    const count = (await (await postJson(`${fake.url}/v1beta/models/gemini-2.5-flash:countTokens?key=query-key`, { contents: [prompt] })).json()) as { totalTokens: number };
    expect(count.totalTokens).toBeGreaterThan(0);
    await streamChunks(fake, { contents: [prompt], tools });
    const [counted, streamed] = fake.requests();
    expect(counted?.path).toBe('/v1beta/models/gemini-2.5-flash:countTokens?key=<redacted>');
    expect(counted?.apiKeySha256).toBe(sha256Hex('query-key'));
    expect(streamed).toMatchObject({ main: true, headers: { 'x-goog-api-key': '<redacted>' }, apiKeySha256: sha256Hex('gm-test-key') });
    expect(JSON.stringify(fake.requests())).not.toMatch(/query-key|gm-test-key/);
    expect((await postJson(`${fake.url}/v1beta/files`, {})).status).toBe(404);
  });

  it('holds a delayed turn back and answers nothing once the client has gone away', async () => {
    const fake = await start({ script: () => ({ text: 'slow', delayMs: 60_000 }) });
    const aborted = new AbortController();
    const response = await postJson(`${fake.url}${STREAM}`, { contents: [prompt], tools }, KEY, aborted.signal);
    expect(response.status).toBe(200); // head sent, content held back
    aborted.abort();
    await expect(response.text()).rejects.toThrow();
    fake.setScript([{ text: 'quick' }]);
    expect(partsOf(await streamChunks(fake, { contents: [prompt], tools }))).toEqual([{ text: 'quick' }]);
  });
});
