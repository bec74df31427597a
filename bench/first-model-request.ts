/**
 * Benchmark (issues 2, 12, 13): time from the task `POST` to an agent's first model request on a
 * fresh local node, against a bare run of the same agent from this process (spawn → initialize →
 * session/new → prompt → first model request, configured as the node daemon configures it but
 * talking to the model API directly). Both talk to a fake of the agent's model API (testkit); the
 * difference is what Flotilla adds: task and chat bookkeeping, the TaskRunner steps, spawning a
 * node daemon, cloning the repository, the sandbox, the model gateway and the ACP hand-off.
 *
 * Containment's cost (issue 12, goal: under 5% of the hand-off): the same tasks, same run,
 * alternating, on a stack whose nodes are unconfined (FLOTILLA_UNSAFE_NO_SANDBOX=1 with
 * FLOTILLA_BWRAP pointing at a missing program, so the agent talks to the gateway and proxy on
 * loopback ports, no bubblewrap) and on one whose nodes sandbox the agent with bubblewrap (gateway
 * and proxy bridged in by socat). Both go through the model gateway.
 *
 * Run: `npm run bench:first-request` — `AGENT=<type>` (default `claude-code`), a comma list, or
 * `AGENT=all` for every agent type; `RUNS=5` runs per figure. Prints, per agent, each figure and
 * the ratios flotilla/bare and sandboxed/unconfined.
 */
import { AGENT_CATALOG, AgentType, type AgentType as AgentTypeValue } from '@flotilla/contracts';
import { AGENT_DEFINITIONS, writeHomeFiles } from '@flotilla/node-daemon';
import { spawnAcpAgent, startFakeAnthropic } from '@flotilla/testkit';
import { startFakeGemini } from '@flotilla/testkit/fake-gemini';
import { fakeModelNodeEnv, startFakeOpenAI } from '@flotilla/testkit/fake-openai';
import { bootTestStack, createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { client as acpClient, methods, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextMainRequestAt, stats, type RecordingFake } from './support.js';

const RUNS = Number(process.env.RUNS ?? '5');
const AGENTS: AgentTypeValue[] =
  (process.env.AGENT ?? 'claude-code') === 'all' ? [...AgentType.options] : (process.env.AGENT ?? 'claude-code').split(',').map((name) => AgentType.parse(name.trim()));
const KEY = 'bench-key-not-real';

interface Fakes {
  anthropic: RecordingFake & { url: string; close(): Promise<void> };
  openai: RecordingFake & { url: string; close(): Promise<void> };
  gemini: RecordingFake & { url: string; close(): Promise<void> };
}

const fakeOf = (fakes: Fakes, agentType: AgentTypeValue) => fakes[AGENT_CATALOG[agentType].modelApi];

/** The API base URL an agent of `agentType` is given to reach `fake` directly (its gateway URL on a node). */
function directBaseUrl(fakes: Fakes, agentType: AgentTypeValue): string {
  const { modelApi } = AGENT_CATALOG[agentType];
  return modelApi === 'openai' ? `${fakes.openai.url}/v1` : fakeOf(fakes, agentType).url;
}

/** Spawn → first model request (ms) of `agentType` started by hand, as its node daemon would start it, minus the sandbox and gateway. */
async function bareRun(fakes: Fakes, agentType: AgentTypeValue): Promise<number> {
  const fake = fakeOf(fakes, agentType);
  const home = mkdtempSync(join(tmpdir(), 'bench-home-'));
  const cwd = createGitRepo();
  const definition = AGENT_DEFINITIONS[agentType];
  const model = AGENT_CATALOG[agentType].modelApi === 'gemini' ? 'gemini-2.5-flash' : 'fake-model';
  const launch = definition.launch({ home, gatewayUrl: directBaseUrl(fakes, agentType), token: KEY, model, permissionPolicy: 'allow' });
  writeHomeFiles(home, launch.files);
  const { command, args } = definition.command();
  const before = fake.mainRequests().length;
  const t0 = Date.now();
  const app = acpClient({ name: 'bench' })
    .onNotification(methods.client.session.update, () => undefined)
    .onRequest(methods.client.session.requestPermission, ({ params }) => ({
      outcome: { outcome: 'selected' as const, optionId: params.options[0]?.optionId ?? 'allow' },
    }));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: join(home, 'tmp'), ...launch.env };
  const agent = spawnAcpAgent({ command, args: [...args, ...launch.args], client: app, env, cwd });
  await agent.agent.request(methods.agent.initialize, { protocolVersion: PROTOCOL_VERSION, clientCapabilities: { fs: { readTextFile: true, writeTextFile: true } } });
  const { sessionId } = await agent.agent.request(methods.agent.session.new, { cwd, mcpServers: [] });
  const prompt = agent.agent.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text: 'Say hello.' }] });
  const at = await nextMainRequestAt(fake, before);
  await prompt;
  await agent.stop();
  rmSync(home, { recursive: true, force: true });
  return at - t0;
}

