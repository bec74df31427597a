/**
 * The local API is not a web page's to drive (issue 12, browser-requests.ts and the kit): in
 * local mode it answers only to its own address (403 for another Host: DNS rebinding), takes
 * bodies only as JSON (415 for a form or text — a plain form POST from another origin), and
 * refuses browser requests that change something, and WebSocket upgrades, from another Origin
 * (403). Clients without an Origin (the CLI, node daemons) are unaffected.
 */
import { describe, expect, it } from 'vitest';
import { api, apiWithEnv, createProject, expectJson, standInRepoUrl } from '../../test/helpers.js';

type ErrorJson = { error: { code: string; message: string } };

const LOCAL = { DEPLOYMENT_MODE: 'local', LISTEN_PORT: '8787', BASE_URL: 'http://127.0.0.1:8787' };
const projectCount = async () => (await expectJson<unknown[]>(await api('/api/projects'), 200)).length;

describe('the local API and browsers', () => {
  it('answers only to its own address: loopback names with its port, or BASE_URL’s host; 403 for any other Host', async () => {
    for (const url of ['http://127.0.0.1:8787/api/projects', 'http://localhost:8787/api/projects', 'http://[::1]:8787/api/projects']) {
      expect((await apiWithEnv(url, LOCAL)).status, url).toBe(200);
    }
    for (const url of ['http://attacker.example:8787/api/projects', 'http://127.0.0.1:8788/api/projects', 'http://localhost/api/projects']) {
      const refused = await expectJson<ErrorJson>(await apiWithEnv(url, LOCAL), 403);
      expect(refused.error.code, url).toBe('forbidden');
    }
    // Health too: a rebound page learns nothing from it.
    expect((await apiWithEnv('http://attacker.example:8787/health', LOCAL)).status).toBe(403);
    // BASE_URL (a tunnel to this machine) is its own address too.
    const tunnelled = { ...LOCAL, BASE_URL: 'https://flotilla.tunnel.example' };
    expect((await apiWithEnv('https://flotilla.tunnel.example/api/projects', tunnelled)).status).toBe(200);
    expect((await apiWithEnv('http://127.0.0.1:8787/api/projects', tunnelled)).status).toBe(200);
    // Without LISTEN_PORT, a loopback BASE_URL's port is the one.
    expect((await apiWithEnv('http://localhost:8787/api/projects', { ...LOCAL, LISTEN_PORT: undefined })).status).toBe(200);
  });

  it('a deployment answers to whatever Host its route sends it', async () => {
    const deployed = { DEPLOYMENT_MODE: 'deployed', FLOTILLA_API_TOKEN: 'tok-123456' };
    expect((await apiWithEnv('https://flotilla.example.com/health', deployed)).status).toBe(200);
  });

  it('refuses a form or text body with 415 and creates nothing', async () => {
    const before = await projectCount();
    const form = await expectJson<ErrorJson>(
      await api('/api/projects', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=evil&repoUrl=https%3A%2F%2Fevil.example%2Fr.git' }),
      415,
    );
    expect(form.error).toEqual({ code: 'unsupported_media_type', message: expect.stringContaining('Content-Type: application/json') });
    await expectJson(await api('/api/projects', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"name":"evil","repoUrl":"https://evil.example/r.git"}' }), 415);
    expect(await projectCount()).toBe(before);
  });

  it('refuses a body on a route that takes none (running a task) unless it is JSON', async () => {
    const project = await createProject('media-type');
    const task = await expectJson<{ id: string }>(await api(`/api/projects/${project.id}/tasks`, { method: 'POST', body: { description: 'not now' } }), 201);
    await expectJson(await api(`/api/projects/${project.id}/tasks/${task.id}/run`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'go' }), 415);
    expect((await expectJson<{ status: string }>(await api(`/api/tasks/${task.id}`), 200)).status).toBe('draft');
  });

  it('refuses a browser request that changes something from another Origin (403); its own origin and no Origin are fine', async () => {
    const body = { name: 'origin', repoUrl: standInRepoUrl('origin') };
    const before = await projectCount();
    const foreign = await expectJson<ErrorJson>(await api('/api/projects', { method: 'POST', body, headers: { origin: 'https://evil.example' } }), 403);
    expect(foreign.error).toEqual({ code: 'forbidden', message: expect.stringContaining('https://evil.example') });
    await expectJson(await api('/api/projects', { method: 'POST', body, headers: { origin: 'null' } }), 403);
    expect(await projectCount()).toBe(before);
    await expectJson(await api('/api/projects', { method: 'POST', body, headers: { origin: 'http://control-plane.test' } }), 201);
    await expectJson(await api('/api/projects', { method: 'POST', body }), 201);
  });

  it('checks the Origin of a WebSocket upgrade: another origin 403, its own or none accepted', async () => {
    const project = await createProject('ws-origin');
    const path = `/api/projects/${project.id}/sessions/ws`;
    const upgrade = (origin?: string) => api(path, { headers: { upgrade: 'websocket', ...(origin ? { origin } : {}) } });
    const refused = await upgrade('https://evil.example');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorJson).error.code).toBe('forbidden');
    for (const origin of ['http://control-plane.test', undefined]) {
      const accepted = await upgrade(origin);
      expect(accepted.status, String(origin)).toBe(101);
      accepted.webSocket?.accept();
      accepted.webSocket?.close(1000, 'done');
    }
  });
});
