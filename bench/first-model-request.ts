/**
 * Benchmark (issue 2): time from the task `POST` to Claude Code's first model request on a fresh
 * local node, against a bare run of the same agent from this process (spawn → initialize →
 * session/new → prompt → first model request). Both talk to the fake Anthropic API; the
 * difference is what Flotilla adds: task and chat bookkeeping, the TaskRunner steps, spawning a
 * node daemon, cloning the repository, and the ACP hand-off. Prints each figure and the ratio.
 *
 * Containment's cost (issue 12, goal: under 5% of the hand-off): the same tasks, same run,
 * alternating, on a stack whose nodes are unconfined (FLOTILLA_UNSAFE_NO_SANDBOX=1 with
 * FLOTILLA_BWRAP pointing at a missing program, so the agent talks to the gateway and proxy on
 * loopback ports, no bubblewrap) and on one whose nodes sandbox the agent with bubblewrap (gateway
 * and proxy bridged in by socat). Both go through the model gateway. Prints both, their ratio, and
 * the difference as a share of the sandboxed hand-off.
 *
 * Run: `npm run bench:first-request` (RUNS=5 by default).
 */
import { CLAUDE_CODE_ACP_ENTRY, claudeCodeEnv, spawnAcpAgent, startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit';
import { bootTestStack, createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
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

/** A stack whose nodes get `nodeEnv` on top of the fake model's settings, and a project on it. */
async function bootBenchStack(fake: FakeAnthropic, nodeEnv: Record<string, string>): Promise<{ stack: TestStack; projectId: string }> {
  // No warm pool: every run provisions a fresh node (bench/warm-node.ts measures warm reuse).
  const stack = await bootTestStack({ agents: 'real', nodeEnv: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'bench-key', ...nodeEnv }, vars: { NODE_WARM_TIMEOUT_MS: '0' } });
  const project = await stack.client.createProject({ name: 'bench', repoUrl: createGitRepo(), defaultBranch: 'main' });
  return { stack, projectId: project.id };
}

/**
 * Task `POST` → first model request (ms) of one task on a fresh node of `on`, and how that node
 * contained the agent (`bubblewrap`, `none`).
 * @throws Error when the task does not complete
 */
async function flotillaRun(fake: FakeAnthropic, on: { stack: TestStack; projectId: string }): Promise<{ ms: number; sandbox: string }> {
  const before = fake.mainRequests().length;
  const t0 = Date.now();
  const task = await on.stack.client.createTask(on.projectId, { description: 'Say hello.', run: true, agentType: 'claude-code' });
  const at = await nextMainRequestAt(fake, before);
  // Its node, while it still runs the task (a node with no warm pool goes once it is done).
  const nodeId = (await on.stack.client.getTask(task.id)).nodeId;
  const node = (await on.stack.client.listNodes()).find((candidate) => candidate.id === nodeId);
  const done = await waitForTask(on.stack.client, task.id);
  if (done.status !== 'completed') throw new Error(`bench task ${task.id} ended ${done.status}: ${done.error ?? ''}`);
  return { ms: at - t0, sandbox: node?.sandbox ?? 'unknown' };
}

async function main() {
  const fake = await startFakeAnthropic({ script: [{ text: 'Hello.' }] });
  const bare: number[] = [];
  const unconfined: number[] = [];
  const sandboxed: number[] = [];
  const stacks: TestStack[] = [];
  try {
    for (let i = 0; i < RUNS; i += 1) bare.push(await bareRun(fake));
    const open = await bootBenchStack(fake, { FLOTILLA_UNSAFE_NO_SANDBOX: '1', FLOTILLA_BWRAP: join(tmpdir(), 'no-such-bwrap') });
    stacks.push(open.stack);
    const closed = await bootBenchStack(fake, {});
    stacks.push(closed.stack);
    // Alternating, so that the machine's load weighs on both alike.
    const kinds = { unconfined: new Set<string>(), sandboxed: new Set<string>() };
    for (let i = 0; i < RUNS; i += 1) {
      const a = await flotillaRun(fake, open);
      unconfined.push(a.ms);
      kinds.unconfined.add(a.sandbox);
      const b = await flotillaRun(fake, closed);
      sandboxed.push(b.ms);
      kinds.sandboxed.add(b.sandbox);
    }
    console.log(`nodes' sandbox: unconfined stack ${[...kinds.unconfined].join(', ')}; sandboxed stack ${[...kinds.sandboxed].join(', ')}`);
  } finally {
    for (const stack of stacks) await stack.close();
    await fake.close();
  }

  const b = stats(bare);
  const u = stats(unconfined);
  const f = stats(sandboxed);
  console.log(`first model request, ${RUNS} runs each (ms)`);
  console.log(`  bare agent (spawn → first request):               median ${b.median}  min ${b.min}  max ${b.max}`);
  console.log(`  flotilla, unconfined (task POST → first request): median ${u.median}  min ${u.min}  max ${u.max}`);
  console.log(`  flotilla, sandboxed (task POST → first request):  median ${f.median}  min ${f.min}  max ${f.max}`);
  console.log(`  ratio flotilla sandboxed / bare (medians):        ${(f.median / b.median).toFixed(2)}x  (overhead ${f.median - b.median} ms)`);
  console.log(`  ratio sandboxed / unconfined (medians):           ${(f.median / u.median).toFixed(3)}x  (bubblewrap and its bridges: ${f.median - u.median} ms, ${(((f.median - u.median) / f.median) * 100).toFixed(1)}% of the hand-off)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
