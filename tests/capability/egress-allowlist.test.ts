/**
 * Capability (issue 12 item 2): a project's egress allowlist reaches its agents' proxy. The
 * project's settings (`egressAllowlist`, PATCH /api/projects/:id) go with each workspace the
 * control plane creates; the agent, in its sandbox, reaches an allowed host through the proxy and
 * is refused one that is not listed; after the entry is removed from the project, the next task
 * is refused the same host. The "hosts" are a local server under the name `localhost`: the node
 * lets its proxy connect to 127.0.0.1 (FLOTILLA_EGRESS_ALLOW_ADDRESSES), which it otherwise
 * refuses whatever the name.
 */
import { bootTestStack, createGitRepo, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;
let server: Server;
let port = 0;
const reached: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    reached.push(req.url ?? '');
    res.end('hello from an allowed host');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  stack = await bootTestStack({ nodeEnv: { FLOTILLA_EGRESS_ALLOW_ADDRESSES: '127.0.0.1' } });
});

afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** A task whose agent fetches `path` from the local server by the name `host`, through its proxy (`--noproxy ''`: the sandbox's NO_PROXY names loopback, where its gateway is); its answer lands in `fetched.txt` on the branch (read from `repo`). */
async function fetchThroughProxy(projectId: string, repo: string, host: string, path: string): Promise<string> {
  const description = `run: curl -s -m 120 --noproxy '' -w ' %{http_code}' http://${host}:${port}${path} > fetched.txt 2>&1; true`;
  const task = await waitForTask(stack.client, (await stack.client.createTask(projectId, { description, run: true })).id, 180_000);
  expect({ status: task.status, error: task.error }).toEqual({ status: 'completed', error: null });
  return showFile(repo, task.output.branch ?? '', 'fetched.txt') ?? '';
}

describe("a project's egress allowlist", () => {
  it('lets its agents reach a listed host through the proxy, refuses the rest, and follows a change of the setting', async () => {
    const repo = createGitRepo({ 'README.md': '# egress\n' });
    const project = await stack.client.createProject({ name: 'egress', repoUrl: repo, defaultBranch: 'main', egressAllowlist: ['localhost'] });
    expect(project.egressAllowlist).toEqual(['localhost']);

    expect(await fetchThroughProxy(project.id, repo, 'localhost', '/allowed')).toBe('hello from an allowed host 200');
    expect(reached).toEqual(['/allowed']);

    const updated = await stack.client.updateProject(project.id, { egressAllowlist: [] });
    expect(updated.egressAllowlist).toEqual([]);
    const refused = await fetchThroughProxy(project.id, repo, 'localhost', '/after-removal');
    expect(refused).toMatch(/Flotilla egress proxy: localhost:\d+ refused: not on the allowlist.* 403$/s);
    expect(reached).toEqual(['/allowed']);
  });
});
