/**
 * Benchmark (issues 2, 12, 13, 15): time from the task `POST` to an agent's first model request,
 * against a bare run of the same agent from this process (spawn → initialize → session/new →
 * prompt → first model request, configured as the node daemon configures it but talking to the
 * model API directly). Both talk to a fake of the agent's model API (testkit); the difference is
 * what Flotilla adds: task and chat bookkeeping, the TaskRunner steps, a node daemon, cloning the
 * repository, the sandbox (bubblewrap), the model gateway and the ACP hand-off.
 *
 * In one run, per agent type (issue 15): **bare** (one run right before each fresh, warm and hot
 * run, so the baseline is measured at the machine's speed of the moment); **fresh** — a node
 * provisioned for each task (no warm pool; its daemon starts the task's agent as it announces itself: a warm agent); **warm** — a
 * task on the node the previous task left warm, with the warm agent it keeps; **hot** — a task on
 * a hot agent (a project keeping one: repository cloned, agent spawned and past `session/new`).
 * Each with its median and its ratio to the bare start, and a per-step breakdown (path-steps.ts)
 * of fresh, warm and hot from the steps the control plane records.
 *
 * Containment's cost (issue 12): with `CONTAINMENT=1`, also fresh tasks on nodes that do not
 * sandbox the agent (FLOTILLA_UNSAFE_NO_SANDBOX=1, FLOTILLA_BWRAP pointing at a missing program),
 * alternating with the sandboxed ones, and the ratio sandboxed / unconfined.
 *
 * Warm agents' effect: with `WARM_AGENTS_AB=1`, also fresh tasks on nodes of a stack with
 * NODE_WARM_AGENTS=0 (the agent starts with the checkout), alternating with the usual fresh ones,
 * and the ratio with / without.
 *
 * The local cloud's standby daemon (a node daemon loaded ahead of the node that takes it): every
 * stack keeps one, as `flotilla up` does; with `STANDBY_AB=1`, also fresh tasks on a stack without
 * one (LOCAL_NODE_STANDBY=0), alternating, and the ratio with / without. Before each bare run the
 * bench waits until the fresh stacks have their next standby and lets it load, so its start does
 * not land in the bare run.
 *
 * Run: `npm run bench:first-request` — `AGENT=<type>` (default `claude-code`), a comma list, or
 * `AGENT=all`; `RUNS=5` runs per figure.
 */
import { AGENT_CATALOG, AgentType, type AgentType as AgentTypeValue } from '@flotilla/contracts';
import { AGENT_DEFINITIONS, writeHomeFiles } from '@flotilla/node-daemon';
import { spawnAcpAgent, startFakeAnthropic } from '@flotilla/testkit';
import { startFakeGemini } from '@flotilla/testkit/fake-gemini';
import { fakeModelNodeEnv, startFakeOpenAI } from '@flotilla/testkit/fake-openai';
import { bootTestStack, createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { client as acpClient, methods, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { breakdownOf, printBreakdown, type PathBreakdown } from './path-steps.js';
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

/** Of each bare run: its `session/prompt` → first model request (ms), the part no preparation can save. */
const barePromptToRequest: number[] = [];

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
  const promptAt = Date.now();
  const prompt = agent.agent.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text: 'Say hello.' }] });
  const at = await nextMainRequestAt(fake, before);
  barePromptToRequest.push(at - promptAt);
  await prompt;
  await agent.stop();
  rmSync(home, { recursive: true, force: true });
  return at - t0;
}

/** A stack whose nodes get `nodeEnv` on top of every fake's settings and control-plane `vars`, and a project on it keeping `hotAgents`. */
async function bootBenchStack(fakes: Fakes, nodeEnv: Record<string, string>, vars: Record<string, string>, standby = true): Promise<{ stack: TestStack; projectId: string }> {
  const modelEnv = { ...fakeModelNodeEnv('claude-code', fakes.anthropic.url, KEY), ...fakeModelNodeEnv('codex', fakes.openai.url, KEY), ...fakeModelNodeEnv('gemini', fakes.gemini.url, KEY) };
  const stack = await bootTestStack({ agents: 'real', nodeEnv: { ...modelEnv, ...nodeEnv }, vars, standby });
  return { stack, projectId: await newProject(stack, 0) };
}

