/**
 * Capability (issue 3): the node daemon is SIGKILLed (with its agent) in the middle of a
 * streaming turn, and started again with the same data directory. Every message that had
 * reached its SQLite outbox ends up in the chat exactly once.
 *
 * To make sure the crash catches messages still in the outbox, the control plane is stopped
 * shortly before the kill (messages pile up, undelivered) and started again before the daemon
 * restarts. The outbox's content at the moment of the crash is read from the dead node's
 * daemon.db (read-only), then compared with the chat after the restart.
 */
import { bootTestStack, createGitRepo, pendingOutboxMessageIds, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRISK_RETRY_ENV, contentsOf, expectExactlyOnceInSequence, streamingScript, waitForWorkspace, waitUntil } from './chat-support.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack({ nodeEnv: BRISK_RETRY_ENV });
});

afterAll(async () => {
  await stack?.close();
});

describe('a node daemon crash during a streaming turn', () => {
  it('keeps every message that reached the outbox: each is in the chat exactly once after the restart', async () => {
    const script = streamingScript('crash', 80, 400);
    const project = await stack.client.createProject({ name: 'crash', repoUrl: createGitRepo({ 'README.md': '# crash\n' }), defaultBranch: 'main' });
    const created = await stack.client.createTask(project.id, { description: script.prompt, run: true });
    const sessionId = created.chatSessionId ?? '';
    const running = await waitForWorkspace(stack.client, created.id);
    const nodeId = running.nodeId ?? '';
    const deliveredBefore = await waitUntil('the first streamed messages', () => stack.client.allMessages(project.id, sessionId), (m) => m.length >= 4);

    // Messages keep coming while nothing can be delivered, then the node dies mid-turn.
    await stack.stopControlPlane();
    await waitUntil('messages waiting in the outbox', async () => pendingOutboxMessageIds(stack.nodeDataDir(nodeId)), (ids) => ids.length >= 3, 30_000);
    await stack.killNode(nodeId);
    const pendingAtCrash = pendingOutboxMessageIds(stack.nodeDataDir(nodeId));
    expect(pendingAtCrash.length).toBeGreaterThanOrEqual(3);

    await stack.startControlPlane();
    await stack.restartNode(nodeId);

    const messages = await waitUntil(
      'every message of the outbox in the chat',
      () => stack.client.allMessages(project.id, sessionId),
      (stored) => pendingAtCrash.every((id) => stored.some((m) => m.messageId === id)),
    );
    // The turn died with the daemon: the restarted daemon reports the task as failed.
    const task = await waitForTask(stack.client, created.id, 120_000);
    expect(task.status).toBe('failed');
    expect(task.error).toContain('restarted');

    const final = await stack.client.allMessages(project.id, sessionId);
    expect(final).toEqual(messages); // nothing arrived twice after the outbox emptied
    expectExactlyOnceInSequence(final);
    for (const id of pendingAtCrash) expect(final.filter((m) => m.messageId === id)).toHaveLength(1);
    expect(final.slice(0, deliveredBefore.length)).toEqual(deliveredBefore);
    // No gap: the chat is the start of what the agent said, up to where the crash cut it off.
    expect(final.length).toBeGreaterThan(deliveredBefore.length);
    expect(contentsOf(final)).toEqual(script.expected.slice(0, final.length));
  });
});
