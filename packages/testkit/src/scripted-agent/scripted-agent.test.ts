import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { methods, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';
import type { ContentBlock, SessionUpdate } from '@agentclientprotocol/sdk';
import { spawnAcpAgent, type AgentProcess } from '../test-support/agent-process.js';
import { createRecordingClient, type RecordingClient, type RecordingClientOptions } from '../test-support/recording-client.js';
import { SCRIPTED_AGENT_BIN } from './bin-path.js';
import { parsePromptLog } from './prompt-log.js';

interface Harness {
  proc: AgentProcess;
  client: RecordingClient;
  sessionId: string;
  dir: string;
  logPath: string;
  prompt: (text: string | string[]) => Promise<string>;
  updates: () => SessionUpdate[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Spawns the real agent process in a temp dir, initializes it and opens a session. */
async function start(opts: { fs: boolean } & RecordingClientOptions): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'scripted-agent-'));
  const logPath = join(dir, 'prompts.jsonl');
  const client = createRecordingClient(opts);
  const proc = spawnAcpAgent({
    command: process.execPath,
    args: [SCRIPTED_AGENT_BIN],
    client: client.app,
    cwd: dir,
    env: { ...process.env, SCRIPTED_AGENT_LOG: logPath },
  });
  cleanups.push(async () => {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const init = await proc.agent.request(methods.agent.initialize, {
    protocolVersion: PROTOCOL_VERSION,
    clientCapabilities: { fs: { readTextFile: opts.fs, writeTextFile: opts.fs } },
  });
  expect(init.protocolVersion).toBe(PROTOCOL_VERSION);
  const { sessionId } = await proc.agent.request(methods.agent.session.new, { cwd: dir, mcpServers: [] });
  const prompt = async (text: string | string[]): Promise<string> => {
    const blocks: ContentBlock[] = (Array.isArray(text) ? text : [text]).map((t) => ({ type: 'text', text: t }));
    const response = await proc.agent.request(methods.agent.session.prompt, { sessionId, prompt: blocks });
    return response.stopReason;
  };
  const updates = (): SessionUpdate[] => client.updates.map((n) => n.update);
  return { proc, client, sessionId, dir, logPath, prompt, updates };
}

function toolUpdates(h: Harness): SessionUpdate[] {
  return h.updates().filter((u) => u.sessionUpdate === 'tool_call' || u.sessionUpdate === 'tool_call_update');
}

describe('scripted agent', () => {
  it('records each prompt and answers a prompt without instructions', async () => {
    const h = await start({ fs: false });
    expect(await h.prompt(['Fix the bug', 'in the parser'])).toBe('end_turn');
    expect(h.client.agentText()).toBe('Scripted agent received: Fix the bug');
    const log = parsePromptLog(await readFile(h.logPath, 'utf8'));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ sessionId: h.sessionId, cwd: h.dir, text: 'Fix the bug\nin the parser' });
    expect(Date.parse(log[0]?.receivedAt ?? '')).not.toBeNaN();
  });

  it('streams say, think, plan and chunks in order', async () => {
    const h = await start({ fs: false });
    await h.prompt('intro line\nthink: hmm\nplan: a | b | c\nsay: hello\nchunks: 3 tick');
    expect(h.updates()).toEqual([
      { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'hmm' } },
      {
        sessionUpdate: 'plan',
        entries: ['a', 'b', 'c'].map((content) => ({ content, status: 'pending', priority: 'medium' })),
      },
      { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'hello' } },
      ...Array.from({ length: 3 }, () => ({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'tick' } })),
    ]);
  });

  it('writes through the client fs when the client advertises it, after asking permission', async () => {
    const h = await start({ fs: true });
    expect(await h.prompt('write notes/a.txt: line1\\nline2')).toBe('end_turn');
    const path = join(h.dir, 'notes/a.txt');
    expect(h.client.writes).toEqual([{ sessionId: h.sessionId, path, content: 'line1\nline2' }]);
    expect(await readFile(path, 'utf8')).toBe('line1\nline2');
    expect(h.client.permissionRequests).toHaveLength(1);
    expect(h.client.permissionRequests[0]?.options.map((o) => o.kind)).toEqual(['allow_once', 'reject_once']);
    expect(h.client.permissionRequests[0]?.toolCall).toMatchObject({ title: 'Write notes/a.txt', kind: 'edit' });
    const [call, done] = toolUpdates(h);
    expect(call).toMatchObject({ sessionUpdate: 'tool_call', kind: 'edit', title: 'Write notes/a.txt', status: 'pending', locations: [{ path }] });
    expect(done).toMatchObject({
      sessionUpdate: 'tool_call_update',
      status: 'completed',
      content: [{ type: 'diff', path, oldText: null, newText: 'line1\nline2' }],
    });
  });

  it('writes straight to disk when the client has no fs capability', async () => {
    const h = await start({ fs: false });
    await writeFile(join(h.dir, 'a.txt'), 'old');
    await h.prompt('write a.txt: new');
    expect(h.client.writes).toEqual([]);
    expect(await readFile(join(h.dir, 'a.txt'), 'utf8')).toBe('new');
    expect(toolUpdates(h)[1]).toMatchObject({ status: 'completed', content: [{ type: 'diff', oldText: 'old', newText: 'new' }] });
  });

  it('fails the tool call and goes on when permission is rejected', async () => {
    const h = await start({ fs: true, permission: 'reject' });
    expect(await h.prompt('write a.txt: x\nsay: after')).toBe('end_turn');
    expect(existsSync(join(h.dir, 'a.txt'))).toBe(false);
    expect(h.client.writes).toEqual([]);
    expect(toolUpdates(h)[1]).toMatchObject({ sessionUpdate: 'tool_call_update', status: 'failed' });
    expect(h.client.agentText()).toBe('after');
  });

  it('reports a client fs write error on the tool call and goes on', async () => {
    const h = await start({ fs: true, failWritesWith: 'disk is full' });
    expect(await h.prompt('write a.txt: x\nsay: after')).toBe('end_turn');
    expect(toolUpdates(h)[1]).toMatchObject({
      status: 'failed',
      content: [{ type: 'content', content: { type: 'text', text: expect.stringContaining('disk is full') } }],
    });
    expect(h.client.agentText()).toBe('after');
  });

  it('reads through the client fs when advertised and says the content', async () => {
    const h = await start({ fs: true });
    await writeFile(join(h.dir, 'r.txt'), 'file body');
    await h.prompt('read r.txt');
    expect(h.client.reads.map((r) => r.path)).toEqual([join(h.dir, 'r.txt')]);
    expect(toolUpdates(h)[0]).toMatchObject({ kind: 'read', title: 'Read r.txt' });
    expect(h.client.agentText()).toBe('file body');
  });

  it('runs shell commands in the session cwd', async () => {
    const h = await start({ fs: false });
    await h.prompt('run: pwd && echo out\nrun: echo oops >&2; exit 2');
    const updates = toolUpdates(h);
    expect(updates[0]).toMatchObject({ sessionUpdate: 'tool_call', kind: 'execute', title: 'pwd && echo out' });
    const finals = updates.filter((u) => u.sessionUpdate === 'tool_call_update' && u.status !== 'in_progress');
    expect(finals[0]).toMatchObject({ status: 'completed', content: [{ content: { text: `${h.dir}\nout\n` } }] });
    expect(finals[1]).toMatchObject({ status: 'failed', content: [{ content: { text: 'oops\n' } }] });
  });

  it('holds the turn at await: until the file appears, its text so far already sent', async () => {
    const h = await start({ fs: false });
    const turn = h.prompt('say: before\nawait: go\nsay:  after');
    for (const deadline = Date.now() + 10_000; h.client.agentText() !== 'before'; ) {
      if (Date.now() > deadline) throw new Error('the text before await: never came');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await writeFile(join(h.dir, 'go'), '');
    expect(await turn).toBe('end_turn');
    expect(h.client.agentText()).toBe('before after');
  });

  it('answers fail: with a JSON-RPC error carrying the message', async () => {
    const h = await start({ fs: false });
    await expect(h.prompt('say: before\nfail: model overloaded')).rejects.toMatchObject({ message: 'model overloaded' });
    expect(h.client.agentText()).toBe('before');
  });

  it('exits with the code of exit:, after logging the prompt', async () => {
    const h = await start({ fs: false });
    void h.prompt('exit: 3').catch(() => undefined);
    expect(await h.proc.exited).toBe(3);
    expect(parsePromptLog(await readFile(h.logPath, 'utf8'))[0]?.text).toBe('exit: 3');
  });

  it('stops a sleep promptly on session/cancel and ends with cancelled', async () => {
    const h = await start({ fs: false });
    const started = Date.now();
    const stop = h.prompt('sleep: 20000\nsay: too late');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await h.proc.agent.notify(methods.agent.session.cancel, { sessionId: h.sessionId });
    expect(await stop).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(h.client.agentText()).toBe('');
  });

  it('writes nothing but JSON-RPC messages to stdout', async () => {
    const child = spawn(process.execPath, [SCRIPTED_AGENT_BIN], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const send = (message: object): boolean => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION } });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    send({ jsonrpc: '2.0', id: 2, method: 'session/new', params: { cwd: tmpdir(), mcpServers: [] } });
    send({ jsonrpc: '2.0', id: 3, method: 'no/such_method', params: {} });
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.stdin.end();
    await exited;
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBe(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
  });
});
