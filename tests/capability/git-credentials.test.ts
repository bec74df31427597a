/**
 * Capability: a repository token saved per git host reaches git and nothing else. The project's
 * repository is on a fake private git host (testkit: `git http-backend` behind HTTP Basic auth).
 * The project is created while a token is saved (creating it checks the repository with the
 * token), then the token is forgotten: without one the clone is refused and the task fails
 * saying so; with
 * `PUT /api/credentials/git/<host>` the task clones, the agent works, and the task branch is
 * pushed back to that host. The token is only ever shown masked, and is in no log, in neither
 * the daemon's database nor the control plane's state, and not in the agent's environment.
 */
import { startFakeGitHost, type FakeGitHost } from '@flotilla/testkit/fake-git-host';
import { bootTestStack, filesUnder, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const USERNAME = 'x-access-token';
const TOKEN = 'ghp_fake_repository_token_7f3a9d2c41';
let host: FakeGitHost;
let stack: TestStack;
let projectId = '';
let repoUrl = '';

beforeAll(async () => {
  host = await startFakeGitHost({ username: USERNAME, token: TOKEN });
  repoUrl = host.createRepository('private', { 'README.md': '# private\n' });
  stack = await bootTestStack({ vars: { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
  // Creating the project checks the repository with the saved token (issue 17, item 3); the
  // first test then runs without one.
  await stack.client.putGitCredential(host.host, TOKEN);
  projectId = (await stack.client.createProject({ name: 'private-repo', repoUrl, defaultBranch: 'main' })).id;
  await stack.client.deleteGitCredential(host.host);
});

afterAll(async () => {
  await stack?.close();
  await host?.close();
});

const putToken = (hostName: string, body: unknown) =>
  fetch(`${stack.url}/api/credentials/git/${hostName}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('a repository token saved for a git host', () => {
  it('without one, the clone of a private repository is refused and the task fails saying so', async () => {
    const before = host.requests.length;
    const created = await stack.client.createTask(projectId, { description: 'say: hello', run: true });
    const task = await waitForTask(stack.client, created.id, 60_000);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/could not be created: git clone failed .*(could not read Username|Authentication failed)/s);
    const used = host.requests.slice(before);
    expect(used.length).toBeGreaterThan(0);
    expect(used.every((r) => !r.authorized)).toBe(true);
  });

  it('is refused for a bad host or body, and only ever shown masked', async () => {
    expect((await putToken('Not_A_Host', { token: TOKEN })).status).toBe(400);
    expect((await putToken(host.host, { token: 'short' })).status).toBe(400);
    expect((await putToken(host.host, { token: TOKEN, extra: 1 })).status).toBe(400);
    const saved = await putToken(host.host, { token: TOKEN });
    const text = await saved.text();
    expect(saved.status).toBe(200);
    expect(text).not.toContain(TOKEN);
    expect(JSON.parse(text)).toMatchObject({ kind: 'git', name: host.host, masked: `••••${TOKEN.slice(-4)}` });
    expect(await (await fetch(`${stack.url}/api/credentials`)).text()).not.toContain(TOKEN);
  });

  it('with one, the task clones, and its branch is pushed back to the host; the agent never sees the token', async () => {
    const before = host.requests.length;
    const description = 'run: env > AGENT_ENV.txt\nwrite DONE.md: cloned and pushed with a token';
    const created = await stack.client.createTask(projectId, { description, run: true });
    const task = await waitForTask(stack.client, created.id, 120_000);
    expect({ status: task.status, error: task.error, warning: task.output.warning ?? null }).toEqual({ status: 'completed', error: null, warning: null });
    const branch = `task/${task.id}`;
    expect(task.output.branch).toBe(branch);

    const bare = join(host.root, 'private.git');
    expect(execFileSync('git', ['show', `${branch}:DONE.md`], { cwd: bare, encoding: 'utf8' })).toBe('cloned and pushed with a token');
    const used = host.requests.slice(before);
    expect(used.some((r) => r.service === 'git-upload-pack' && r.authorized)).toBe(true);
    expect(used.some((r) => r.service === 'git-receive-pack' && r.method === 'POST' && r.authorized)).toBe(true);

    // The agent's environment (committed by the agent itself) holds neither the token nor the header.
    const agentEnv = execFileSync('git', ['show', `${branch}:AGENT_ENV.txt`], { cwd: bare, encoding: 'utf8' });
    expect(agentEnv).toContain('PATH=');
    const basic = Buffer.from(`${USERNAME}:${TOKEN}`).toString('base64');
    for (const secret of [TOKEN, basic, 'GIT_CONFIG_VALUE_0']) expect(agentEnv).not.toContain(secret);

    // Nowhere else either: logs, the daemon's database, the control plane's state.
    const nodeId = task.nodeId ?? '';
    const files = [join(stack.home, 'nodes', nodeId, 'daemon.log'), join(stack.home, 'control-plane.log'), ...filesUnder(stack.nodeDataDir(nodeId)).filter((p) => /daemon\.db/.test(p)), ...filesUnder(join(stack.home, 'state'))];
    for (const path of files) {
      const bytes = readFileSync(path);
      expect(bytes.includes(TOKEN) || bytes.includes(basic), path).toBe(false);
    }
  });
});
