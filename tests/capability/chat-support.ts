/**
 * Shared pieces of the chat persistence capability tests (issue 3): scripted-agent prompts that
 * stream numbered messages, the node settings that make the outbox retry briskly, and checks on a
 * session's stored messages.
 */
import type { FlotillaClient } from '@flotilla/cli';
import type { ChatMessage, TaskWithEvents } from '@flotilla/contracts';
import { expect } from 'vitest';

/** Node daemon env: short outbox and callback backoff, so a recovered control plane is seen soon. */
export const BRISK_RETRY_ENV: Record<string, string> = {
  MSG_RETRY_INITIAL_INTERVAL_MS: '200',
  MSG_RETRY_MAX_INTERVAL_MS: '1500',
  CALLBACK_RETRY_INITIAL_INTERVAL_MS: '200',
  CALLBACK_RETRY_MAX_INTERVAL_MS: '1500',
};

export interface StreamingScript {
  /** The task description (scripted-agent instructions). */
  prompt: string;
  /** The chat messages the agent's updates become, in order (role and content). */
  expected: Array<Pick<ChatMessage, 'role' | 'content'>>;
}

/**
 * A prompt making the scripted agent emit `count` numbered messages, alternating `assistant` and
 * `thinking` (each different kind ends the previous message), `pauseMs` milliseconds apart.
 *
 * @param label marks every message, so two sessions' messages can be told apart.
 */
export function streamingScript(label: string, count: number, pauseMs: number): StreamingScript {
  const lines: string[] = [];
  const expected: StreamingScript['expected'] = [];
  for (let i = 1; i <= count; i += 1) {
    const n = String(i).padStart(3, '0');
    const content = i % 2 === 1 ? `${label} says ${n}` : `${label} thinks ${n}`;
    lines.push(i % 2 === 1 ? `say: ${content}` : `think: ${content}`);
    expected.push({ role: i % 2 === 1 ? 'assistant' : 'thinking', content });
    if (i < count) lines.push(`sleep: ${pauseMs}`);
  }
  const prompt = lines.join('\n');
  return { prompt, expected: [{ role: 'user', content: prompt }, ...expected] };
}

/** Poll `read` every 250 ms until `done(value)`; the error names `what` and the last value's size. */
export async function waitUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Wait until a task has its node, workspace and chat session recorded. */
export function waitForWorkspace(client: FlotillaClient, taskId: string): Promise<TaskWithEvents> {
  return waitUntil(`task ${taskId} to have a workspace`, () => client.getTask(taskId), (t) => t.workspaceId !== null && t.nodeId !== null && t.status === 'in_progress');
}

/**
 * Every message once and in one unbroken sequence: messageIds unique, `seq` exactly 1..n.
 */
export function expectExactlyOnceInSequence(messages: readonly ChatMessage[]): void {
  expect(new Set(messages.map((m) => m.messageId)).size).toBe(messages.length);
  expect(messages.map((m) => m.seq)).toEqual(messages.map((_, index) => index + 1));
}

/** Role and content of each message, for comparing with a script's `expected`. */
export function contentsOf(messages: readonly ChatMessage[]): Array<Pick<ChatMessage, 'role' | 'content'>> {
  return messages.map(({ role, content }) => ({ role, content }));
}