/** A project on a fresh repository keeping `hotAgents` hot agents. */
async function newProject(stack: TestStack, hotAgents: number): Promise<string> {
  const project = await stack.client.createProject({ name: 'bench', repoUrl: createGitRepo(), defaultBranch: 'main' });
  if (hotAgents > 0) await stack.client.updateProject(project.id, { hotAgents });
  return project.id;
}

interface FlotillaRun {
  ms: number;
  sandbox: string;
  nodeId: string;
  breakdown: PathBreakdown;
}

/**
 * Task `POST` → first model request (ms) of one task of `agentType` in project `projectId`, how
 * its node contained the agent (`bubblewrap`, `none`), and its path step by step.
 * @throws Error when the task does not complete
 */
async function flotillaRun(fakes: Fakes, agentType: AgentTypeValue, stack: TestStack, projectId: string): Promise<FlotillaRun> {
  const fake = fakeOf(fakes, agentType);
  const before = fake.mainRequests().length;
  const t0 = Date.now();
  const task = await stack.client.createTask(projectId, { description: 'Say hello.', run: true, agentType });
  const at = await nextMainRequestAt(fake, before);
  // Its node, while it still runs the task (a node with no warm pool goes once it is done).
  const nodeId = (await stack.client.getTask(task.id)).nodeId ?? '';
  const node = (await stack.client.listNodes()).find((candidate) => candidate.id === nodeId);
  const done = await waitForTask(stack.client, task.id, 240_000);
  if (done.status !== 'completed') throw new Error(`bench task ${task.id} (${agentType}) ended ${done.status}: ${done.error ?? ''}`);
  const breakdown = breakdownOf(await stack.client.getTaskSteps(task.id), t0, at);
  return { ms: at - t0, sandbox: node?.sandbox ?? 'unknown', nodeId, breakdown };
}

/** Wait until node `nodeId` is warm (its task's cleanup is done). */
async function waitForWarm(stack: TestStack, nodeId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await stack.client.listNodes()).find((node) => node.id === nodeId)?.status === 'warm') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`node ${nodeId} did not go warm`);
}

/**
 * Wait until node `nodeId` keeps a warm agent past ACP `initialize` (its daemon's log says so: the
 * last `warm agent preparing`, then `agent initialized` in that shell) — a node the previous task
 * left warm, as a user's next task finds it, the way the hot figures wait for a prepared hot agent.
 */
async function waitForWarmAgent(stack: TestStack, nodeId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const log = join(stack.home, 'nodes', nodeId, 'daemon.log');
  while (Date.now() < deadline) {
    const entries = readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; workspaceId?: string });
    const preparing = entries.filter((entry) => entry.msg === 'warm agent preparing').at(-1);
    if (preparing && entries.some((entry) => entry.msg === 'agent initialized' && entry.workspaceId === preparing.workspaceId)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`node ${nodeId} got no warm agent`);
}

/** Wait until project `projectId` has a hot agent its node reports prepared. */
async function waitForHotAgent(stack: TestStack, projectId: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if ((await stack.client.listHotAgents(projectId)).some((hot) => hot.status === 'ready' && hot.onNode === 'ready')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`project ${projectId} got no prepared hot agent`);
}

interface AgentFigures {
  bare: number[];
  fresh: FlotillaRun[];
  warm: FlotillaRun[];
  hot: FlotillaRun[];
  unconfined: FlotillaRun[];
  noWarmAgent: FlotillaRun[];
  noStandby: FlotillaRun[];
}

/** Fresh runs against the alternating `without` runs (none: nothing printed): medians, ratio and both breakdowns. */
function compareFresh(fresh: FlotillaRun[], without: FlotillaRun[], what: string, column: string): void {
  if (without.length === 0) return;
  const n = stats(without.map((run) => run.ms));
  const f = stats(fresh.map((run) => run.ms));
  console.log(`  fresh, ${what}: median ${n.median}; with / without ${(f.median / n.median).toFixed(3)}x`);
  printBreakdown([
    { name: 'fresh', runs: fresh.map((run) => run.breakdown) },
    { name: column, runs: without.map((run) => run.breakdown) },
  ]);
}

