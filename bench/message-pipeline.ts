/**
 * Benchmark (issue 3): the chat message pipeline — scripted agent → node daemon (translator,
 * SQLite outbox, batches) → `POST /api/workspaces/:id/messages` → ProjectData → WebSocket
 * viewer — on the real local stack.
 *
 * Figures:
 * - latency emit → stored (first seen by a tight `GET …/messages?after=` poll) and emit → viewer
 *   (arrival on the public WebSocket), p50 and p99, where "emit" is the message's timestamp,
 *   taken by the daemon when the agent's update arrived — at a paced rate (PACED_PAUSE_MS) and in
 *   a burst (the agent emitting as fast as it can, so messages queue behind the batch in flight);
 * - sustained messages/s into one session, and across five sessions streaming at once (first
 *   emit to last stored);
 * - baseline in the same run: a bare loop of HTTP POSTs of one message each into the same
 *   endpoint (with a live workspace's callback token), latency p50/p99 and messages/s.
 * Messages have realistic sizes: assistant texts of 80–1200 characters alternating with plans of
 * two to five entries. Prints each figure and the ratio to the baseline.
 *
 * Run: `npm run bench:message-pipeline` (MESSAGES=200 per session by default).
 */
import type { ChatMessage, ChatMessageInput } from '@flotilla/contracts';
import { bootTestStack, createGitRepo, openSessionViewer, waitForTask, workspaceCallbackToken, type TestStack } from '@flotilla/testkit/stack';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MESSAGES = Number(process.env.MESSAGES ?? '200');
const POLL_INTERVAL_MS = 5;
/** Pause between pairs of messages in the paced run (an agent working at a human-readable pace). */
const PACED_PAUSE_MS = Number(process.env.PACED_PAUSE_MS ?? '100');

