/**
 * Capability: resume with ACP `session/load` (issue 15 item 3). Claude Code (its ACP adapter, a
 * real agent) runs a task against the fake Anthropic API; when its turn ends the node daemon
 * archives its session transcript to the control plane; the task completes and its workspace is
 * destroyed. A follow-up resumes the task in a new workspace (another path, so another Claude
 * project directory): the daemon restores the transcript into the new agent's HOME and loads the
 * session instead of opening a new one, and sends the follow-up alone. Proof, in the fake's
 * requests: the resumed run's first model request carries the earlier turn as real conversation
 * history (the user's task, the tool call, the answer) and its last user message is exactly the
 * follow-up — without the quoted context the fallback prompt (tasks/resume-prompt.ts) adds. The
 * branch gets a second commit. The resumed run's archive replaces the first: a third follow-up
 * loads both earlier turns. (The fallback itself is resume.test.ts; the size bound and the
 * refused symlinks are the daemon's unit tests, agents/session-files/.)
 */
import { startFakeAnthropic, stripSystemReminders, type FakeAnthropic } from '@flotilla/testkit/fake-anthropic';
import { bootTestStack, createGitRepo, git, showFile, waitForTask, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import type { TaskWithEvents } from '@flotilla/contracts';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;
let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic({ script: [] });
  stack = await bootTestStack({ agents: 'real', nodeEnv: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'test-key-not-real' } });
});

afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

interface ApiMessage {
  role: string;
  content: unknown;
}

/** The text of a message of the Messages API (its text blocks, system reminders removed), and whether it holds tool calls or results. */
function textOf(message: ApiMessage | undefined): string {
  if (!message) return '';
  if (typeof message.content === 'string') return stripSystemReminders(message.content);
  if (!Array.isArray(message.content)) return '';
  return (message.content as Array<{ type?: string; text?: string }>)
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => stripSystemReminders(block.text ?? ''))
    .filter((text) => text.length > 0)
    .join('\n');
}

const blockTypes = (message: ApiMessage): string[] => (Array.isArray(message.content) ? (message.content as Array<{ type?: string }>).map((block) => block.type ?? '') : ['text']);