function report(agentType: AgentTypeValue, figures: AgentFigures): void {
  const b = stats(figures.bare);
  console.log(`${agentType} (${AGENT_CATALOG[agentType].label}): task POST → first model request, ${RUNS} runs each (ms)`);
  console.log(`  bare agent (spawn → first request):  median ${b.median}  min ${b.min}  max ${b.max}  (${figures.bare.length} runs, one before each fresh, warm and hot run; of it, prompt → first request: median ${stats(barePromptToRequest.splice(0)).median})`);
  for (const [name, runs] of [['fresh node', figures.fresh], ['warm node', figures.warm], ['hot agent', figures.hot]] as const) {
    const f = stats(runs.map((run) => run.ms));
    console.log(`  ${`flotilla, ${name}:`.padEnd(36)} median ${f.median}  min ${f.min}  max ${f.max}   ratio to bare ${(f.median / b.median).toFixed(2)}x`);
  }
  printBreakdown([
    { name: 'fresh', runs: figures.fresh.map((run) => run.breakdown) },
    { name: 'warm', runs: figures.warm.map((run) => run.breakdown) },
    { name: 'hot', runs: figures.hot.map((run) => run.breakdown) },
  ]);
  compareFresh(figures.fresh, figures.noWarmAgent, 'no warm agent', 'no warm');
  compareFresh(figures.fresh, figures.noStandby, 'no standby daemon', 'no standby');
  if (figures.unconfined.length > 0) {
    const u = stats(figures.unconfined.map((run) => run.ms));
    const f = stats(figures.fresh.map((run) => run.ms));
    console.log(`  fresh, unconfined: median ${u.median}; sandboxed / unconfined ${(f.median / u.median).toFixed(3)}x (bubblewrap and its bridges: ${f.median - u.median} ms, ${(((f.median - u.median) / f.median) * 100).toFixed(1)}% of the hand-off)`);
  }
}

/**
 * The runs of one agent type: fresh (alternating with unconfined and without warm agents when
 * asked), warm, hot — each right after a bare run, so the bare figure is measured all along the
 * run, at the machine's speed of the moment (its speed drifts on a shared machine).
 */
async function measure(
  fakes: Fakes,
  agentType: AgentTypeValue,
  on: { fresh: BenchStack; pooled: BenchStack; unconfined: BenchStack | null; noWarmAgent: BenchStack | null; noStandby: BenchStack | null },
): Promise<AgentFigures> {
  const runs: AgentFigures = { bare: [], fresh: [], warm: [], hot: [], unconfined: [], noWarmAgent: [], noStandby: [] };
  const withStandby = [on.fresh, on.unconfined, on.noWarmAgent].flatMap((bench) => (bench ? [bench.stack] : []));
  for (let i = 0; i < RUNS; i += 1) {
    await standbysLoaded(withStandby);
    runs.bare.push(await bareRun(fakes, agentType));
    runs.fresh.push(await flotillaRun(fakes, agentType, on.fresh.stack, on.fresh.projectId));
    // The alternatives, each once the standby daemons spawned meanwhile have loaded.
    for (const [stack, list] of [[on.unconfined, runs.unconfined], [on.noWarmAgent, runs.noWarmAgent], [on.noStandby, runs.noStandby]] as const) {
      if (!stack) continue;
      await standbysLoaded(withStandby);
      list.push(await flotillaRun(fakes, agentType, stack.stack, stack.projectId));
    }
  }
  // Warm: each task on the node the one before left warm (the first only warms it).
  const warmProject = await newProject(on.pooled.stack, 0);
  let last = await flotillaRun(fakes, agentType, on.pooled.stack, warmProject);
  for (let i = 0; i < RUNS; i += 1) {
    await waitForWarm(on.pooled.stack, last.nodeId);
    await waitForWarmAgent(on.pooled.stack, last.nodeId);
    await standbysLoaded([...withStandby, on.pooled.stack]);
    runs.bare.push(await bareRun(fakes, agentType));
    last = await flotillaRun(fakes, agentType, on.pooled.stack, warmProject);
    if (!last.breakdown.has('node_selection') || last.breakdown.has('node_provisioning')) throw new Error('the warm task did not run on a warm node');
    runs.warm.push(last);
  }
  // Hot: each task on the hot agent the one before left prepared (the first only makes it).
  const hotProject = await newProject(on.pooled.stack, 1);
  await flotillaRun(fakes, agentType, on.pooled.stack, hotProject);
  for (let i = 0; i < RUNS; i += 1) {
    await waitForHotAgent(on.pooled.stack, hotProject);
    await standbysLoaded([...withStandby, on.pooled.stack]);
    runs.bare.push(await bareRun(fakes, agentType));
    const run = await flotillaRun(fakes, agentType, on.pooled.stack, hotProject);
    if (run.breakdown.has('workspace_creation')) throw new Error('the hot task did not run on a hot agent');
    runs.hot.push(run);
  }
  return runs;
}

