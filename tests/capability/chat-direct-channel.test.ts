/**
 * Capability (issue 3): the direct channel of a workspace's agent. Through the public API a
 * viewer gets a token and the node's URL, opens `GET {node}/workspaces/:id/agent/ws` on the real
 * node daemon, receives the buffered ACP updates of the running scripted agent and then the live
 * ones, and sends a follow-up prompt over the socket: the agent receives it (prompt log), answers
 * it, the chat holds it as a user message in place, and the task completes after it.
 * Refusals: no token (401), a token of another workspace (403).
 */
import type { AgentStreamEvent } from '@flotilla/contracts';
import { bootTestStack, createGitRepo, openAgentChannel, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactlyOnceInSequence, waitForWorkspace, waitUntil } from './chat-support.js';
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';

let stack: TestStack;
const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();

beforeAll(async () => {
  stack = await bootTestStack({ nodeEnv: promptLogNodeEnv });
});

afterAll(async () => {
  await stack?.close();
});

function promptsOfCwd(cwdPart: string): string[] {
  return readPromptLog(promptLog)
    .filter((entry) => entry.cwd.includes(cwdPart))
    .map((entry) => entry.text);
}

/** Text of an `agent_message_chunk` / `agent_thought_chunk` / `user_message_chunk` update event. */
function chunkText(event: AgentStreamEvent, kind: string): string | undefined {
  if (event.type !== 'update' || event.update.sessionUpdate !== kind) return undefined;
  const content = event.update['content'] as { type?: string; text?: string } | undefined;
  return content?.type === 'text' ? content.text : undefined;
}

describe('the direct agent channel of a workspace', () => {
  it('replays then streams the live ACP updates, and delivers a follow-up prompt that is persisted', async () => {
    const project = await stack.client.createProject({ name: 'direct', repoUrl: createGitRepo({ 'README.md': '# direct\n' }), defaultBranch: 'main' });
    const initial = 'say: starting the work\nthink: the plan is simple\nsleep: 5000\nsay: initial turn done';
    const created = await stack.client.createTask(project.id, { description: initial, run: true });
    const running = await waitForWorkspace(stack.client, created.id);
    const workspaceId = running.workspaceId ?? '';
    const sessionId = created.chatSessionId ?? '';
    // The thought has started, so the first assistant message is stored: the agent is mid-turn.
    await waitUntil('the first assistant message', () => stack.client.allMessages(project.id, sessionId), (m) => m.length >= 2);

    const access = await stack.client.viewerToken(project.id, workspaceId);
    expect(access.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/workspaces/${workspaceId}/agent/ws$`));
    const channel = await openAgentChannel(access.url, access.token);

    // Replay: the buffered updates, from seq 1.
    await channel.waitFor((e) => chunkText(e, 'agent_thought_chunk') === 'the plan is simple');
    const replayed = channel.events.filter((e) => e.type === 'update');
    expect(replayed.map((e) => (e.type === 'update' ? e.seq : 0))).toEqual(replayed.map((_, i) => i + 1));
    expect(chunkText(replayed[0]!, 'agent_message_chunk')).toBe('starting the work');

    // A second viewer resuming after seq 1 gets only what followed it.
    const late = await openAgentChannel(access.url, access.token, 1);
    const firstLate = await late.waitFor((e) => e.type === 'update');
    expect(firstLate.type === 'update' && firstLate.seq).toBe(2);
    await late.close();

    // A follow-up while the agent still works: queued, then delivered when the turn ends.
    const followUp = 'say: follow-up answered';
    channel.send({ type: 'prompt', text: followUp });
    const accepted = await channel.waitFor((e) => e.type === 'prompt.accepted');
    expect(accepted).toMatchObject({ type: 'prompt.accepted', delivery: 'queued' });
    channel.send({ type: 'prompt', text: '   ' });
    expect(await channel.waitFor((e) => e.type === 'error')).toMatchObject({ code: 'bad_request' });

    // Live: the initial turn's end, the prompt, and the agent's answer, in that order.
    await channel.waitFor((e) => chunkText(e, 'agent_message_chunk') === 'follow-up answered');
    const texts = channel.events.map((e) => chunkText(e, 'agent_message_chunk') ?? chunkText(e, 'user_message_chunk')).filter(Boolean);
    expect(texts).toEqual(['starting the work', 'initial turn done', followUp, 'follow-up answered']);
    await channel.close();

    const task = await waitForTask(stack.client, created.id, 120_000);
    expect(task.status).toBe('completed');
    expect(promptsOfCwd(workspaceId)).toEqual([initial, followUp]);
    const messages = await stack.client.allMessages(project.id, sessionId);
    expectExactlyOnceInSequence(messages);
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['user', initial],
      ['assistant', 'starting the work'],
      ['thinking', 'the plan is simple'],
      ['assistant', 'initial turn done'],
      ['user', followUp],
      ['assistant', 'follow-up answered'],
    ]);
    expect(messages[4]?.messageId).toBe(accepted.type === 'prompt.accepted' ? accepted.messageId : '');
  });

  it('refuses a viewer without a token (401) or with another workspace’s token (403)', async () => {
    const project = await stack.client.createProject({ name: 'direct-auth', repoUrl: createGitRepo({ 'README.md': '# auth\n' }), defaultBranch: 'main' });
    const busy = 'say: busy\nthink: still busy\nsleep: 60000';
    const [a, b] = await Promise.all([
      stack.client.createTask(project.id, { description: busy, run: true }),
      stack.client.createTask(project.id, { description: busy, run: true }),
    ]);
    const [runningA, runningB] = await Promise.all([waitForWorkspace(stack.client, a.id), waitForWorkspace(stack.client, b.id)]);
    const accessA = await stack.client.viewerToken(project.id, runningA.workspaceId ?? '');
    const accessB = await stack.client.viewerToken(project.id, runningB.workspaceId ?? '');
    await expect(openAgentChannel(accessA.url, null)).rejects.toThrow(/HTTP 401: \{"error":\{"code":"unauthorized"/);
    await expect(openAgentChannel(accessA.url, 'not-a-jwt')).rejects.toThrow(/HTTP 401/);
    await expect(openAgentChannel(accessA.url, accessB.token)).rejects.toThrow(/HTTP 403: \{"error":\{"code":"forbidden"/);
    await expect(stack.client.viewerToken(project.id, 'ws_unknown')).rejects.toMatchObject({ status: 404 });
  });
});
