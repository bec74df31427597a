/** MessageOutbox drafts: delivered as `draft: true`, rate-bounded, never ahead of messages or after their final. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/outbox/harness.js';
import { makeMessage, waitFor } from '../../test/outbox/helpers.js';

describe('MessageOutbox drafts', () => {
  let h: Harness;
  const drafts = () => h.server.drafts.filter((d) => d.id === 'w1').map((d) => d.body);
  const received = () => h.server.received('w1');

  beforeEach(async () => {
    h = await createHarness();
  });

  afterEach(async () => {
    await h.cleanup();
  });

  it('sends the first version at once and then at most one per MSG_DRAFT_INTERVAL_MS; the final message ends it', async () => {
    const { outbox } = h.open({ config: { draftIntervalMs: 3_600_000 } });
    const message = makeMessage('H');
    for (let i = 1; i <= 50; i += 1) outbox.saveDraft('w1', { ...message, content: 'Hello'.slice(0, 1 + (i % 5)) + '!'.repeat(i) });
    await waitFor(() => drafts().length === 1, 'the first draft');
    expect(drafts()[0]).toMatchObject({ messageId: message.messageId, draft: true });
    outbox.enqueue('w1', { ...message, content: 'Hello, final' });
    await waitFor(() => received().length === 1, 'the final message');
    expect(received()).toEqual([expect.objectContaining({ messageId: message.messageId, content: 'Hello, final' })]);
    expect(received()[0]?.draft).toBeUndefined();
    expect(drafts()).toHaveLength(1);
  });

  it('with no interval sends every version, each after the messages enqueued before it', async () => {
    const { outbox } = h.open({ config: { draftIntervalMs: 0 } });
    const before = makeMessage('a tool call');
    const message = makeMessage('x');
    outbox.enqueue('w1', before);
    outbox.saveDraft('w1', { ...message, content: 'one' });
    await waitFor(() => drafts().length === 1, 'the first draft');
    outbox.saveDraft('w1', { ...message, content: 'one two' });
    await waitFor(() => drafts().length === 2, 'the second draft');
    expect(drafts().map((d) => d.content)).toEqual(['one', 'one two']);
    const messageSeq = h.server.messages.find((m) => m.body.messageId === before.messageId)?.seq ?? Infinity;
    expect(h.server.drafts[0]!.seq).toBeGreaterThan(messageSeq);
  });

  it('loses and repeats nothing while the control plane is unreachable: the final text arrives once', async () => {
    h.server.defaultBehaviour = { kind: 'status', status: 503 };
    const { outbox } = h.open({ config: { draftIntervalMs: 0 } });
    const message = makeMessage('x');
    for (let i = 1; i <= 20; i += 1) outbox.saveDraft('w1', { ...message, content: `part ${i}` });
    await waitFor(() => h.server.requests.length >= 2, 'attempts while unreachable');
    outbox.enqueue('w1', { ...message, content: 'the whole answer' });
    h.server.defaultBehaviour = { kind: 'ok' };
    await outbox.drain('w1', 10_000);
    expect(received()).toEqual([expect.objectContaining({ messageId: message.messageId, content: 'the whole answer' })]);
    expect(drafts()).toEqual([]);
  });
});
