/**
 * Capability (issue 13 item 5): the project chat shows the work as it happens. Through the public
 * API and the project chat WebSocket, with the scripted agent on the real stack:
 * - a tool call's output and exit status are in the project chat, the call marked failed;
 * - a viewer sees a draft of the assistant message while the agent is still mid-turn (the agent
 *   is held at `await:` until the test has seen the draft), then the final text under the same
 *   message id; the stored chat holds exactly one final copy, and a viewer that connects
 *   afterwards (a reload) gets it once and no draft.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatDraft, ChatMessage } from '@flotilla/contracts';
import { bootTestStack, createGitRepo, openSessionViewer, waitForTask, type SessionViewer, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactlyOnceInSequence } from './chat-support.js';

let stack: TestStack;
/** Where the test puts the file the agent awaits (visible inside the agent's sandbox). */
const signalDir = mkdtempSync(join(tmpdir(), 'flotilla-signal-'));

beforeAll(async () => {
  stack = await bootTestStack({ nodeEnv: { FLOTILLA_SANDBOX_WRITE: signalDir } });
});

afterAll(async () => {
  await stack?.close();
  rmSync(signalDir, { recursive: true, force: true });
});

const draftsOf = (viewer: SessionViewer): ChatDraft[] => viewer.events.flatMap((e) => (e.type === 'message.draft' ? [e.draft] : []));

describe('the project chat shows the work as it happens', () => {
  it('stores a tool call with its output and exit status, and streams the answer as a draft, then once as final', async () => {
    const project = await stack.client.createProject({ name: 'live work', repoUrl: createGitRepo({ 'README.md': '# live\n' }), defaultBranch: 'main' });
    const go = join(signalDir, 'go');
    const script = [
      "run: echo building; echo 'test failed' >&2; exit 3",
      'say: Streaming the answer:',
      'say:  first part,',
      `await: ${go}`,
      'say:  second part.',
    ].join('\n');
    const task = await stack.client.createTask(project.id, { description: script, run: true });
    const sessionId = task.chatSessionId ?? '';
    const viewer = await openSessionViewer(stack.client.sessionsSocketUrl(project.id, sessionId, 0), sessionId);

    // Mid-turn: the draft, as far as it is written, and no final message of it yet.
    const firstPart = 'Streaming the answer: first part,';
    await viewer.waitFor(() => draftsOf(viewer).some((d) => d.content === firstPart), 180_000);
    const draft = draftsOf(viewer).find((d) => d.content === firstPart)!;
    expect(draft).toMatchObject({ role: 'assistant', sessionId });
    expect(viewer.received.some((m) => m.messageId === draft.messageId)).toBe(false);
    expect((await stack.client.getTask(task.id)).status).toBe('in_progress');

    writeFileSync(go, '');
    const done = await waitForTask(stack.client, task.id, 180_000);
    expect(done.status).toBe('completed');
    const finalText = `${firstPart} second part.`;
    await viewer.waitFor((received) => received.some((m) => m.messageId === draft.messageId));
    expect(viewer.received.filter((m) => m.messageId === draft.messageId).map((m) => m.content)).toEqual([finalText]);
    // Every draft came before the final, none after it.
    const finalIndex = viewer.events.findIndex((e) => e.type === 'messages.new' && e.messages.some((m) => m.messageId === draft.messageId));
    expect(viewer.events.slice(finalIndex).filter((e) => e.type === 'message.draft')).toEqual([]);
    expect(draftsOf(viewer).every((d) => finalText.startsWith(d.content))).toBe(true);

    const stored = await stack.client.allMessages(project.id, sessionId);
    expectExactlyOnceInSequence(stored);
    expect(stored.filter((m) => m.role === 'assistant').map((m) => [m.messageId, m.content])).toEqual([[draft.messageId, finalText]]);

    // The tool call: its latest message holds the output and the exit status, marked failed.
    const tool = stored.filter((m): m is ChatMessage & { toolMetadata: NonNullable<ChatMessage['toolMetadata']> } => m.role === 'tool' && m.toolMetadata !== null);
    expect(new Set(tool.map((m) => m.toolMetadata.toolCallId)).size).toBe(1);
    expect(tool.at(-1)?.toolMetadata).toMatchObject({ kind: 'execute', status: 'failed', exitCode: 3 });
    // stdout and stderr are two pipes: both are there, in whichever order they came.
    expect(tool.at(-1)?.toolMetadata.output?.split('\n').sort()).toEqual(['', 'building', 'test failed']);
    expect(tool.at(-1)?.content).toContain('echo building');

    // A reload: the whole session once, the answer final, no draft.
    const reloaded = await openSessionViewer(stack.client.sessionsSocketUrl(project.id, sessionId, 0), sessionId);
    await reloaded.waitFor((received) => received.length === stored.length);
    expect(reloaded.received).toEqual(stored);
    expect(draftsOf(reloaded)).toEqual([]);
    await Promise.all([viewer.close(), reloaded.close()]);
  });
});
