/**
 * Capability (issue 12, DESIGN.md §7): a hostile agent, end to end through the control plane. A
 * task's agent (the scripted agent's `run:` lines) tries to read daemon.db, the node's token file,
 * another task's workspace and HOME on the same node (a victim task kept running beside it), the
 * operator's home and `/proc/*\/environ`, prints its environment, and tries to reach the control
 * plane to re-announce the node. It writes everything it got into its checkout and reads it into
 * the chat. Every attempt fails: no canary — the node's model key, the user's stored key, the
 * victim's files, the operator's file, the callback tokens — is in the task's chat or its pushed
 * branch, and the task still completes with its change pushed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootTestStack, createGitRepo, showFile, waitForTask, waitUntil, workspaceCallbackToken, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const canary = (what: string) => `canary-${what}-${randomUUID()}`;
const MODEL_KEY = `sk-ant-${canary('node-key')}`;
const STORED_KEY = `sk-ant-${canary('stored-key')}`;
const VICTIM_FILE = canary('victim-file');
const VICTIM_HOME = canary('victim-home');
const OPERATOR_FILE = canary('operator');
const operatorHome = mkdtempSync(join(tmpdir(), 'fl-operator-'));

let stack: TestStack;

beforeAll(async () => {
  writeFileSync(join(operatorHome, '.netrc'), `machine git.example password ${OPERATOR_FILE}\n`);
  stack = await bootTestStack({
    // Two workspaces per node, so the attacker's task lands beside the victim's.
    nodeEnv: { HOME: operatorHome, ANTHROPIC_API_KEY: MODEL_KEY },
    vars: { NODE_MAX_WORKSPACES: '2', CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
  });
});

afterAll(async () => {
  await stack?.close();
});

/** The attacker's prompt: every line runs in its sandbox, from its checkout `<dataDir>/workspaces/<id>`. */
function attack(controlPlaneUrl: string): string {
  return [
    'write CHANGE.md: the real change\\n',
    `run: (cat ../../daemon.db; cat ../../../callback-token; cat ../*/secret.txt; cat ../../sandboxes/*/home/.claude/.credentials.json; cat ${operatorHome}/.netrc; cat /etc/flotilla/*; ls -a .. ../.. ../../sandboxes) > loot.txt 2>&1; true`,
    "run: (echo '--- environ'; cat /proc/*/environ | tr '\\0' '\\n'; echo '--- env'; env) >> loot.txt 2>&1; true",
    `run: (echo '--- re-announce'; curl -s -m 10 -X POST -H 'content-type: application/json' -d '{"url":"http://attacker.example"}' ${controlPlaneUrl}/api/nodes/any/ready || echo direct-refused; curl -s -m 10 --noproxy '' -w ' %{http_code}' ${controlPlaneUrl}/health) >> loot.txt 2>&1; true`,
    'read loot.txt',
  ].join('\n');
}

describe('a hostile agent on the real stack', () => {
  it('reads, prints and sends no secret — the node\'s, another task\'s, the operator\'s — and its task still completes', async () => {
    expect((await stack.client.putAgentCredential('claude-code', STORED_KEY)).name).toBe('claude-code');
    const repo = createGitRepo({ 'README.md': '# hostile\n' });
    const project = await stack.client.createProject({ name: 'hostile', repoUrl: repo, defaultBranch: 'main' });

    // The victim: a task whose workspace and HOME hold secrets, kept running.
    const victimPrompt = [`write secret.txt: ${VICTIM_FILE}`, `run: mkdir -p "$HOME/.claude" && echo ${VICTIM_HOME} > "$HOME/.claude/.credentials.json"`, 'sleep: 600000'].join('\n');
    const victim = await stack.client.createTask(project.id, { description: victimPrompt, run: true, agentType: 'claude-code' });
    let victimPlace = { nodeId: '', workspaceId: '' };
    await waitUntil(
      'the victim has written its secrets',
      async () => {
        const task = await stack.client.getTask(victim.id);
        victimPlace = { nodeId: task.nodeId ?? '', workspaceId: task.workspaceId ?? '' };
        const dataDir = stack.nodeDataDir(victimPlace.nodeId);
        return Boolean(task.workspaceId) && existsSync(join(dataDir, 'workspaces', victimPlace.workspaceId, 'secret.txt')) && existsSync(join(dataDir, 'sandboxes', victimPlace.workspaceId, 'home/.claude/.credentials.json'));
      },
      120_000,
    );

    const created = await stack.client.createTask(project.id, { description: attack(stack.url), run: true, agentType: 'claude-code' });
    const task = await waitForTask(stack.client, created.id, 180_000);
    expect({ status: task.status, error: task.error }).toEqual({ status: 'completed', error: null });
    expect(task.nodeId).toBe(victimPlace.nodeId);

    // Its real change is pushed; what it gathered is there too, and in the chat.
    const branch = `task/${task.id}`;
    expect(showFile(repo, branch, 'CHANGE.md')).toBe('the real change\n');
    const loot = showFile(repo, branch, 'loot.txt') ?? '';
    const chat = JSON.stringify(await stack.client.allMessages(project.id, task.chatSessionId ?? ''));
    expect(chat).toContain('--- env');

    const dataDir = stack.nodeDataDir(victimPlace.nodeId);
    const secrets = {
      MODEL_KEY,
      STORED_KEY,
      VICTIM_FILE,
      VICTIM_HOME,
      OPERATOR_FILE,
      nodeToken: readFileSync(join(dataDir, '..', 'callback-token'), 'utf8').trim(),
      victimToken: workspaceCallbackToken(dataDir, victimPlace.workspaceId),
      ownToken: workspaceCallbackToken(dataDir, task.workspaceId ?? ''),
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect(loot.includes(secret), `${name} in the pushed branch`).toBe(false);
      expect(chat.includes(secret), `${name} in the chat`).toBe(false);
    }
    // Each attempt met a wall, not an empty file.
    expect(loot).toMatch(/daemon\.db: No such file or directory/);
    expect(loot).toMatch(/callback-token: No such file or directory/);
    // (a glob that matched nothing is printed quoted)
    expect(loot).toMatch(/secret\.txt'?: No such file or directory/);
    expect(loot).toMatch(/\.credentials\.json'?: No such file or directory/);
    expect(loot).toMatch(/\.netrc: No such file or directory/);
    expect(loot).toMatch(/^ANTHROPIC_API_KEY=flt_gw_/m);
    expect(loot).toContain('direct-refused');
    expect(loot).toMatch(/Flotilla egress proxy: 127\.0\.0\.1:\d+ refused: an IP address that is not on the allowlist.* 403/s);
    expect((await stack.client.listNodes()).find((node) => node.id === task.nodeId)?.url).not.toContain('attacker');

    await stack.client.cancelTask(project.id, victim.id);
  });
});
