/**
 * Benchmark (issue 6): time from the task `POST` to Claude Code's first model request on a cold
 * local node (provisioned for the task: node daemon spawned, ready callback) and on a warm one
 * (claimed from the warm pool), in the same run against the fake Anthropic API. Each round runs
 * a cold task, then a warm task on the node it left warm, then the node sweep clears the pool
 * (MAX_AUTO_NODE_LIFETIME_MS=1) so the next cold task really is cold. Prints each figure and
 * the ratio cold / warm.
 *
 * Run: `npm run bench:warm-node` (RUNS=5 by default).
 */
import { startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit';
import { bootTestStack, createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { nextMainRequestAt, stats } from './support.js';

const RUNS = Number(process.env.RUNS ?? '5');

/** Run one task; answers POST → first model request (ms) and the node it ran on. */
async function timeTask(stack: TestStack, fake: FakeAnthropic, projectId: string): Promise<{ ms: number; nodeId: string }> {
  const before = fake.mainRequests().length;
  const t0 = Date.now();
  const created = await stack.client.createTask(projectId, { description: 'Say hello.', run: true, agentType: 'claude-code' });
  const ms = (await nextMainRequestAt(fake, before)) - t0;
  const task = await waitForTask(stack.client, created.id);
  if (task.status !== 'completed') throw new Error(`task ${task.id} ended ${task.status}: ${task.error ?? ''}`);
  return { ms, nodeId: task.nodeId ?? '' };
}

async function waitForWarm(stack: TestStack, nodeId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const node = (await (await fetch(`${stack.url}/api/nodes/${nodeId}`)).json()) as { status: string };
    if (node.status === 'warm') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`node ${nodeId} did not go warm`);
}

async function main() {
  const fake = await startFakeAnthropic({ script: [{ text: 'Hello.' }] });
  const stack = await bootTestStack({ agents: 'real', nodeEnv: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'bench-key' }, vars: { MAX_AUTO_NODE_LIFETIME_MS: '1' } });
  const cold: number[] = [];
  const warm: number[] = [];
  try {
    const project = await stack.client.createProject({ name: 'bench', repoUrl: createGitRepo(), defaultBranch: 'main' });
    for (let i = 0; i < RUNS; i += 1) {
      const first = await timeTask(stack, fake, project.id);
      cold.push(first.ms);
      await waitForWarm(stack, first.nodeId);
      const second = await timeTask(stack, fake, project.id);
      if (second.nodeId !== first.nodeId) throw new Error('the warm task did not run on the warm node');
      warm.push(second.ms);
      await waitForWarm(stack, second.nodeId);
      await fetch(`${stack.url}/api/nodes/sweep`, { method: 'POST' }); // clear the pool for the next cold task
    }
  } finally {
    await stack.close();
    await fake.close();
  }

  const c = stats(cold);
  const w = stats(warm);
  console.log(`task POST → first model request, Claude Code, ${RUNS} runs each (ms)`);
  console.log(`  cold node (provisioned for the task):  median ${c.median}  min ${c.min}  max ${c.max}`);
  console.log(`  warm node (claimed from the pool):     median ${w.median}  min ${w.min}  max ${w.max}`);
  console.log(`  ratio cold / warm (medians):            ${(c.median / w.median).toFixed(2)}x  (saved ${c.median - w.median} ms)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
