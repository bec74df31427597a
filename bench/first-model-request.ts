/**
 * Benchmark (issue 2): time from the task `POST` to Claude Code's first model request on a fresh
 * local node, against a bare run of the same agent from this process (spawn → initialize →
 * session/new → prompt → first model request). Both talk to the fake Anthropic API; the
 * difference is what Flotilla adds: task and chat bookkeeping, the TaskRunner steps, spawning a
 * node daemon, cloning the repository, and the ACP hand-off. Prints each figure and the ratio.
 *
 * Run: `npm run bench:first-request` (RUNS=5 by default).
 */
import { CLAUDE_CODE_ACP_ENTRY, claudeCodeEnv, spawnAcpAgent, startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit';
import { bootTestStack, createGitRepo, waitForTask } from '@flotilla/testkit/stack';
import { client as acpClient, methods, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextMainRequestAt, stats } from './support.js';

const RUNS = Number(process.env.RUNS ?? '5');

async function bareRun(fake: FakeAnthropic): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), 'bench-home-'));
  const cwd = createGitRepo();
  const before = fake.mainRequests().length;
  const t0 = Date.now();
  const app = acpClient({ name: 'bench' })
    .onNotification(methods.client.session.update, () => undefined)
    .onRequest(methods.client.session.requestPermission, ({ params }) => ({
      outcome: { outcome: 'selected' as const, optionId: params.options[0]?.optionId ?? 'allow' },
    }));
  const agent = spawnAcpAgent({ command: process.execPath, args: [CLAUDE_CODE_ACP_ENTRY], client: app, env: claudeCodeEnv({ baseUrl: fake.url, home }), cwd });
  await agent.agent.request(methods.agent.initialize, { protocolVersion: PROTOCOL_VERSION, clientCapabilities: { fs: { readTextFile: true, writeTextFile: true } } });
  const { sessionId } = await agent.agent.request(methods.agent.session.new, { cwd, mcpServers: [] });
  const prompt = agent.agent.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text: 'Say hello.' }] });
  const at = await nextMainRequestAt(fake, before);
  await prompt;
  await agent.stop();
  rmSync(home, { recursive: true, force: true });
  return at - t0;
}

async function main() {
  const fake = await startFakeAnthropic({ script: [{ text: 'Hello.' }] });
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i += 1) bare.push(await bareRun(fake));

  // No warm pool: every run provisions a fresh node (bench/warm-node.ts measures warm reuse).
  const stack = await bootTestStack({ agents: 'real', nodeEnv: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'bench-key' }, vars: { NODE_WARM_TIMEOUT_MS: '0' } });
  const flotilla: number[] = [];
  try {
    const project = await stack.client.createProject({ name: 'bench', repoUrl: createGitRepo(), defaultBranch: 'main' });
    for (let i = 0; i < RUNS; i += 1) {
      const before = fake.mainRequests().length;
      const t0 = Date.now();
      const task = await stack.client.createTask(project.id, { description: 'Say hello.', run: true, agentType: 'claude-code' });
      flotilla.push((await nextMainRequestAt(fake, before)) - t0);
      await waitForTask(stack.client, task.id);
    }
  } finally {
    await stack.close();
    await fake.close();
  }

  const b = stats(bare);
  const f = stats(flotilla);
  console.log(`first model request, ${RUNS} runs each (ms)`);
  console.log(`  bare agent (spawn → first request):        median ${b.median}  min ${b.min}  max ${b.max}`);
  console.log(`  flotilla (task POST → first request):      median ${f.median}  min ${f.min}  max ${f.max}`);
  console.log(`  ratio flotilla / bare (medians):            ${(f.median / b.median).toFixed(2)}x  (overhead ${f.median - b.median} ms)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
