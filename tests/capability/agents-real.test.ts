/**
 * Capability (issue 13): every agent besides Claude Code — Codex, Gemini CLI, OpenCode, Qwen Code,
 * Cline — runs a task end to end, the real agent from its npm package on the real stack, through
 * the public API, against a fake of its model API (testkit: OpenAI Responses for Codex, Chat
 * Completions for OpenCode, Qwen Code and Cline, Gemini `streamGenerateContent` for Gemini CLI).
 * For each: the description reaches the model as the user's prompt (the fake's request log), the
 * agent's shell tool call changes a file, the task branch holds it, the chat holds the prompt, the
 * tool call and the agent's final text in that order, the task completes; the model saw only the
 * node's key (through the node's model gateway, the agent in its sandbox) and the task's usage is
 * what the fake reported; afterwards no process of the agent is left. And cancelling mid-turn
 * stops the agent with its whole process tree. An agent whose model API has no credential (here
 * Claude Code: the nodes hold only OpenAI and Gemini keys) fails its task at once, naming the
 * setting, without starting.
 */
import type { AgentType, ChatMessage } from '@flotilla/contracts';
import { sha256Hex, type FakeModelApi } from '@flotilla/testkit/fake-openai';
import { bootTestStack, createGitRepo, git, processesWithEnv, showFile, waitForTask, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GEMINI_NODE_KEY, OPENAI_NODE_KEY, startAgentFakes, type AgentFakes } from './agents-support.js';

const AGENTS: AgentType[] = ['codex', 'gemini', 'opencode', 'qwen-code', 'cline'];

let stack: TestStack;
let fakes: AgentFakes;

beforeAll(async () => {
  fakes = await startAgentFakes();
  stack = await bootTestStack({ agents: 'real', nodeEnv: fakes.nodeEnv });
});

afterAll(async () => {
  await stack?.close();
  await fakes?.close();
});

const fakeOf = (agentType: AgentType): FakeModelApi => (agentType === 'gemini' ? fakes.gemini : fakes.openai);
const keyOf = (agentType: AgentType) => (agentType === 'gemini' ? GEMINI_NODE_KEY : OPENAI_NODE_KEY);

/** The HOME of a workspace's sandbox on its node: every process of its agent has it in its environment. */
const sandboxHome = (nodeId: string, workspaceId: string) => join(stack.workspaceDir(nodeId, workspaceId), '..', '..', 'sandboxes', workspaceId, 'home');

async function startTask(agentType: AgentType, description: string) {
  const repo = createGitRepo({ 'README.md': '# demo\n' });
  const project = await stack.client.createProject({ name: `agent ${agentType}`, repoUrl: repo, defaultBranch: 'main' });
  const created = await stack.client.createTask(project.id, { description, run: true, agentType });
  return { repo, project, created };
}

const indexOf = (messages: ChatMessage[], match: (message: ChatMessage) => boolean) => messages.findIndex(match);

