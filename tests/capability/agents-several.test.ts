/**
 * Capability (issue 13 item 4): one task on three agents at once, on the real stack through the
 * public API — the scripted agent standing in as `claude-code`, and the real Codex and Gemini CLI
 * against testkit's fakes of their model APIs. Each variant gets its own run: the repository ends
 * with three branches `task/<taskId>-<agentType>`, each holding that agent's change (and only
 * its); three chat sessions, each with the description and that agent's own messages; and the
 * task completed with three completed variants, each with its summary, files changed and — for
 * the real agents — the usage its fake reported.
 */
import type { AgentType, ChatMessage, TaskVariant } from '@flotilla/contracts';
import { taskVariantBranchName } from '@flotilla/contracts';
import type { FakeModelApi } from '@flotilla/testkit/fake-openai';
import { bootTestStack, createGitRepo, git, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentFakes, type AgentFakes } from './agents-support.js';

let stack: TestStack;
let fakes: AgentFakes;
let openai: FakeModelApi;
let gemini: FakeModelApi;

beforeAll(async () => {
  fakes = await startAgentFakes();
  ({ openai, gemini } = fakes);
  stack = await bootTestStack({ agents: { scripted: ['claude-code'] }, nodeEnv: fakes.nodeEnv });
});

afterAll(async () => {
  await stack?.close();
  await fakes?.close();
});

/** Each agent writes a file of its own (the scripted agent from the description's instructions, the real ones from their fake model's script). */
const FILE_OF: Record<string, string> = { 'claude-code': 'CLAUDE.md', codex: 'CODEX.md', gemini: 'GEMINI.md' };

describe('one task on several agents', () => {
  it('runs on the scripted agent, Codex and Gemini CLI at once: three branches, three chat sessions, one completed task with three variants', async () => {
    openai.reset([{ text: 'Writing my file.', shell: "printf 'made by codex\\n' > CODEX.md" }, { text: 'Codex wrote CODEX.md.' }]);
    gemini.reset([{ text: 'Writing my file.', shell: "printf 'made by gemini\\n' > GEMINI.md" }, { text: 'Gemini wrote GEMINI.md.' }]);
    const description = 'Each agent writes a file of its own.\nwrite CLAUDE.md: made by the scripted agent\\n\nsay: The scripted agent wrote CLAUDE.md.';
    const repo = createGitRepo({ 'README.md': '# demo\n' });
    const project = await stack.client.createProject({ name: 'several agents', repoUrl: repo, defaultBranch: 'main' });
    const agentTypes: AgentType[] = ['claude-code', 'codex', 'gemini'];
    const created = await stack.client.createTask(project.id, { description, run: true, agentTypes });
    expect(created.variants?.map((v) => v.agentType)).toEqual(agentTypes);

    const task = await waitForTask(stack.client, created.id, 300_000);
    expect(task.variants?.map((v) => [v.agentType, v.status, v.error])).toEqual(agentTypes.map((type) => [type, 'completed', null]));
    expect(task.status).toBe('completed');
    // Only the task is listed; its variants are in it.
    const tasks = await stack.client.listTasks(project.id);
    expect(tasks.map((t) => t.id)).toEqual([task.id]);

    const variants = task.variants as TaskVariant[];
    for (const variant of variants) {
      const file = FILE_OF[variant.agentType]!;
      // (a) its own branch holds its change, and not the others'
      const branch = taskVariantBranchName(task.id, variant.agentType);
      expect(variant.branch).toBe(branch);
      expect(variant.commitSha).toBe(git(repo, 'rev-parse', branch));
      expect(showFile(repo, branch, file)).toMatch(/^made by /);
      expect(variant.filesChanged).toContain(file);
      for (const other of Object.values(FILE_OF).filter((f) => f !== file)) expect(showFile(repo, branch, other)).toBeNull();
      // (b) its own chat session: the description first, then its agent's messages
      const messages: ChatMessage[] = await stack.client.allMessages(project.id, variant.chatSessionId ?? '');
      expect(messages[0]).toMatchObject({ role: 'user', content: description });
      expect(messages.some((m) => m.role === 'tool')).toBe(true);
      const said = messages.filter((m) => m.role === 'assistant').map((m) => m.content).join('\n');
      const own = { 'claude-code': 'The scripted agent wrote CLAUDE.md.', codex: 'Codex wrote CODEX.md.', gemini: 'Gemini wrote GEMINI.md.' }[variant.agentType as 'claude-code' | 'codex' | 'gemini'];
      expect(said).toContain(own);
      expect(variant.summary).toBeTruthy();
    }
    expect(new Set(variants.map((v) => v.chatSessionId)).size).toBe(3);

    // (c) usage: each real agent's is what its fake reported; the task's is the sum of its variants'
    for (const [agentType, fake] of [['codex', openai], ['gemini', gemini]] as const) {
      const variant = variants.find((v) => v.agentType === agentType)!;
      const answered = fake.requests().filter((request) => request.reportedUsage);
      expect(variant.usage?.requests).toBe(answered.length);
      expect(variant.usage?.outputTokens).toBe(answered.reduce((sum, request) => sum + (request.reportedUsage?.outputTokens ?? 0), 0));
    }
    const sum = variants.reduce((total, v) => total + (v.usage?.outputTokens ?? 0), 0);
    expect(task.usage?.outputTokens).toBe(sum);
  });
});
