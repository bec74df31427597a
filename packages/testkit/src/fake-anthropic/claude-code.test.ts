/**
 * Runs the real Claude Code (its ACP adapter and native binary) against the fake Anthropic API,
 * driven over ACP like the node daemon does. Prints the start-up timings.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { methods, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';
import { spawnAcpAgent } from '../test-support/agent-process.js';
import { createTempGitRepo } from '../test-support/git-repo.js';
import { createRecordingClient, type RecordingClient } from '../test-support/recording-client.js';
import { CLAUDE_CODE_ACP_ENTRY, claudeCodeEnv } from './claude-code.js';
import { demoModel } from './demo-model.js';
import { startFakeAnthropic } from './server.js';
import type { FakeAnthropic, Script } from './types.js';

const SAMPLE_REPO = fileURLToPath(new URL('../../../../examples/sample-repo', import.meta.url));
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface ClaudeRun {
  fake: FakeAnthropic;
  client: RecordingClient;
  stopReason: string;
}

/** Starts the fake and Claude Code, runs one prompt in `cwd`, and logs the timings. */
async function runClaudeCode(script: Script, cwd: string, prompt: string, label: string): Promise<ClaudeRun> {
  const fake = await startFakeAnthropic({ script });
  const home = await mkdtemp(join(tmpdir(), 'claude-home-'));
  cleanups.push(async () => {
    await fake.close();
    await rm(home, { recursive: true, force: true });
  });
  const client = createRecordingClient({ permission: 'allow' });
  const t0 = Date.now();
  const proc = spawnAcpAgent({
    command: process.execPath,
    args: [CLAUDE_CODE_ACP_ENTRY],
    client: client.app,
    cwd,
    env: claudeCodeEnv({ baseUrl: fake.url, home }),
  });
  cleanups.push(() => proc.stop());
  try {
    await proc.agent.request(methods.agent.initialize, {
      protocolVersion: PROTOCOL_VERSION,
      clientCapabilities: { fs: { readTextFile: true, writeTextFile: true } },
    });
    const tInit = Date.now();
    const { sessionId } = await proc.agent.request(methods.agent.session.new, { cwd, mcpServers: [] });
    const tNew = Date.now();
    const response = await proc.agent.request(methods.agent.session.prompt, {
      sessionId,
      prompt: [{ type: 'text', text: prompt }],
    });
    const tEnd = Date.now();
    const firstModel = fake.mainRequests()[0];
    const tModel = firstModel ? Date.parse(firstModel.receivedAt) : NaN;
    const tUpdate = client.updateTimes.find((time) => time >= tNew) ?? NaN;
    console.log(
      `[claude-code timings: ${label}] spawn→initialize ${tInit - t0} ms; initialize→session/new ${tNew - tInit} ms; ` +
        `prompt→first main model request ${tModel - tNew} ms; prompt→first update ${tUpdate - tNew} ms; ` +
        `prompt→${response.stopReason} ${tEnd - tNew} ms; total ${tEnd - t0} ms; ` +
        `requests: ${fake.requests.length} (${fake.mainRequests().length} main); permission requests: ${client.permissionRequests.length}`,
    );
    return { fake, client, stopReason: response.stopReason };
  } catch (error) {
    console.error(`Claude Code stderr:\n${proc.stderr().slice(-4000)}`);
    throw error;
  }
}

describe('Claude Code against the fake Anthropic API', () => {
  it('sends the exact prompt, runs a scripted Bash tool call and ends the turn', async () => {
    const repo = await createTempGitRepo();
    cleanups.push(() => rm(repo, { recursive: true, force: true }));
    const script: Script = [
      { text: 'Creating the file.', toolUses: [{ name: 'Bash', input: { command: 'printf hello > hello.txt', description: 'Create hello.txt' } }] },
      { text: 'Created hello.txt.' },
    ];
    const run = await runClaudeCode(script, repo, 'create a file', 'create a file');
    expect(run.fake.firstUserPrompt()).toBe('create a file');
    expect(await readFile(join(repo, 'hello.txt'), 'utf8')).toBe('hello');
    expect(run.stopReason).toBe('end_turn');
    expect(run.client.agentText()).toContain('Created hello.txt.');
  }, 60_000);

  it('fixes the sample repo with the demo model', async () => {
    const repo = await createTempGitRepo(SAMPLE_REPO);
    cleanups.push(() => rm(repo, { recursive: true, force: true }));
    const run = await runClaudeCode(demoModel, repo, 'Fix the failing test', 'demo model');
    expect(run.stopReason).toBe('end_turn');
    expect(run.fake.mainRequests().length).toBeGreaterThanOrEqual(demoModel.length);
    expect(await readFile(join(repo, 'src/calculator.js'), 'utf8')).toContain('return a + b;');
    expect(() => execFileSync('npm', ['test'], { cwd: repo, stdio: 'pipe' })).not.toThrow();
    expect(run.client.agentText()).toContain('offline demo model');
  }, 90_000);
});
