/**
 * Capability: a task runs end to end (issue 2, DESIGN.md §2). Through the public HTTP API only:
 * create a project from a fresh git repo, POST a task with `run: true`, wait, then assert the
 * final outcome at every far end — the agent got the exact description as its first prompt, the
 * repo holds the task branch with the agent's change, the chat holds the conversation in order,
 * the task is completed with branch and SHA, and the workspace is gone from the node. The nodes
 * run the scripted agent for the task's agent type (Claude Code itself: task-end-to-end-claude-code).
 */
import { bootTestStack, createGitRepo, git, showFile, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';
import { runTaskToEnd } from './task-support.js';

let stack: TestStack;
const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();

beforeAll(async () => {
  stack = await bootTestStack({ agents: 'scripted', nodeEnv: promptLogNodeEnv });
});

afterAll(async () => {
  await stack?.close();
});

const recordedPrompts = () => readPromptLog(promptLog);

const runTask = (repo: string, description: string) => runTaskToEnd(stack, repo, description);

describe('a task runs end to end', () => {
  it('with the scripted agent: prompt delivered, branch pushed, chat persisted, workspace gone', async () => {
    const repo = createGitRepo({ 'README.md': '# demo\n' });
    const description = 'say: I will add a file\nwrite CHANGE.md: made by the scripted agent\\nsecond line\nsay: done';
    const before = recordedPrompts().length;
    const { task, messages } = await runTask(repo, description);

    // (d) completed, with the branch and commit recorded
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    const branch = `task/${task.id}`;
    expect(task.output.branch).toBe(branch);
    // (a) the agent received exactly the description as its first prompt
    const prompts = recordedPrompts().slice(before);
    expect(prompts[0]?.text).toBe(description);
    // (b) the user's repository has the task branch, whose tip holds the change
    expect(task.output.commitSha).toBe(git(repo, 'rev-parse', branch));
    expect(showFile(repo, branch, 'CHANGE.md')).toBe('made by the scripted agent\nsecond line');
    expect(git(repo, 'log', '-1', '--format=%s', branch)).toContain(task.id);
    // (c) the chat: the description first, then the agent's messages in order
    expect(messages[0]).toMatchObject({ role: 'user', content: description, seq: 1 });
    expect(messages.filter((m) => m.role === 'user')).toHaveLength(1);
    const roles = messages.map((m) => m.role);
    expect(roles.indexOf('assistant')).toBeGreaterThan(0);
    expect(roles.indexOf('tool')).toBeGreaterThan(roles.indexOf('assistant'));
    expect(messages.find((m) => m.role === 'assistant')?.content).toContain('I will add a file');
    const toolDone = messages.find((m) => m.role === 'tool' && m.toolMetadata?.status === 'completed');
    expect(toolDone?.toolMetadata).toMatchObject({ kind: 'edit' });
    expect(toolDone?.toolMetadata?.target).toMatch(/CHANGE\.md$/);
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: expect.stringContaining('done') });
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    // (e) the workspace is gone from the node (cleanup follows the status change)
    expect(task.nodeId).not.toBeNull();
    await waitUntil('the workspace is gone', () => !existsSync(stack.workspaceDir(task.nodeId ?? '', task.workspaceId ?? '')));
  });

  it('an agent that exits non-zero fails the task with a readable error and keeps the workspace', async () => {
    const repo = createGitRepo();
    const { task, messages } = await runTask(repo, 'say: about to crash\nexit: 3');
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/exit(ed)? (with )?code 3|code 3/i);
    expect(messages[0]).toMatchObject({ role: 'user' });
    expect(existsSync(stack.workspaceDir(task.nodeId ?? '', task.workspaceId ?? ''))).toBe(true);
    expect(task.events.map((e) => e.toStatus)).toEqual(['ready', 'queued', 'delegated', 'in_progress', 'failed']);
  });
});
