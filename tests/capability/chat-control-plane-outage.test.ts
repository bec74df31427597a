/**
 * Capability (issue 3): the control plane goes away for 30 s while an agent streams, and comes
 * back on the same port with the same state. The node daemon's outbox keeps every message and
 * delivers it once the control plane is back: the chat holds every message, in order, exactly
 * once, and the task still completes. Real processes throughout: wrangler, the local cloud, a
 * node daemon, the scripted agent.
 */
import { bootTestStack, createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRISK_RETRY_ENV, contentsOf, expectExactlyOnceInSequence, streamingScript, waitForWorkspace, waitUntil } from './chat-support.js';

const OUTAGE_MS = 30_000;
let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack({ nodeEnv: BRISK_RETRY_ENV });
});

afterAll(async () => {
  await stack?.close();
});

describe('a control-plane outage during a run', () => {
  it('loses no message: every message arrives in order exactly once, and the task completes', async () => {
    // ~45 s of streaming: it starts before the outage and goes on well after it.
    const script = streamingScript('outage', 60, 750);
    const project = await stack.client.createProject({ name: 'outage', repoUrl: createGitRepo({ 'README.md': '# outage\n' }), defaultBranch: 'main' });
    const created = await stack.client.createTask(project.id, { description: script.prompt, run: true });
    const sessionId = created.chatSessionId ?? '';
    await waitForWorkspace(stack.client, created.id);
    const before = await waitUntil('the first streamed messages', () => stack.client.allMessages(project.id, sessionId), (m) => m.length >= 4);

    await stack.stopControlPlane();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await stack.startControlPlane();

    const task = await waitForTask(stack.client, created.id, 180_000);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    const messages = await stack.client.allMessages(project.id, sessionId);
    expectExactlyOnceInSequence(messages);
    expect(contentsOf(messages)).toEqual(script.expected);
    // What was stored before the outage is unchanged.
    expect(messages.slice(0, before.length)).toEqual(before);
  });
});
