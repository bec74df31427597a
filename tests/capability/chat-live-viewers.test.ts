/**
 * Capability (issue 3): live viewers of a project's chat over the public WebSocket, while two
 * scripted agents of one project stream at once in two workspaces.
 * - A viewer that disconnects mid-run and reconnects with its last sequence number misses
 *   nothing and receives nothing twice.
 * - The two sessions stay separate: each holds only its own agent's messages, in order, and a
 *   viewer of one session receives no message of the other.
 */
import type { ChatMessage } from '@flotilla/contracts';
import { bootTestStack, createGitRepo, openSessionViewer, waitForTask, type SessionViewer, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentsOf, expectExactlyOnceInSequence, streamingScript } from './chat-support.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const seqsOf = (messages: readonly ChatMessage[]): number[] => messages.map((m) => m.seq);

describe('live viewers of two workspaces streaming at once', () => {
  it('a reconnecting viewer misses nothing, and the sessions never interleave', async () => {
    const project = await stack.client.createProject({ name: 'viewers', repoUrl: createGitRepo({ 'README.md': '# viewers\n' }), defaultBranch: 'main' });
    const scriptA = streamingScript('alpha', 40, 300);
    const scriptB = streamingScript('bravo', 40, 300);
    const [taskA, taskB] = await Promise.all([
      stack.client.createTask(project.id, { description: scriptA.prompt, run: true }),
      stack.client.createTask(project.id, { description: scriptB.prompt, run: true }),
    ]);
    const sessionA = taskA.chatSessionId ?? '';
    const sessionB = taskB.chatSessionId ?? '';
    const viewerB = await openSessionViewer(stack.client.sessionsSocketUrl(project.id, sessionB, 0), sessionB);

    // Viewer A watches a while, goes away while messages keep coming, and comes back.
    const firstA = await openSessionViewer(stack.client.sessionsSocketUrl(project.id, sessionA, 0), sessionA);
    await firstA.waitFor((received) => received.length >= 6);
    await firstA.close();
    const lastSeq = firstA.lastSeq();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const secondA: SessionViewer = await openSessionViewer(stack.client.sessionsSocketUrl(project.id, sessionA, lastSeq), sessionA);

    const [doneA, doneB] = await Promise.all([waitForTask(stack.client, taskA.id, 180_000), waitForTask(stack.client, taskB.id, 180_000)]);
    expect([doneA.status, doneB.status]).toEqual(['completed', 'completed']);
    const storedA = await stack.client.allMessages(project.id, sessionA);
    const storedB = await stack.client.allMessages(project.id, sessionB);

    // Stored: each session exactly its own agent's messages, in order, once.
    expectExactlyOnceInSequence(storedA);
    expectExactlyOnceInSequence(storedB);
    expect(contentsOf(storedA)).toEqual(scriptA.expected);
    expect(contentsOf(storedB)).toEqual(scriptB.expected);

    // Viewer A: what it saw before plus after reconnecting is the whole session, no repeats.
    await secondA.waitFor(() => secondA.lastSeq() === storedA.length);
    expect(secondA.received.length).toBeGreaterThan(0);
    expect(seqsOf([...firstA.received, ...secondA.received])).toEqual(seqsOf(storedA));
    expect([...firstA.received, ...secondA.received]).toEqual(storedA);

    // Viewer B: the whole of session B, and no message of session A.
    await viewerB.waitFor(() => viewerB.lastSeq() === storedB.length);
    expect(viewerB.received).toEqual(storedB);
    for (const viewer of [firstA, secondA, viewerB]) {
      for (const event of viewer.events) if (event.type === 'messages.new') expect([sessionA, sessionB]).toContain(event.sessionId);
    }
    expect(viewerB.events.filter((e) => e.type === 'messages.new' && e.sessionId !== sessionB)).toEqual([]);
    expect(secondA.events.filter((e) => e.type === 'messages.new' && e.sessionId !== sessionA)).toEqual([]);
    await Promise.all([secondA.close(), viewerB.close()]);
  });
});
