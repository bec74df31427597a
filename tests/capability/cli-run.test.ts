/**
 * Capability: `flotilla run` as a user types it. Against a running server (`--server`) and with
 * an embedded one booted for the run; `--json` gives the result as the last line of stdout;
 * `--agent` repeated runs one task on several agents and compares them. The
 * nodes run the scripted agent for `--agent claude-code` (the testkit's agent-command override).
 */
import { agentOverrideEnv, bootTestStack, createGitRepo, git, processesOfStack, showFile, type TestStack } from '@flotilla/testkit/stack';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';
import { runCli } from './cli-support.js';

const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv('flotilla-cli-prompts-');
const agentEnv = promptLogNodeEnv;
/** The environment of a `flotilla run` that boots its own stack: its nodes run the scripted agent. */
const embeddedEnv = { ...agentOverrideEnv('scripted'), ...agentEnv };

function lastJsonLine(stdout: string) {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
    taskId: string;
    status: string;
    branch: string | null;
    commitSha: string | null;
    sessionId: string;
    messageCount: number;
  };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await bootTestStack({ nodeEnv: agentEnv });
});
afterAll(async () => {
  await stack?.close();
});

describe('flotilla run', () => {
  it('--server --json: streams progress, pushes the branch into the --repo path, prints the result', async () => {
    const repo = createGitRepo();
    const description = 'say: working on it\nwrite notes/hello.txt: hello from the CLI';
    const result = await runCli(['run', '--repo', repo, '--agent', 'claude-code', '--server', stack.url, '--json', description]);
    expect(result.code, result.stderr).toBe(0);
    const json = lastJsonLine(result.stdout);
    expect(json).toMatchObject({ status: 'completed', branch: `task/${json.taskId}` });
    expect(json.commitSha).toBe(git(repo, 'rev-parse', `task/${json.taskId}`));
    expect(showFile(repo, `task/${json.taskId}`, 'notes/hello.txt')).toBe('hello from the CLI');
    // the agent got the description; the chat holds what the CLI counted
    const prompts = readPromptLog(promptLog);
    expect(prompts.some((p) => p.text === description)).toBe(true);
    const task = await stack.client.getTask(json.taskId);
    const messages = await stack.client.allMessages(task.projectId, json.sessionId);
    expect(json.messageCount).toBe(messages.length);
    expect(messages[0]).toMatchObject({ role: 'user', content: description });
    // progress went to stderr, step by step, and the agent's words streamed
    expect(result.stderr).toContain('Provisioning a node');
    expect(result.stderr).toContain('Starting the agent and handing it the task');
    expect(result.stderr).toContain('working on it');
  });

  it('--agent repeated: runs the task on each agent at once, prints each one\'s progress and a comparison', async () => {
    const repo = createGitRepo();
    const description = 'write SEVERAL.md: from each agent\nsay: wrote SEVERAL.md';
    const result = await runCli(['run', '--repo', repo, '--agent', 'claude-code', '--agent', 'codex', '--server', stack.url, '--json', description]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as { taskId: string; status: string; variants: Array<{ agentType: string; status: string; branch: string }> };
    expect(json.status).toBe('completed');
    expect(json.variants.map((v) => [v.agentType, v.status, v.branch])).toEqual([
      ['claude-code', 'completed', `task/${json.taskId}-claude-code`],
      ['codex', 'completed', `task/${json.taskId}-codex`],
    ]);
    for (const variant of json.variants) expect(showFile(repo, variant.branch, 'SEVERAL.md')).toBe('from each agent');
    expect(result.stderr).toContain('[Claude Code] completed');
    expect(result.stderr).toContain('[Codex] completed');
    expect(result.stderr).toMatch(/Agent\s+Status\s+Files\s+Tokens\s+Branch/);
    expect(result.stderr).toMatch(/^Codex: /m);
  });

  it('exits non-zero when the task fails', async () => {
    const repo = createGitRepo();
    const result = await runCli(['run', '--repo', repo, '--agent', 'claude-code', '--server', stack.url, '--json', 'fail: the agent gives up']);
    expect(result.code).not.toBe(0);
    expect(lastJsonLine(result.stdout).status).toBe('failed');
    expect(result.stderr).toContain('the agent gives up');
  });

  it('without a server, boots an embedded one for the run and leaves nothing running', async () => {
    const repo = createGitRepo();
    const home = mkdtempSync(join(tmpdir(), 'flotilla-embedded-'));
    const result = await runCli(['run', '--repo', repo, '--agent', 'claude-code', '--json', 'write done.txt: embedded'], { FLOTILLA_HOME: home, ...embeddedEnv });
    expect(result.code, result.stderr).toBe(0);
    const json = lastJsonLine(result.stdout);
    expect(showFile(repo, `task/${json.taskId}`, 'done.txt')).toBe('embedded');
    expect(result.stderr).toContain('Embedded Flotilla at');
    expect(existsSync(join(home, 'state'))).toBe(true);
    // no process of that run is left: wrangler, workerd (FLOTILLA_HOME), node daemons (a data directory in it) and their agents
    await new Promise((r) => setTimeout(r, 500));
    expect(processesOfStack(home)).toEqual([]);
  });
});
