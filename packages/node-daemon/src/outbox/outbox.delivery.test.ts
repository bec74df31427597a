/** MessageOutbox against a real local HTTP control plane: batching, ordering, retries, failures. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessageInput } from '@flotilla/contracts';
import { createHarness, type Harness } from '../../test/outbox/harness.js';
import { makeMessage, waitFor } from '../../test/outbox/helpers.js';

describe('MessageOutbox delivery', () => {
  let h: Harness;

  const enqueueMany = (outbox: { enqueue: (w: string, m: ChatMessageInput) => void }, count: number, padTo = 0) =>
    Array.from({ length: count }, (_, i) => {
      const message = makeMessage(`m${i}`, padTo);
      outbox.enqueue('w1', message);
      return message.messageId;
    });
  const receivedIds = (workspaceId = 'w1') => h.server.received(workspaceId).map((m) => m.messageId);
  /** Message ids of every request the server accepted, duplicates included. */
  const acceptedIds = () => h.server.requests.filter((r) => r.answer === 'ok').flatMap((r) => r.messageIds);

  beforeEach(async () => {
    h = await createHarness();
  });

  afterEach(async () => {
    await h.cleanup();
  });

  it('sends a lone message at once, well under MSG_BATCH_MAX_WAIT_MS', async () => {
    const { outbox } = h.open({ config: { batchMaxWaitMs: 2_000 } });
    const started = performance.now();
    outbox.enqueue('w1', makeMessage('hello'));
    await waitFor(() => h.server.received('w1').length === 1, 'the message');
    expect(performance.now() - started).toBeLessThan(500);
    await waitFor(() => outbox.pendingCount() === 0, 'the row to be deleted');
  });

  it('delivers 120 messages in order in batches of at most MSG_BATCH_MAX_SIZE', async () => {
    const { outbox } = h.open({ config: { batchMaxSize: 50 } });
    const ids = enqueueMany(outbox, 120);
    await waitFor(() => receivedIds().length === 120, '120 messages');
    expect(receivedIds()).toEqual(ids);
    expect(h.server.requests.map((r) => r.messageIds.length)).toEqual([50, 50, 20]);
  });

  it('keeps every request body within MSG_BATCH_MAX_BYTES', async () => {
    const { outbox } = h.open({ config: { batchMaxSize: 50, batchMaxBytes: 4096 } });
    const ids = enqueueMany(outbox, 120, 300);
    await waitFor(() => receivedIds().length === 120, '120 messages');
    expect(receivedIds()).toEqual(ids);
    const sizes = h.server.requests.map((r) => r.bodyBytes);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
    expect(Math.max(...sizes)).toBeGreaterThan(3000);
    expect(h.server.requests.every((r) => r.messageIds.length <= 50)).toBe(true);
  });

  it('collects messages that arrive while a batch is in flight into the next batch', async () => {
    h.server.delayMs = 100;
    const { outbox } = h.open();
    const first = enqueueMany(outbox, 1);
    await waitFor(() => h.server.requests.length === 1, 'the first request');
    const rest = enqueueMany(outbox, 5);
    await waitFor(() => receivedIds().length === 6, 'all six');
    expect(h.server.requests.map((r) => r.messageIds)).toEqual([first, rest]);
  });

  it('retries transient failures without losing or duplicating anything', async () => {
    h.server.failNext(
      { kind: 'status', status: 500 },
      { kind: 'destroy' },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 502 },
    );
    const { outbox } = h.open({ config: { batchMaxSize: 10 } });
    const ids = enqueueMany(outbox, 12);
    await new Promise((resolve) => setTimeout(resolve, 30));
    ids.push(...enqueueMany(outbox, 18));
    await waitFor(() => receivedIds().length === 30, '30 messages');
    expect(receivedIds()).toEqual(ids);
    expect(acceptedIds()).toEqual(ids);
    expect(h.server.requests.filter((r) => r.answer !== 'ok').map((r) => r.answer)).toEqual(['500', 'destroy', '503', '502']);
    await waitFor(() => outbox.pendingCount('w1') === 0, 'an empty outbox');
  });

  it('retries while the control plane refuses connections', async () => {
    await h.server.close();
    const { outbox } = h.open();
    const ids = enqueueMany(outbox, 5);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(outbox.pendingCount('w1')).toBe(5);
    await h.server.reopen();
    await waitFor(() => receivedIds().length === 5, 'five messages');
    expect(receivedIds()).toEqual(ids);
  });

  it('honours Retry-After on 429 instead of the shorter backoff', async () => {
    h.server.failNext({ kind: 'status', status: 429, retryAfter: '1' });
    const { outbox } = h.open({ config: { retryInitialIntervalMs: 10 } });
    enqueueMany(outbox, 1);
    await waitFor(() => receivedIds().length === 1, 'the message', 3_000);
    const [refused, accepted] = h.server.requests;
    expect(refused!.answer).toBe('429');
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(990);
    expect(h.server.requests).toHaveLength(2);
  });

  it('drops a batch refused with 400, with a warning, and still sends later batches', async () => {
    h.server.failNext({ kind: 'status', status: 400, message: 'schema mismatch' });
    const { outbox } = h.open();
    enqueueMany(outbox, 3);
    await waitFor(() => h.warnings().length === 1, 'the warning');
    const later = enqueueMany(outbox, 2);
    await waitFor(() => receivedIds().length === 2, 'the later messages');
    expect(receivedIds()).toEqual(later);
    const warning = h.logger.entries.find((entry) => entry.level === 'warn')!;
    expect(warning.msg).toMatch(/^dropped 3 message\(s\) of workspace w1: .*HTTP 400: schema mismatch/);
    expect(warning.fields).toMatchObject({ workspaceId: 'w1', dropped: 3, status: 400, reason: 'schema mismatch' });
  });

  it('keeps a batch whose retry time ran out and tries it again later', async () => {
    h.server.defaultBehaviour = { kind: 'status', status: 500 };
    const { outbox } = h.open({ config: { retryMaxElapsedTimeMs: 150, retryMaxIntervalMs: 100 } });
    const ids = enqueueMany(outbox, 4);
    await waitFor(() => h.warnings().some((w) => w.includes('keeping them')), 'the deferral warning');
    expect(h.warnings()[0]).toMatch(/could not deliver 4 message\(s\) of workspace w1; keeping them and trying again in 100 ms/);
    expect(outbox.pendingCount('w1')).toBe(4);
    h.server.defaultBehaviour = { kind: 'ok' };
    await waitFor(() => receivedIds().length === 4, 'the kept messages');
    expect(receivedIds()).toEqual(ids);
  });

  it('loses nothing when the workspace token is missing for a while or rotates mid-flight', async () => {
    h.tokens.set('w1', undefined);
    const { outbox } = h.open();
    const ids = enqueueMany(outbox, 2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    h.tokens.set('w1', 'tok-1');
    h.server.tokens.set('w1', 'tok-1');
    await waitFor(() => receivedIds().length === 2, 'the first messages');

    h.server.delayMs = 80;
    ids.push(...enqueueMany(outbox, 3));
    await waitFor(() => h.server.requests.length === 2, 'the request with the old token');
    h.tokens.set('w1', 'tok-2');
    h.server.tokens.set('w1', 'tok-2');
    await waitFor(() => receivedIds().length === 5, 'all messages');
    expect(receivedIds()).toEqual(ids);
    expect(h.server.requests.map((r) => [r.token, r.answer])).toEqual([
      ['tok-1', 'ok'],
      ['tok-1', '401'],
      ['tok-2', 'ok'],
    ]);
    expect(h.warnings()).toEqual([]);
  });

  it('does not let one stuck workspace hold back another', async () => {
    h.tokens.set('stuck', undefined);
    const { outbox } = h.open();
    outbox.enqueue('stuck', makeMessage('waiting'));
    const other = makeMessage('goes through');
    outbox.enqueue('w1', other);
    await waitFor(() => outbox.pendingCount('w1') === 0, 'the other workspace');
    expect(receivedIds()).toEqual([other.messageId]);
    expect(outbox.pendingCount('stuck')).toBe(1);
    expect(outbox.pendingCount()).toBe(1);
  });
});
