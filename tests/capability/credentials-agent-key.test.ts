/**
 * Capability: an agent API key stored through the API reaches the agent, and only the agent
 * (issue 5, settings item 1; DESIGN.md §5). The node daemons have ANTHROPIC_BASE_URL (the fake
 * Anthropic API) but no ANTHROPIC_API_KEY; the key is saved with
 * `PUT /api/credentials/agents/claude-code`, a Claude Code task runs, and the fake's recorded
 * model requests carry exactly that key (compared by hash: the fake never records it). The key
 * shows nowhere else: not in the API's answers, the node daemon's log, the control plane's log,
 * the daemon's SQLite, nor (in clear) in the control plane's stored state. The nodes run Claude
 * Code itself (`agents: 'real'`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex, startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit/fake-anthropic';
import { bootTestStack, createGitRepo, filesUnder, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;
let fake: FakeAnthropic;
const apiKey = `sk-ant-test-${randomBytes(16).toString('hex')}`;

beforeAll(async () => {
  fake = await startFakeAnthropic({ script: [] });
  stack = await bootTestStack({
    agents: 'real',
    nodeEnv: { ANTHROPIC_BASE_URL: fake.url },
    vars: { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
  });
});

afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

const credentialsApi = (path: string, init: RequestInit = {}) => fetch(`${stack.url}/api/credentials${path}`, init);
const putKey = (agentType: string, body: unknown) =>
  credentialsApi(`/agents/${agentType}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('an agent API key stored through the API', () => {
  it('is refused for an unknown agent type, an agent without keys, or a bad body', async () => {
    expect((await putKey('nobody', { apiKey })).status).toBe(400);
    expect((await putKey('scripted', { apiKey })).status).toBe(400);
    expect((await putKey('claude-code', { apiKey: 'short' })).status).toBe(400);
    expect((await putKey('claude-code', { key: apiKey })).status).toBe(400);
    expect((await credentialsApi('/agents/claude-code', { method: 'DELETE' })).status).toBe(404);
  });

  it('reaches Claude Code (and only it) when a task runs; the API shows it masked', async () => {
    const saved = await putKey('claude-code', { apiKey });
    const savedText = await saved.text();
    expect(saved.status).toBe(200);
    expect(savedText).not.toContain(apiKey);
    expect(JSON.parse(savedText)).toMatchObject({ kind: 'agent', name: 'claude-code', masked: `••••${apiKey.slice(-4)}` });
    const listed = await (await credentialsApi('')).text();
    expect(listed).not.toContain(apiKey);
    expect(JSON.parse(listed)).toEqual({ credentials: [expect.objectContaining({ kind: 'agent', name: 'claude-code', masked: `••••${apiKey.slice(-4)}` })] });

    fake.setScript([
      { text: 'Creating the file.', toolUses: [{ name: 'Bash', input: { command: "printf 'keyed\\n' > KEYED.md", description: 'Create KEYED.md' } }] },
      { text: 'Created KEYED.md.' },
    ]);
    const repo = createGitRepo({ 'README.md': '# key test\n' });
    const project = await stack.client.createProject({ name: 'agent-key', repoUrl: repo, defaultBranch: 'main' });
    const created = await stack.client.createTask(project.id, { description: 'Create KEYED.md saying "keyed".', run: true, agentType: 'claude-code' });
    const task = await waitForTask(stack.client, created.id, 180_000);

    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(showFile(repo, `task/${task.id}`, 'KEYED.md')).toBe('keyed\n');
    // The model requests carried the stored key (the daemons have none of their own).
    const main = fake.mainRequests();
    expect(main.length).toBeGreaterThan(0);
    for (const request of main) expect(request.apiKeySha256).toBe(sha256Hex(apiKey));

    // Nowhere else: logs, the daemon's SQLite, the control plane's state, the task's output.
    const nodeId = task.nodeId ?? '';
    const daemonLog = join(stack.home, 'nodes', nodeId, 'daemon.log');
    const controlPlaneLog = join(stack.home, 'control-plane.log');
    expect(existsSync(daemonLog)).toBe(true);
    expect(existsSync(controlPlaneLog)).toBe(true);
    expect(readFileSync(daemonLog, 'utf8')).not.toContain(apiKey);
    expect(readFileSync(controlPlaneLog, 'utf8')).not.toContain(apiKey);
    const daemonDbFiles = filesUnder(stack.nodeDataDir(nodeId)).filter((path) => /daemon\.db/.test(path));
    expect(daemonDbFiles.length).toBeGreaterThan(0);
    const stateFiles = filesUnder(join(stack.home, 'state'));
    expect(stateFiles.length).toBeGreaterThan(0);
    for (const path of [...daemonDbFiles, ...stateFiles]) expect(readFileSync(path).includes(apiKey), path).toBe(false);
    expect(JSON.stringify(await stack.client.getTask(task.id))).not.toContain(apiKey);

    // Deleted, it is gone from the list.
    expect((await credentialsApi('/agents/claude-code', { method: 'DELETE' })).status).toBe(204);
    expect(await (await credentialsApi('')).json()).toEqual({ credentials: [] });
  });
});