describe('a follow-up resumes Claude Code with session/load', () => {
  it('the resumed agent gets the earlier turn as its own history and the follow-up alone', async () => {
    // One script for both runs: the fake answers by how many assistant turns the request holds, so
    // a loaded session (two turns in its history) gets the third entry; a new one would get the first.
    fake.setScript([
      { text: 'I will create the file.', toolUses: [{ name: 'Bash', input: { command: "printf 'first turn\\n' > FIRST.md", description: 'Create FIRST.md' } }] },
      { text: 'Created FIRST.md; the secret word is marmalade.' },
      { text: 'Adding the second file.', toolUses: [{ name: 'Bash', input: { command: "printf 'second turn\\n' > SECOND.md", description: 'Create SECOND.md' } }] },
      { text: 'Created SECOND.md; the secret word was marmalade.' },
      { text: 'Adding the third file.', toolUses: [{ name: 'Bash', input: { command: "printf 'third turn\\n' > THIRD.md", description: 'Create THIRD.md' } }] },
      { text: 'Created THIRD.md.' },
    ]);
    const repo = createGitRepo({ 'README.md': '# demo\n' });
    const project = await stack.client.createProject({ name: 'resume-session-load', repoUrl: repo, defaultBranch: 'main' });
    const description = 'Create FIRST.md saying "first turn".';
    const created = await stack.client.createTask(project.id, { description, run: true, agentType: 'claude-code' });
    const first: TaskWithEvents = await waitForTask(stack.client, created.id, 180_000);
    expect(first.error).toBeNull();
    expect(first.status).toBe('completed');
    const workspaceDir = stack.workspaceDir(first.nodeId ?? '', first.workspaceId ?? '');
    await waitUntil('the workspace is destroyed', () => !existsSync(workspaceDir), 60_000);
    const requestsBefore = fake.requests.length;

    const followUp = 'Now create SECOND.md saying "second turn". What was the secret word?';
    const answer = await stack.client.sendFollowUpPrompt(project.id, first.chatSessionId ?? '', followUp);
    expect(answer.delivery).toBe('resumed');
    const second = await waitForTask(stack.client, first.id, 180_000);
    expect(second.error).toBeNull();
    expect(second.status).toBe('completed');
    expect(second.workspaceId).not.toBe(first.workspaceId);

    // The resumed run's first model request: the earlier turn as real history, then the follow-up alone.
    const resumed = fake.mainRequests().filter((request) => fake.requests.indexOf(request) >= requestsBefore);
    expect(resumed.length).toBeGreaterThan(0);
    const messages = ((resumed[0]?.body as { messages?: ApiMessage[] }).messages ?? []);
    expect(textOf(messages[0])).toContain(description);
    const assistants = messages.filter((message) => message.role === 'assistant');
    expect(assistants.length).toBe(2);
    expect(assistants.flatMap(blockTypes)).toContain('tool_use');
    expect(assistants.map(textOf).join('\n')).toContain('the secret word is marmalade');
    // (Claude Code adds a `system` note after it: the working directory changed — the new workspace's.)
    const lastUser = messages.filter((message) => message.role === 'user').at(-1);
    expect(textOf(lastUser)).toBe(followUp);
    expect(messages.at(-1)?.role === 'user' || messages.at(-1)?.role === 'system').toBe(true);
    const everything = JSON.stringify(messages);
    expect(everything).not.toContain('You are continuing earlier work');
    expect(everything).not.toContain(`> ${description}`);

    // A second commit on the same branch, on top of the first.
    const branch = `task/${first.id}`;
    expect(second.output.branch).toBe(branch);
    expect(second.output.commitSha).toBe(git(repo, 'rev-parse', branch));
    expect(git(repo, 'rev-parse', `${branch}^`)).toBe(first.output.commitSha);
    expect(showFile(repo, branch, 'FIRST.md')).toBe('first turn\n');
    expect(showFile(repo, branch, 'SECOND.md')).toBe('second turn\n');
    // The chat holds both turns once each: the history the agent replayed on load is not stored again.
    const chat = await stack.client.allMessages(project.id, first.chatSessionId ?? '');
    expect(chat.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([description, followUp]);
    const answers = chat.filter((m) => m.role === 'assistant').map((m) => m.content);
    expect(answers.filter((text) => text.includes('the secret word is marmalade'))).toHaveLength(1);
    expect(answers.join('\n')).toContain('Created SECOND.md; the secret word was marmalade.');

    // The resumed run archived its session again, replacing the first archive: a third follow-up,
    // once this workspace is gone too, loads both earlier turns.
    await waitUntil('the second workspace is destroyed', () => !existsSync(stack.workspaceDir(second.nodeId ?? '', second.workspaceId ?? '')), 60_000);
    const requestsBeforeThird = fake.requests.length;
    const thirdPrompt = 'Now create THIRD.md saying "third turn".';
    expect((await stack.client.sendFollowUpPrompt(project.id, first.chatSessionId ?? '', thirdPrompt)).delivery).toBe('resumed');
    const third = await waitForTask(stack.client, first.id, 180_000);
    expect(third.error).toBeNull();
    expect(third.status).toBe('completed');
    const thirdRequest = fake.mainRequests().find((request) => fake.requests.indexOf(request) >= requestsBeforeThird);
    const thirdMessages = ((thirdRequest?.body as { messages?: ApiMessage[] } | undefined)?.messages ?? []);
    expect(thirdMessages.filter((message) => message.role === 'assistant')).toHaveLength(4);
    expect(thirdMessages.map(textOf).join('\n')).toContain(followUp);
    expect(textOf(thirdMessages.filter((message) => message.role === 'user').at(-1))).toBe(thirdPrompt);
    expect(git(repo, 'rev-parse', `${branch}^`)).toBe(second.output.commitSha);
    expect(showFile(repo, branch, 'THIRD.md')).toBe('third turn\n');
  });
});