/** Deterministic pseudo-random sizes, so runs are comparable. */
function sizes(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/**
 * A prompt making the scripted agent emit `count` messages: texts and plans alternating, as fast
 * as it can, or with a pause of `pauseMs` after each plan (a text is stored when the plan after
 * it arrives, so pausing there would count the pause as latency).
 */
function pipelineScript(label: string, count: number, seed: number, pauseMs = 0, gateFile?: string): string {
  const random = sizes(seed);
  // With a gate, the agent first waits (a `run:` tool call) until the bench creates the file.
  const lines: string[] = gateFile ? [`run: until [ -e ${gateFile} ]; do sleep 0.02; done`] : [];
  for (let i = 0; i < count; i += 1) {
    if (pauseMs > 0 && i > 0 && i % 2 === 0) lines.push(`sleep: ${pauseMs}`);
    if (i % 2 === 0) {
      const length = 80 + Math.floor(random() * 1120);
      lines.push(`say: ${label} ${i} ${'lorem ipsum dolor sit amet '.repeat(60).slice(0, length)}`);
    } else {
      const entries = 2 + Math.floor(random() * 4);
      lines.push(`plan: ${Array.from({ length: entries }, (_, e) => `${label} step ${i}.${e} update the module and its tests`).join(' | ')}`);
    }
  }
  return lines.join('\n');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

interface SessionRun {
  latenciesStoredMs: number[];
  latenciesViewerMs: number[];
  /** When each agent message was emitted and first seen stored (epoch ms), in seq order. */
  emittedAtMs: number[];
  storedAtMs: number[];
}

/** Run one task streaming `count` messages and time every message from emit to stored and to a viewer. */
async function runSession(
  stack: TestStack,
  projectId: string,
  label: string,
  seed: number,
  options: { pauseMs?: number; gateFile?: string; onSession?: (sessionId: string) => void } = {},
): Promise<SessionRun> {
  const description = pipelineScript(label, MESSAGES, seed, options.pauseMs, options.gateFile);
  const created = await stack.client.createTask(projectId, { description, run: true });
  const sessionId = created.chatSessionId ?? '';
  options.onSession?.(sessionId);
  // The viewer reconnects from its last seq when the socket drops (as the web app does).
  let viewer = await openSessionViewer(stack.client.sessionsSocketUrl(projectId, sessionId, 0), sessionId);
  let reconnecting = false;
  const viewerAt = new Map<string, number>();
  const seenByViewer = (): void => {
    for (const message of viewer.received) if (!viewerAt.has(message.messageId)) viewerAt.set(message.messageId, Date.now());
    if (viewer.closedBy() === undefined || reconnecting) return;
    reconnecting = true;
    void openSessionViewer(stack.client.sessionsSocketUrl(projectId, sessionId, viewer.lastSeq()), sessionId).then(
      (next) => {
        viewer = next;
        reconnecting = false;
      },
      () => (reconnecting = false),
    );
  };
  const viewerTimer = setInterval(seenByViewer, 1);
  const storedAt = new Map<string, number>();
  const stored: ChatMessage[] = [];
  let after = 0;
  const done = waitForTask(stack.client, created.id, 600_000);
  let finished = false;
  done.then(
    () => (finished = true),
    () => (finished = true),
  );
  for (;;) {
    const page = await stack.client.listMessages(projectId, sessionId, after, 1000);
    const now = Date.now();
    for (const message of page.messages) {
      storedAt.set(message.messageId, now);
      stored.push(message);
    }
    after = page.nextAfter;
    if (finished && !page.hasMore && page.messages.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  const task = await done;
  if (task.status !== 'completed') throw new Error(`task ${task.id} ${task.status}: ${task.error ?? ''}`);
  const viewerDeadline = Date.now() + 30_000;
  while (viewerAt.size < stored.length) {
    if (Date.now() > viewerDeadline) throw new Error(`the viewer got ${viewerAt.size} of ${stored.length} messages`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  clearInterval(viewerTimer);
  await viewer.close();
  // The gate's tool call is not part of the measured stream.
  const agentMessages = stored.filter((m) => m.role !== 'user' && m.role !== 'tool');
  if (agentMessages.length !== MESSAGES) throw new Error(`expected ${MESSAGES} agent messages, stored ${agentMessages.length}`);
  const emitted = (m: ChatMessage): number => Date.parse(m.createdAt);
  return {
    latenciesStoredMs: agentMessages.map((m) => (storedAt.get(m.messageId) ?? Number.NaN) - emitted(m)),
    latenciesViewerMs: agentMessages.map((m) => (viewerAt.get(m.messageId) ?? Number.NaN) - emitted(m)),
    emittedAtMs: agentMessages.map(emitted),
    storedAtMs: agentMessages.map((m) => storedAt.get(m.messageId) ?? Number.NaN),
  };
}

/** The baseline: POST one message at a time, `count` times, into a live workspace's session. */
async function bareLoop(stack: TestStack, projectId: string, count: number): Promise<{ latenciesMs: number[]; perSecond: number }> {
  const created = await stack.client.createTask(projectId, { description: 'say: baseline target\nthink: waiting\nsleep: 600000', run: true });
  let task = await stack.client.getTask(created.id);
  while (!task.workspaceId || !task.nodeId || task.status !== 'in_progress') {
    await new Promise((resolve) => setTimeout(resolve, 200));
    task = await stack.client.getTask(created.id);
  }
  let token = '';
  while (!token) {
    try {
      token = workspaceCallbackToken(stack.nodeDataDir(task.nodeId), task.workspaceId);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const random = sizes(7);
  const latenciesMs: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const message: ChatMessageInput = {
      messageId: randomUUID(),
      sessionId: task.chatSessionId ?? '',
      role: 'assistant',
      content: 'lorem ipsum dolor sit amet '.repeat(60).slice(0, 80 + Math.floor(random() * 1120)),
      timestamp: new Date().toISOString(),
    };
    const t0 = performance.now();
    const response = await fetch(`${stack.url}/api/workspaces/${task.workspaceId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [message] }),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`baseline POST answered ${response.status}`);
    latenciesMs.push(performance.now() - t0);
  }
  const elapsedMs = performance.now() - started;
  return { latenciesMs, perSecond: (count / elapsedMs) * 1000 };
}

/**
 * Run `count` sessions whose agents all start streaming at the same moment: each first waits on
 * a gate file, created once every agent is waiting (its gate tool call is in the chat).
 */
async function runTogether(stack: TestStack, projectId: string, count: number): Promise<SessionRun[]> {
  const gateFile = join(mkdtempSync(join(tmpdir(), 'bench-gate-')), 'open');
  const sessionIds: string[] = [];
  const runs = Promise.all(
    Array.from({ length: count }, (_, n) => runSession(stack, projectId, `five-${n + 1}`, 11 + n, { gateFile, onSession: (id) => sessionIds.push(id) })),
  );
  const deadline = Date.now() + 120_000;
  for (;;) {
    const waiting = await Promise.all(sessionIds.map((id) => stack.client.allMessages(projectId, id).then((m) => m.some((x) => x.role === 'tool'))));
    if (sessionIds.length === count && waiting.every(Boolean)) break;
    if (Date.now() > deadline) throw new Error('the agents did not all reach the gate');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  writeFileSync(gateFile, 'go');
  return runs;
}

/**
 * Messages stored per second while every run was streaming: the window from the last run's first
 * emit to the first run's last store (nodes start at different times, so the runs' own spans
 * differ), counting the messages of all runs stored inside it.
 */
function throughput(runs: SessionRun[]): number {
  const fromMs = Math.max(...runs.map((r) => Math.min(...r.emittedAtMs)));
  const toMs = Math.min(...runs.map((r) => Math.max(...r.storedAtMs)));
  if (toMs <= fromMs) throw new Error('the runs did not stream at the same time; no common window to measure');
  const count = runs.reduce((sum, r) => sum + r.storedAtMs.filter((at) => at >= fromMs && at <= toMs).length, 0);
  return (count / (toMs - fromMs)) * 1000;
}

async function main(): Promise<void> {
  const stack = await bootTestStack({ nodeEnv: { FLOTILLA_LOG_LEVEL: 'info' } });
  try {
    const project = await stack.client.createProject({ name: 'bench', repoUrl: createGitRepo({ 'README.md': '# bench\n' }), defaultBranch: 'main' });
    const baseline = await bareLoop(stack, project.id, MESSAGES);
    const paced = await runSession(stack, project.id, 'paced', 3, { pauseMs: PACED_PAUSE_MS });
    const single = await runSession(stack, project.id, 'single', 1);
    const five = await runTogether(stack, project.id, 5);

    const storedP50 = percentile(single.latenciesStoredMs, 50);
    const storedP99 = percentile(single.latenciesStoredMs, 99);
    const viewerP50 = percentile(single.latenciesViewerMs, 50);
    const viewerP99 = percentile(single.latenciesViewerMs, 99);
    const bareP50 = percentile(baseline.latenciesMs, 50);
    const bareP99 = percentile(baseline.latenciesMs, 99);
    const singleRate = throughput([single]);
    const fiveRate = throughput(five);
    const fiveStored = five.flatMap((r) => r.latenciesStoredMs);

    console.log(`message pipeline, ${MESSAGES} agent messages per session (texts 80-1200 chars, plans 2-5 entries)`);
    console.log(`baseline: bare loop of POSTs, one message each: p50 ${ms(bareP50)}, p99 ${ms(bareP99)}, ${baseline.perSecond.toFixed(0)} msg/s`);
    const pacedStoredP50 = percentile(paced.latenciesStoredMs, 50);
    const pacedViewerP50 = percentile(paced.latenciesViewerMs, 50);
    console.log(`paced (2 messages per ${PACED_PAUSE_MS} ms), emit -> stored: p50 ${ms(pacedStoredP50)}, p99 ${ms(percentile(paced.latenciesStoredMs, 99))}  (x${(pacedStoredP50 / bareP50).toFixed(1)} the bare POST p50)`);
    console.log(`paced, emit -> WebSocket viewer:   p50 ${ms(pacedViewerP50)}, p99 ${ms(percentile(paced.latenciesViewerMs, 99))}  (x${(pacedViewerP50 / bareP50).toFixed(1)} the bare POST p50)`);
    console.log(`burst (as fast as the agent emits), emit -> stored (one session): p50 ${ms(storedP50)}, p99 ${ms(storedP99)}  (x${(storedP50 / bareP50).toFixed(1)} / x${(storedP99 / bareP99).toFixed(1)} the bare POST)`);
    console.log(`burst, emit -> WebSocket viewer:   p50 ${ms(viewerP50)}, p99 ${ms(viewerP99)}  (x${(viewerP50 / bareP50).toFixed(1)} / x${(viewerP99 / bareP99).toFixed(1)} the bare POST)`);
    console.log(`burst, emit -> stored (five sessions): p50 ${ms(percentile(fiveStored, 50))}, p99 ${ms(percentile(fiveStored, 99))}`);
    console.log(`sustained, one session:            ${singleRate.toFixed(0)} msg/s  (x${(singleRate / baseline.perSecond).toFixed(2)} the bare loop)`);
    console.log(`sustained, five sessions at once:  ${fiveRate.toFixed(0)} msg/s  (x${(fiveRate / baseline.perSecond).toFixed(2)} the bare loop)`);
    console.log(`(stored latency is measured by a ${POLL_INTERVAL_MS} ms poll of GET …/messages, so it includes up to one poll round trip)`);
  } finally {
    await stack.close();
  }
}

await main().catch((error: unknown) => {
  console.error('message-pipeline bench failed:', error);
  process.exitCode = 1;
});