describe.each(AGENTS)('the %s agent', (agentType) => {
  it('runs a task end to end against a fake of its model API, through the model gateway, and leaves no process', async () => {
    const fake = fakeOf(agentType);
    fake.reset([{ text: 'I will create the file.', shell: `printf 'made by ${agentType}\\n' > CHANGE.md && env > AGENT_ENV.txt && echo wrote-the-change` }, { text: 'Created CHANGE.md as asked.' }]);
    const description = `Create a file CHANGE.md that says "made by ${agentType}".`;
    const { repo, project, created } = await startTask(agentType, description);
    const task = await waitForTask(stack.client, created.id, 240_000);
    const messages = await stack.client.allMessages(project.id, task.chatSessionId ?? '');

    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(task.agentType).toBe(agentType);
    // (a) the model got the exact description as the user's prompt
    expect(fake.firstUserPrompt()).toBe(description);
    // (b) the tool call changed the file; the task branch holds it
    const branch = `task/${task.id}`;
    expect(showFile(repo, branch, 'CHANGE.md')).toBe(`made by ${agentType}\n`);
    expect(task.output.commitSha).toBe(git(repo, 'rev-parse', branch));
    // (c) the chat: the prompt, then the tool call, then the agent's final text
    const prompt = indexOf(messages, (m) => m.role === 'user' && m.content === description);
    const tool = indexOf(messages, (m) => m.role === 'tool');
    const final = indexOf(messages, (m) => m.role === 'assistant' && m.content.includes('Created CHANGE.md as asked.'));
    expect(prompt).toBe(0);
    expect(tool).toBeGreaterThan(prompt);
    expect(final).toBeGreaterThan(tool);
    // … one tool call (stored when shown and when finished, the web app shows one card per call id), with the command's output beside it
    const toolCalls = messages.filter((m) => m.role === 'tool');
    expect(new Set(toolCalls.map((m) => m.toolMetadata?.toolCallId)).size).toBe(1);
    const finished = toolCalls.at(-1)?.toolMetadata;
    expect(finished?.status).toBe('completed');
    // Gemini CLI 0.61 reports a shell command's result only to its model, not over ACP.
    if (agentType !== 'gemini') expect(finished?.output).toContain('wrote-the-change');
    // (d) through the node's model gateway: the fake saw only the node's key; the usage is what it reported
    const answered = fake.requests().filter((request) => request.reportedUsage);
    expect(fake.mainRequests().length).toBeGreaterThanOrEqual(2);
    for (const request of fake.requests()) expect(request.apiKeySha256).toBe(sha256Hex(keyOf(agentType)));
    expect(task.usage?.requests).toBe(answered.length);
    const reported = answered.reduce((sum, request) => sum + (request.reportedUsage?.outputTokens ?? 0), 0);
    expect(task.usage?.outputTokens).toBe(reported);
    // … and the agent's tools never see the node's key (at most the workspace's gateway token)
    const agentEnv = showFile(repo, branch, 'AGENT_ENV.txt') ?? '';
    expect(agentEnv).toMatch(/^HOME=.*\/sandboxes\/ws_[0-9a-z]+\/home$/m);
    expect(agentEnv).not.toContain(keyOf(agentType));
    // (e) the workspace is gone, and no process of the agent is left
    const home = sandboxHome(task.nodeId ?? '', task.workspaceId ?? '');
    await waitUntil('the workspace is gone', () => !existsSync(stack.workspaceDir(task.nodeId ?? '', task.workspaceId ?? '')), 60_000);
    await waitUntil(`no process of ${agentType} is left`, () => processesWithEnv(`HOME=${home}`).length === 0, 60_000);
  });

  it('stops with its whole process tree when the task is cancelled mid-turn', async () => {
    const fake = fakeOf(agentType);
    // The model's answer never comes: the agent waits mid-turn until it is cancelled.
    fake.reset([{ text: 'Thinking…', delayMs: 3_600_000 }]);
    const { project, created } = await startTask(agentType, 'Take your time with this one.');
    await waitUntil('the agent is waiting for its model', () => fake.mainRequests().length > 0, 180_000);
    const running = await stack.client.getTask(created.id);
    const home = sandboxHome(running.nodeId ?? '', running.workspaceId ?? '');
    expect(processesWithEnv(`HOME=${home}`).length).toBeGreaterThan(0);

    await stack.client.cancelTask(project.id, created.id);
    const task = await waitForTask(stack.client, created.id, 120_000);
    expect(task.status).toBe('cancelled');
    await waitUntil(`no process of ${agentType} is left`, () => processesWithEnv(`HOME=${home}`).length === 0, 60_000);
  });
});

describe('an agent without credentials', () => {
  it('fails its task at once, naming the setting to give, and starts no process', async () => {
    const { created } = await startTask('claude-code', 'Create a file that will never be made.');
    const task = await waitForTask(stack.client, created.id, 120_000);
    expect(task.status).toBe('failed');
    expect(task.error).toContain('ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN is not set');
    expect(task.error).toContain('flotilla up');
    const home = sandboxHome(task.nodeId ?? '', task.workspaceId ?? '');
    expect(processesWithEnv(`HOME=${home}`)).toEqual([]);
  });
});