type BenchStack = { stack: TestStack; projectId: string };

/** Time a new standby daemon is given to load before a bare run, in ms (it takes ~250 ms of CPU here). */
const STANDBY_SETTLE_MS = 1_000;
const standbysSeen = new Map<TestStack, number>();

/** Once each of `stacks` has its next standby daemon, and a new one had time to load. */
async function standbysLoaded(stacks: TestStack[]): Promise<void> {
  let spawned = false;
  for (const stack of stacks) {
    let pid = stack.stack.localCloud.standbyPid();
    while (pid === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pid = stack.stack.localCloud.standbyPid();
    }
    if (standbysSeen.get(stack) !== pid) spawned = true;
    standbysSeen.set(stack, pid);
  }
  if (spawned) await new Promise((resolve) => setTimeout(resolve, STANDBY_SETTLE_MS));
}

async function main() {
  const fakes: Fakes = {
    anthropic: await startFakeAnthropic({ script: [{ text: 'Hello.' }] }),
    openai: await startFakeOpenAI({ script: [{ text: 'Hello.' }] }),
    gemini: await startFakeGemini({ script: [{ text: 'Hello.' }] }),
  };
  const figures = new Map<AgentTypeValue, AgentFigures>();
  const stacks: TestStack[] = [];
  const boot = async (nodeEnv: Record<string, string>, vars: Record<string, string>) => {
    const booted = await bootBenchStack(fakes, nodeEnv, vars);
    stacks.push(booted.stack);
    return booted;
  };
  try {
    // Fresh: no warm pool, every task provisions a node. Pooled: warm nodes and hot agents.
    const fresh = await boot({}, { NODE_WARM_TIMEOUT_MS: '0' });
    const pooled = await boot({}, {});
    const noWarmAgent = process.env.WARM_AGENTS_AB === '1' ? await boot({}, { NODE_WARM_TIMEOUT_MS: '0', NODE_WARM_AGENTS: '0' }) : null;
    const noStandby = process.env.STANDBY_AB === '1' ? await bootBenchStack(fakes, {}, { NODE_WARM_TIMEOUT_MS: '0' }, false) : null;
    if (noStandby) stacks.push(noStandby.stack);
    const unconfined = process.env.CONTAINMENT === '1' ? await boot({ FLOTILLA_UNSAFE_NO_SANDBOX: '1', FLOTILLA_BWRAP: join(tmpdir(), 'no-such-bwrap') }, { NODE_WARM_TIMEOUT_MS: '0' }) : null;
    for (const agentType of AGENTS) {
      const runs = await measure(fakes, agentType, { fresh, pooled, unconfined, noWarmAgent, noStandby });
      console.log(`${agentType}: nodes' sandbox: ${[...new Set(runs.fresh.map((run) => run.sandbox))].join(', ')}`);
      figures.set(agentType, runs);
      report(agentType, runs);
    }
  } finally {
    for (const stack of stacks) await stack.close();
    await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  }
  if (figures.size > 1) {
    console.log('\nsummary: ratio to bare (medians): fresh, warm, hot');
    for (const [agentType, runs] of figures) {
      const bare = stats(runs.bare).median;
      const ratio = (list: FlotillaRun[]) => (stats(list.map((run) => run.ms)).median / bare).toFixed(2);
      console.log(`  ${agentType.padEnd(12)} ${ratio(runs.fresh)}x  ${ratio(runs.warm)}x  ${ratio(runs.hot)}x  (bare ${bare} ms)`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