/** A stack whose nodes get `nodeEnv` on top of every fake's settings, and a project on it. */
async function bootBenchStack(fakes: Fakes, nodeEnv: Record<string, string>): Promise<{ stack: TestStack; projectId: string }> {
  // No warm pool: every run provisions a fresh node (bench/warm-node.ts measures warm reuse).
  const modelEnv = { ...fakeModelNodeEnv('claude-code', fakes.anthropic.url, KEY), ...fakeModelNodeEnv('codex', fakes.openai.url, KEY), ...fakeModelNodeEnv('gemini', fakes.gemini.url, KEY) };
  const stack = await bootTestStack({ agents: 'real', nodeEnv: { ...modelEnv, ...nodeEnv }, vars: { NODE_WARM_TIMEOUT_MS: '0' } });
  const project = await stack.client.createProject({ name: 'bench', repoUrl: createGitRepo(), defaultBranch: 'main' });
  return { stack, projectId: project.id };
}

/**
 * Task `POST` → first model request (ms) of one task of `agentType` on a fresh node of `on`, and
 * how that node contained the agent (`bubblewrap`, `none`).
 * @throws Error when the task does not complete
 */
async function flotillaRun(fakes: Fakes, agentType: AgentTypeValue, on: { stack: TestStack; projectId: string }): Promise<{ ms: number; sandbox: string }> {
  const fake = fakeOf(fakes, agentType);
  const before = fake.mainRequests().length;
  const t0 = Date.now();
  const task = await on.stack.client.createTask(on.projectId, { description: 'Say hello.', run: true, agentType });
  const at = await nextMainRequestAt(fake, before);
  // Its node, while it still runs the task (a node with no warm pool goes once it is done).
  const nodeId = (await on.stack.client.getTask(task.id)).nodeId;
  const node = (await on.stack.client.listNodes()).find((candidate) => candidate.id === nodeId);
  const done = await waitForTask(on.stack.client, task.id, 240_000);
  if (done.status !== 'completed') throw new Error(`bench task ${task.id} (${agentType}) ended ${done.status}: ${done.error ?? ''}`);
  return { ms: at - t0, sandbox: node?.sandbox ?? 'unknown' };
}

interface AgentFigures {
  bare: number[];
  unconfined: number[];
  sandboxed: number[];
}

function report(agentType: AgentTypeValue, figures: AgentFigures): void {
  const b = stats(figures.bare);
  const u = stats(figures.unconfined);
  const f = stats(figures.sandboxed);
  console.log(`${agentType} (${AGENT_CATALOG[agentType].label}): first model request, ${RUNS} runs each (ms)`);
  console.log(`  bare agent (spawn → first request):               median ${b.median}  min ${b.min}  max ${b.max}`);
  console.log(`  flotilla, unconfined (task POST → first request): median ${u.median}  min ${u.min}  max ${u.max}`);
  console.log(`  flotilla, sandboxed (task POST → first request):  median ${f.median}  min ${f.min}  max ${f.max}`);
  console.log(`  ratio flotilla sandboxed / bare (medians):        ${(f.median / b.median).toFixed(2)}x  (overhead ${f.median - b.median} ms)`);
  console.log(`  ratio sandboxed / unconfined (medians):           ${(f.median / u.median).toFixed(3)}x  (bubblewrap and its bridges: ${f.median - u.median} ms, ${(((f.median - u.median) / f.median) * 100).toFixed(1)}% of the hand-off)`);
}

async function main() {
  const fakes: Fakes = {
    anthropic: await startFakeAnthropic({ script: [{ text: 'Hello.' }] }),
    openai: await startFakeOpenAI({ script: [{ text: 'Hello.' }] }),
    gemini: await startFakeGemini({ script: [{ text: 'Hello.' }] }),
  };
  const figures = new Map<AgentTypeValue, AgentFigures>();
  const stacks: TestStack[] = [];
  try {
    const open = await bootBenchStack(fakes, { FLOTILLA_UNSAFE_NO_SANDBOX: '1', FLOTILLA_BWRAP: join(tmpdir(), 'no-such-bwrap') });
    stacks.push(open.stack);
    const closed = await bootBenchStack(fakes, {});
    stacks.push(closed.stack);
    for (const agentType of AGENTS) {
      const runs: AgentFigures = { bare: [], unconfined: [], sandboxed: [] };
      for (let i = 0; i < RUNS; i += 1) runs.bare.push(await bareRun(fakes, agentType));
      // Alternating, so that the machine's load weighs on both alike.
      const kinds = { unconfined: new Set<string>(), sandboxed: new Set<string>() };
      for (let i = 0; i < RUNS; i += 1) {
        const a = await flotillaRun(fakes, agentType, open);
        runs.unconfined.push(a.ms);
        kinds.unconfined.add(a.sandbox);
        const b = await flotillaRun(fakes, agentType, closed);
        runs.sandboxed.push(b.ms);
        kinds.sandboxed.add(b.sandbox);
      }
      console.log(`${agentType}: nodes' sandbox: unconfined stack ${[...kinds.unconfined].join(', ')}; sandboxed stack ${[...kinds.sandboxed].join(', ')}`);
      figures.set(agentType, runs);
      report(agentType, runs);
    }
  } finally {
    for (const stack of stacks) await stack.close();
    await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  }
  if (figures.size > 1) {
    console.log('\nsummary: flotilla sandboxed / bare (medians)');
    for (const [agentType, runs] of figures) console.log(`  ${agentType.padEnd(12)} ${(stats(runs.sandboxed).median / stats(runs.bare).median).toFixed(2)}x  (bare ${stats(runs.bare).median} ms, flotilla ${stats(runs.sandboxed).median} ms)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
