/**
 * The project routes through the Worker: create (with defaults), list, read, change settings, and
 * the 400/404 answers — a name git would read as an option among them.
 */
import type { Project } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, expectJson, standIn, standInRepoUrl } from '../../test/helpers.js';

type ErrorJson = { error: { code: string; message: string; details?: unknown } };

describe('projects', () => {
  it('creates a project with defaults, lists it and reads it back', async () => {
    const repoUrl = standInRepoUrl('site');
    const created = await expectJson<Project>(await api('/api/projects', { method: 'POST', body: { name: '  Website  ', repoUrl } }), 201);
    expect(created).toMatchObject({ name: 'Website', repoUrl, defaultBranch: 'main', defaultAgentType: 'claude-code' });
    expect(created.id).toMatch(/^prj_/);

    const other = await expectJson<Project>(
      await api('/api/projects', { method: 'POST', body: { name: 'Tools', repoUrl: '/srv/git/tools', defaultBranch: 'develop', defaultAgentType: 'claude-code' } }),
      201,
    );
    expect(other).toMatchObject({ defaultBranch: 'develop', defaultAgentType: 'claude-code' });

    const { projects } = await expectJson<{ projects: Project[] }>(await api('/api/projects'), 200);
    expect(projects.map((p) => p.id)).toEqual(expect.arrayContaining([created.id, other.id]));
    expect(await expectJson<Project>(await api(`/api/projects/${created.id}`), 200)).toEqual(created);
  });

  it.each([
    ['no name', { repoUrl: 'https://example.com/x.git' }, 'name'],
    ['empty name', { name: '   ', repoUrl: 'https://example.com/x.git' }, 'name'],
    ['no repoUrl', { name: 'x' }, 'repoUrl'],
    ['bad defaultBranch', { name: 'x', repoUrl: 'r', defaultBranch: 'has space' }, 'defaultBranch'],
    ['unknown defaultAgentType', { name: 'x', repoUrl: 'r', defaultAgentType: 'gpt' }, 'defaultAgentType'],
    // Names git would read as options, or as a remote helper to run (contracts git-names.ts).
    ['a defaultBranch git reads as an option', { name: 'x', repoUrl: 'https://example.com/x.git', defaultBranch: '--help' }, 'defaultBranch'],
    ['a repoUrl git reads as an option', { name: 'x', repoUrl: '--upload-pack=touch /tmp/pwned' }, 'repoUrl'],
    ['an ext:: repoUrl', { name: 'x', repoUrl: 'ext::sh -c touch% /tmp/pwned' }, 'repoUrl'],
  ])('refuses %s with 400 naming the field', async (_case, body, field) => {
    const before = await expectJson<{ projects: Project[] }>(await api('/api/projects'), 200);
    const error = await expectJson<ErrorJson>(await api('/api/projects', { method: 'POST', body }), 400);
    expect(error.error.code).toBe('bad_request');
    expect(error.error.message).toContain(field);
    const after = await expectJson<{ projects: Project[] }>(await api('/api/projects'), 200);
    expect(after.projects).toHaveLength(before.projects.length);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const error = await expectJson<ErrorJson>(await api('/api/projects', { method: 'POST', body: '{"name": ', headers: { 'content-type': 'application/json' } }), 400);
    expect(error.error.message).toContain('not valid JSON');
  });

  it('answers 404 with an error body for an unknown project', async () => {
    const error = await expectJson<ErrorJson>(await api('/api/projects/prj_unknown'), 404);
    expect(error.error).toMatchObject({ code: 'not_found' });
    expect(error.error.message).toContain('prj_unknown');
    await expectJson(await api('/api/projects/prj_unknown/tasks', { method: 'POST', body: { description: 'x' } }), 404);
  });
});

