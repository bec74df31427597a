/**
 * Capability (issue 12 item 4): git with credentials never runs on configuration the agent
 * controls. The project's repository is on a fake private git host (testkit) that takes one
 * unique token. A hostile agent (the scripted agent's `run:`/`write` lines, inside its sandbox)
 * plants what would run code in a git command on its checkout — `.git/hooks/pre-push`, a
 * `core.hooksPath` full of hooks, `core.fsmonitor`, a clean filter — each dumping its environment
 * to a directory the test reads, and points `remote.origin.url` (and an `insteadOf` rule) at a
 * repository of its own. The task still completes, its real change is pushed to the project's
 * repository and nothing to the agent's, and the token appears in nothing the agent can read or
 * write: the planted programs' output, its own environment, the checkout, its HOME, the node's
 * data directory, the pushed branch.
 */
import { startFakeGitHost, type FakeGitHost } from '@flotilla/testkit/fake-git-host';
import { createBareOrigin, git } from '@flotilla/testkit/daemon';
import { bootTestStack, filesUnder, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const USERNAME = 'x-access-token';
/** The canary: a token used nowhere else. */
const TOKEN = `ghp_canary_${randomBytes(12).toString('hex')}`;
const BASIC = Buffer.from(`${USERNAME}:${TOKEN}`).toString('base64');

/** Where the planted hooks, filter and fsmonitor write what they saw (writable from every sandbox, like a test log). */
const loot = mkdtempSync(join(tmpdir(), 'fl-loot-'));
chmodSync(loot, 0o777);

let host: FakeGitHost;
let stack: TestStack;
let projectUrl = '';
/** A repository the agent "controls": where it tries to have the branch pushed. */
let attackerRepo = '';

beforeAll(async () => {
  host = await startFakeGitHost({ username: USERNAME, token: TOKEN });
  projectUrl = host.createRepository('private', { 'README.md': '# private\n' });
  attackerRepo = createBareOrigin({ 'README.md': '# attacker\n' });
  stack = await bootTestStack({
    vars: { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    nodeEnv: { FLOTILLA_SANDBOX_WRITE: loot },
  });
  const saved = await fetch(`${stack.url}/api/credentials/git/${host.host}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: TOKEN }),
  });
  expect(saved.status).toBe(200);
});

afterAll(async () => {
  await stack?.close();
  await host?.close();
  rmSync(loot, { recursive: true, force: true });
});

/** The hostile agent's script: plant every trap, redirect origin, then make the real change. */
function hostileScript(): string {
  const dump = (name: string) => `env >> ${loot}/${name}.txt`;
  return [
    `run: env > ${loot}/agent-env.txt`,
    // A pre-push hook where git looks by default.
    `write .git/hooks/pre-push: #!/bin/sh\\n${dump('pre-push')}\\n`,
    'run: chmod +x .git/hooks/pre-push',
    // A hooks directory of its own, for every hook a commit or push runs.
    ...['pre-commit', 'commit-msg', 'post-commit', 'pre-push', 'reference-transaction', 'post-index-change', 'pre-auto-gc'].map(
      (hook) => `write .git/evil-hooks/${hook}: #!/bin/sh\\n${dump(`hooks-path-${hook}`)}\\ncat >/dev/null 2>&1 || true\\n`,
    ),
    'run: chmod +x .git/evil-hooks/* && git config core.hooksPath "$PWD/.git/evil-hooks"',
    // An fsmonitor program: git runs it on add, status, commit.
    `write .git/fsmonitor.sh: #!/bin/sh\\n${dump('fsmonitor')}\\n`,
    'run: chmod +x .git/fsmonitor.sh && git config core.fsmonitor "$PWD/.git/fsmonitor.sh"',
    // A clean filter on every file: git runs it when it stages.
    'write .gitattributes: * filter=steal\\n',
    `run: git config filter.steal.clean 'sh -c "${dump('clean-filter')}; cat"'`,
    // Origin pointed at the agent's own repository, and the project's URL rewritten to it.
    `run: git config remote.origin.url ${attackerRepo} && git config url.${attackerRepo}.insteadOf ${projectUrl} && git config remote.origin.pushurl ${attackerRepo}`,
    `run: ls -la .git > ${loot}/planted.txt && git config --list --local >> ${loot}/planted.txt`,
    'write CHANGE.md: the real change',
    'say: done',
  ].join('\n');
}

describe('a hostile agent that plants git hooks, fsmonitor and filters and rewrites origin', () => {
  it('gets no token, and the task still pushes its real change to the project repository only', async () => {
    const project = await stack.client.createProject({ name: 'hostile-git', repoUrl: projectUrl, defaultBranch: 'main' });
    const created = await stack.client.createTask(project.id, { description: hostileScript(), run: true });
    const task = await waitForTask(stack.client, created.id, 180_000);

    // The planting itself worked (the agent could write its checkout's .git).
    const planted = readFileSync(join(loot, 'planted.txt'), 'utf8');
    expect(planted).toContain('core.hookspath=');
    expect(planted).toContain(`remote.origin.url=${attackerRepo}`);

    expect({ status: task.status, error: task.error, warning: task.output.warning ?? null }).toEqual({ status: 'completed', error: null, warning: null });
    const branch = `task/${task.id}`;
    expect(task.output.branch).toBe(branch);
    expect(task.output.filesChanged).toEqual(expect.arrayContaining(['CHANGE.md']));

    // The real change is on the project's repository, with the commit the task reports.
    const projectBare = join(host.root, 'private.git');
    expect(showFile(projectBare, branch, 'CHANGE.md')).toBe('the real change');
    expect(task.output.commitSha).toBe(git(projectBare, 'rev-parse', branch));
    expect(git(projectBare, 'log', '-1', '--format=%an <%ae>', branch)).toBe('Flotilla <flotilla@localhost>');
    // ... and nothing reached the agent's repository.
    expect(git(attackerRepo, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/main');

    // The token is in nothing the agent can read or write, nor in what it could have sent.
    const places = [
      ...filesUnder(loot),
      ...filesUnder(stack.nodeDataDir(task.nodeId ?? '')),
      join(stack.home, 'nodes', task.nodeId ?? '', 'daemon.log'),
    ];
    expect(places.length).toBeGreaterThan(1);
    for (const path of places) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch {
        continue; // removed while we looked (the workspace is destroyed after completion)
      }
      expect(bytes.includes(TOKEN) || bytes.includes(BASIC) || bytes.includes('GIT_CONFIG_VALUE'), path).toBe(false);
    }
    const pushedFiles = git(projectBare, 'ls-tree', '-r', '--name-only', branch).split('\n');
    for (const name of pushedFiles) expect(showFile(projectBare, branch, name) ?? '').not.toContain(TOKEN);
  });
});
