/** MessageOutbox lifecycle: size cap, validation, crash recovery, drain, stop. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidMessageError, OutboxDrainError } from './errors.js';
import { createHarness, type Harness } from '../../test/outbox/harness.js';
import { makeMessage, waitFor } from '../../test/outbox/helpers.js';

const CRASH_CHILD = fileURLToPath(new URL('../../test/outbox/crash-child.ts', import.meta.url));

describe('MessageOutbox lifecycle', () => {
  let h: Harness;

  const receivedIds = () => h.server.received('w1').map((m) => m.messageId);
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  beforeEach(async () => {
    h = await createHarness();
  });

  afterEach(async () => {
    await h.cleanup();
  });

  it('drops the oldest messages beyond MSG_OUTBOX_MAX_SIZE, with a warning', async () => {
    const { outbox } = h.open({ config: { outboxMaxSize: 5 }, start: false });
    const ids = Array.from({ length: 8 }, (_, i) => {
      const message = makeMessage(`m${i}`);
      outbox.enqueue('w1', message);
      return message.messageId;
    });
    expect(outbox.pendingCount()).toBe(5);
    expect(h.warnings()).toEqual(Array(3).fill('message outbox full: dropped the 1 oldest message(s)'));
    outbox.start();
    await waitFor(() => receivedIds().length === 5, 'the newest five');
    expect(receivedIds()).toEqual(ids.slice(3));
  });

  it('ignores a duplicate messageId and refuses messages the control plane could not accept', async () => {
    const { outbox } = h.open({ start: false });
    const message = makeMessage('once');
    outbox.enqueue('w1', message);
    outbox.enqueue('w1', message);
    expect(outbox.pendingCount()).toBe(1);
    expect(() => outbox.enqueue('w1', { ...makeMessage('x'), content: '' })).toThrow(InvalidMessageError);
    expect(() => outbox.enqueue('w1', { ...makeMessage('x'), messageId: 'nope' })).toThrow(/messageId must be a UUID/);
    expect(() => outbox.enqueue('w1', makeMessage('huge', 300_000))).toThrow(/at most \d+ fit one request/);
    expect(outbox.pendingCount()).toBe(1);
  });

  it('resends what a killed daemon left in the table (crash recovery)', async () => {
    h.server.defaultBehaviour = { kind: 'status', status: 500 };
    const child = spawn(process.execPath, ['--import', 'tsx', CRASH_CHILD, h.dbPath, h.server.url, '10'], {
      cwd: dirname(CRASH_CHILD),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const ids = JSON.parse(line) as string[];
    await waitFor(() => h.server.requests.length >= 1, 'the child to try sending');
    child.kill('SIGKILL');
    await once(child, 'exit');

    h.server.defaultBehaviour = { kind: 'ok' };
    const { outbox } = h.open({ start: false });
    expect(outbox.pendingCount('w1')).toBe(10);
    outbox.start();
    await waitFor(() => receivedIds().length === 10, 'the left-over messages');
    expect(receivedIds()).toEqual(ids);
    await waitFor(() => outbox.pendingCount() === 0, 'an empty outbox');
  }, 15_000);

  it('drain resolves only once the control plane holds every message', async () => {
    h.server.delayMs = 20;
    const { outbox } = h.open({ config: { batchMaxSize: 10 } });
    await outbox.drain('w1', 1_000); // nothing pending: resolves at once
    const ids = Array.from({ length: 60 }, (_, i) => {
      const message = makeMessage(`m${i}`);
      outbox.enqueue('w1', message);
      return message.messageId;
    });
    await outbox.drain('w1', 5_000);
    expect(receivedIds()).toEqual(ids);
    expect(outbox.pendingCount('w1')).toBe(0);
  });

  it('drain rejects with a clear error on timeout', async () => {
    h.server.defaultBehaviour = { kind: 'status', status: 503 };
    const { outbox } = h.open();
    outbox.enqueue('w1', makeMessage('stuck'));
    const error = await failure(outbox.drain('w1', 100));
    expect(error).toBeInstanceOf(OutboxDrainError);
    expect((error as Error).message).toBe(
      'outbox drain of workspace w1 timed out after 100 ms with 1 message(s) still pending',
    );
  });

  it('stop() returns in bounded time and leaves unsent rows for the next start', async () => {
    h.server.defaultBehaviour = { kind: 'status', status: 500 };
    const { outbox, db } = h.open({ stopTimeoutMs: 300 });
    for (let i = 0; i < 5; i += 1) outbox.enqueue('w1', makeMessage(`m${i}`));
    const drained = failure(outbox.drain('w1'));
    await waitFor(() => h.server.requests.length >= 2, 'retries');
    const started = performance.now();
    await outbox.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await drained).toBeInstanceOf(OutboxDrainError);
    expect(outbox.pendingCount('w1')).toBe(5);
    db.close();
    const reopened = new Database(h.dbPath);
    expect(reopened.prepare('SELECT count(*) FROM outbox_messages').pluck().get()).toBe(5);
    reopened.close();
  });

  it('stop() is bounded even when the control plane hangs', async () => {
    const { outbox } = h.open({ stopTimeoutMs: 200 });
    h.server.delayMs = 3_000;
    outbox.enqueue('w1', makeMessage('slow'));
    await waitFor(() => h.server.requests.length === 1, 'the request');
    const started = performance.now();
    await outbox.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(outbox.pendingCount()).toBe(1);
  });

  it('stop() cuts a long backoff short and makes one final flush attempt', async () => {
    h.server.failNext({ kind: 'status', status: 500 });
    const { outbox } = h.open({ config: { retryInitialIntervalMs: 10_000, retryMaxIntervalMs: 20_000 } });
    const ids = [makeMessage('a'), makeMessage('b')].map((m) => (outbox.enqueue('w1', m), m.messageId));
    const drained = outbox.drain('w1');
    await waitFor(() => h.server.requests.length === 1, 'the failed attempt');
    await outbox.stop();
    await expect(drained).resolves.toBeUndefined();
    expect(receivedIds()).toEqual(ids);
    expect(outbox.pendingCount()).toBe(0);
    expect(() => outbox.start()).toThrow(/cannot be restarted/);
    await expect(outbox.drain('w1')).resolves.toBeUndefined();
  });

  it('stores messages enqueued after stop() and sends them at the next start', async () => {
    const first = h.open({ start: false });
    await first.outbox.stop();
    const late = makeMessage('late');
    first.outbox.enqueue('w1', late);
    await expect(first.outbox.drain('w1')).rejects.toThrow(/the outbox is stopped/);
    expect(h.server.requests).toHaveLength(0);
    first.db.close();
    const second = h.open();
    await second.outbox.drain('w1', 2_000);
    expect(receivedIds()).toEqual([late.messageId]);
  });
});
