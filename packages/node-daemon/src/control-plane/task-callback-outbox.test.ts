/**
 * The durable task callback against a real SQLite file: stored before it is sent, retried without
 * a time limit, dropped only on a refusal for good, sent after the chat is delivered, kept across
 * a stop and sent by the next start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskCallbackRequest } from '@flotilla/contracts';
import { FlotillaError, createLogger } from '@flotilla/kit';
import { describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../db/database.js';
import { TaskCallbackStore } from '../db/task-callback-store.js';
import { TaskCallbackOutbox, type TaskCallbackOutboxOptions } from './task-callback-outbox.js';

const completed: TaskCallbackRequest = { status: 'completed', branch: 'task/t1', commitSha: 'abc', summary: 'done', filesChanged: ['a.txt'], warning: null };
const unreachable = () => new FlotillaError('unreachable', 'connection refused');

/** Resolves once `store` holds no callback. */
function untilEmpty(store: TaskCallbackStore): Promise<void> {
  return new Promise<void>((resolve) => {
    const poll = () => (store.pending().length === 0 ? resolve() : setTimeout(poll, 5));
    poll();
  });
}

interface Sent {
  taskId: string;
  workspaceId: string;
  body: TaskCallbackRequest;
  /** Rows stored when the attempt was made. */
  stored: number;
}

/** An outbox over a fresh database whose `send` answers with `answers` in turn (then succeeds). */
function setUp(answers: Array<() => Error> = [], overrides: Partial<TaskCallbackOutboxOptions> = {}, db: SqliteDatabase = openDatabase(join(mkdtempSync(join(tmpdir(), 'flotilla-callbacks-')), 'daemon.db'))) {
  const store = new TaskCallbackStore(db);
  const sent: Sent[] = [];
  const outbox = new TaskCallbackOutbox({
    store,
    send: async (taskId, workspaceId, body) => {
      sent.push({ taskId, workspaceId, body, stored: store.pending().length });
      const answer = answers.shift();
      if (answer) throw answer();
    },
    drain: async () => undefined,
    drainTimeoutMs: 1000,
    retry: { initialIntervalMs: 1, maxIntervalMs: 5 },
    logger: createLogger('test', { sink: () => {} }),
    ...overrides,
  });
  return { db, store, sent, outbox };
}

describe('TaskCallbackOutbox', () => {
  it('stores the callback before sending it and forgets it once the control plane takes it', async () => {
    const { store, sent, outbox } = setUp();
    await outbox.deliver('tsk_1', 'ws_1', completed);
    expect(sent).toEqual([{ taskId: 'tsk_1', workspaceId: 'ws_1', body: completed, stored: 1 }]);
    expect(store.pending()).toEqual([]);
  });

  it('retries a control plane that stays away, with no time limit, and records each failure', async () => {
    const failures = Array.from({ length: 40 }, () => unreachable);
    const { store, sent, outbox } = setUp([...failures, () => new FlotillaError('unavailable', 'still starting', { status: 503 })]);
    let lastAttempts = 0;
    const recordFailure = store.recordFailure.bind(store);
    store.recordFailure = (id, error) => {
      recordFailure(id, error);
      lastAttempts = store.pending()[0]?.attempts ?? 0;
    };
    await outbox.deliver('tsk_1', 'ws_1', completed);
    expect(sent).toHaveLength(42);
    expect(lastAttempts).toBe(41);
    expect(store.pending()).toEqual([]);
  });

  it('drops a callback the control plane refuses for good, and throws the refusal', async () => {
    const { store, sent, outbox } = setUp([unreachable, () => new FlotillaError('conflict', 'task already completed')]);
    await expect(outbox.deliver('tsk_1', 'ws_1', completed)).rejects.toMatchObject({ code: 'conflict', message: 'task already completed' });
    expect(sent).toHaveLength(2);
    expect(store.pending()).toEqual([]);
  });

  it('waits for the chat before each attempt; a completed callback says when messages were still pending', async () => {
    const drained: string[] = [];
    const { sent, outbox } = setUp([], {
      drain: async (workspaceId, timeoutMs) => {
        drained.push(`${workspaceId}:${timeoutMs}`);
        if (workspaceId === 'ws_slow') throw new Error('2 message(s) still pending');
      },
    });
    await outbox.deliver('tsk_1', 'ws_1', completed);
    await outbox.deliver('tsk_2', 'ws_slow', { ...completed, warning: 'push warning' });
    await outbox.deliver('tsk_3', 'ws_slow', { status: 'failed', error: 'boom' });
    expect(drained).toEqual(['ws_1:1000', 'ws_slow:1000', 'ws_slow:1000']);
    expect(sent.map((s) => s.body)).toEqual([
      completed,
      { ...completed, warning: 'push warning\nSome chat messages were not yet delivered: 2 message(s) still pending' },
      { status: 'failed', error: 'boom' },
    ]);
  });

  it('keeps an undelivered callback across a stop, and the next start sends it', async () => {
    let release: () => void = () => undefined;
    const first = setUp([], {
      send: () => new Promise((_resolve, reject) => (release = () => reject(unreachable()))),
    });
    const delivering = first.outbox.deliver('tsk_1', 'ws_1', { ...completed, usage: { requests: 2, inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 1 } });
    await new Promise((resolve) => setImmediate(resolve));
    const stopping = first.outbox.stop();
    release();
    await stopping;
    await delivering;
    expect(first.store.pending()).toHaveLength(1);

    const second = setUp([], {}, first.db);
    second.outbox.start();
    await untilEmpty(second.store);
    expect(second.sent).toEqual([{ taskId: 'tsk_1', workspaceId: 'ws_1', body: { ...completed, usage: { requests: 2, inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 1 } }, stored: 1 }]);
  });

  it('does not report a run twice: the outcome stored first is the one sent', async () => {
    const { store, sent, outbox } = setUp();
    store.insert('tsk_1', 'ws_1', completed);
    await outbox.deliver('tsk_1', 'ws_1', { status: 'failed', error: 'again' });
    expect(sent).toEqual([]);
    outbox.start();
    await untilEmpty(store);
    expect(sent.map((s) => s.body)).toEqual([completed]);
  });
});