describe('PATCH /api/projects/:projectId', () => {
  it('changes settings; defaultVmSize null falls back to the platform default', async () => {
    const project = await createProject('settings');
    expect(project).toMatchObject({ defaultVmSize: null, defaultProvider: 'local' });
    const large = await expectJson<Project>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { defaultVmSize: 'large', defaultAgentType: 'claude-code' } }), 200);
    expect(large).toMatchObject({ defaultVmSize: 'large', defaultAgentType: 'claude-code', name: 'settings' });
    const cleared = await expectJson<Project>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { defaultVmSize: null } }), 200);
    expect(cleared.defaultVmSize).toBeNull();
  });

  it('refuses an unknown size, an empty change and an unknown project', async () => {
    const project = await createProject('settings-bad');
    const bad = await expectJson<{ error: { message: string } }>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { defaultVmSize: 'huge' } }), 400);
    expect(bad.error.message).toContain('defaultVmSize');
    await expectJson(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: {} }), 400);
    await expectJson(await api('/api/projects/prj_missing', { method: 'PATCH', body: { name: 'x' } }), 404);
    const unchanged = await expectJson<Project>(await api(`/api/projects/${project.id}`), 200);
    expect(unchanged.defaultVmSize).toBeNull();
  });

  it('refuses a default branch git would read as an option with 400 naming the field, and changes nothing', async () => {
    const project = await createProject('settings-branch');
    for (const defaultBranch of ['--help', '-b', 'main..evil', 'has space']) {
      const bad = await expectJson<{ error: { code: string; message: string } }>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { defaultBranch } }), 400);
      expect(bad.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('defaultBranch') });
    }
    expect(await expectJson<Project>(await api(`/api/projects/${project.id}`), 200)).toEqual(project);
  });

  it('checks a new default branch against the repository: one it has is stored, one it lacks refused naming the branches', async () => {
    const project = await createProject('settings-check');
    const develop = await expectJson<Project>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { defaultBranch: 'develop' } }), 200);
    expect(develop.defaultBranch).toBe('develop');
    const refused = await expectJson<ErrorJson>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { defaultBranch: 'release' } }), 400);
    expect(refused.error).toEqual({
      code: 'bad_request',
      message: `Branch \`release\` not found in ${project.repoUrl} (branches: main, develop)`,
      details: { problem: 'branch_not_found', field: 'defaultBranch', branches: ['main', 'develop'] },
    });
    expect(await expectJson<Project>(await api(`/api/projects/${project.id}`), 200)).toEqual(develop);
  });
});

describe('the repository check on create', () => {
  const countProjects = async () => (await expectJson<{ projects: Project[] }>(await api('/api/projects'), 200)).projects.length;

  it('refuses a path the local cloud says does not exist, and one without the branch; stores nothing', async () => {
    const before = await countProjects();
    const missing = await expectJson<ErrorJson>(await api('/api/projects', { method: 'POST', body: { name: 'x', repoUrl: '/srv/missing/app' } }), 400);
    expect(missing.error).toEqual({ code: 'bad_request', message: 'The repository /srv/missing/app does not exist', details: { problem: 'repository_unreachable', field: 'repoUrl' } });
    const branch = await expectJson<ErrorJson>(await api('/api/projects', { method: 'POST', body: { name: 'x', repoUrl: '/srv/git/app', defaultBranch: 'trunk' } }), 400);
    expect(branch.error.message).toBe('Branch `trunk` not found in /srv/git/app (branches: main, develop)');
    expect(await countProjects()).toBe(before);
  });

  it('names the 401 of a git server, and a server that is not one', async () => {
    const name = `private-${crypto.randomUUID()}`;
    await standIn.rule({ method: 'GET', path: `^/git/${name}\\.git/info/refs$`, responses: [{ status: 401, body: { message: 'Bad credentials' } }] });
    const denied = await expectJson<ErrorJson>(await api('/api/projects', { method: 'POST', body: { name: 'x', repoUrl: standInRepoUrl(name) } }), 400);
    const host = new URL(standIn.url).host;
    expect(denied.error.message).toBe(`${host} answered 401: ${standInRepoUrl(name)} is private or does not exist; save a repository token for ${host} and try again`);
    expect(denied.error.details).toEqual({ problem: 'repository_access_denied', field: 'repoUrl' });
    const page = `page-${crypto.randomUUID()}`;
    await standIn.rule({ method: 'GET', path: `^/git/${page}\\.git/info/refs$`, responses: [{ status: 200, body: { html: '<h1>a web page</h1>' } }] });
    const notGit = await expectJson<ErrorJson>(await api('/api/projects', { method: 'POST', body: { name: 'x', repoUrl: standInRepoUrl(page) } }), 400);
    expect(notGit.error.message).toBe(`${standInRepoUrl(page)} is not a git repository: ${host} did not answer git's smart HTTP protocol`);
  });
});

