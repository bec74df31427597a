/**
 * Capability: sign-in with GitHub (issue 14 item 1), the OAuth redirects followed by hand with
 * fetch, against the testkit's fake GitHub (its OAuth app and `/user`, `/user/emails`,
 * `/user/orgs`), on a control plane with AUTH_ALLOWED_GITHUB_ORGS. A member of the allowed
 * organization signs in (session cookie, back to returnTo), is named by `/api/me`, uses the API
 * and its WebSocket with the cookie; a non-member is refused and no user is made; a callback whose
 * state is not the browser's is refused; a returnTo off this origin becomes `/`.
 */
import { auditSentence, type AuditEvent } from '@flotilla/contracts';
import { startFakeGitHub, type FakeGitHub } from '@flotilla/testkit/fake-github';
import { bootTestStack, createGitRepo, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeStatus } from './websocket-support.js';

const CLIENT = { clientId: 'gh-client-id', clientSecret: 'gh-client-secret' };
let github: FakeGitHub;
let stack: TestStack;

beforeAll(async () => {
  github = await startFakeGitHub({
    oauth: {
      ...CLIENT,
      users: [
        { id: 101, login: 'octo', name: 'Octo Cat', email: 'octo@example.com', orgs: ['Flotilla-Org'] },
        { id: 102, login: 'outsider', email: 'outsider@example.com', orgs: ['other-org'] },
      ],
    },
  });
  stack = await bootTestStack({
    vars: { AUTH_GITHUB_CLIENT_ID: CLIENT.clientId, AUTH_GITHUB_CLIENT_SECRET: CLIENT.clientSecret, AUTH_GITHUB_URL: github.url, GITHUB_API_URL: github.url, AUTH_ALLOWED_GITHUB_ORGS: 'flotilla-org' },
  });
});

afterAll(async () => {
  await stack?.close();
  await github?.close();
});

/** The value of cookie `name` among a response's Set-Cookie headers ('' when it is cleared), or undefined. */
const setCookie = (response: Response, name: string) =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/** Follow GitHub sign-in by hand as `login`: start → fake GitHub's page (its form posted) → callback. */
async function signInAs(login: string, returnTo = '/nodes', tamperState = false): Promise<Response> {
  const start = await fetch(`${stack.url}/api/auth/github/start?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(`${authorize.origin}${authorize.pathname}`).toBe(`${github.url}/login/oauth/authorize`);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  const state = setCookie(start, 'flotilla_sign_in')!;
  expect(state).toBe(authorize.searchParams.get('state'));
  const form = new URLSearchParams(authorize.searchParams);
  form.set('login', login);
  const approved = await fetch(`${github.url}/login/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  expect(approved.status).toBe(302);
  const callback = approved.headers.get('location')!;
  expect(callback.startsWith(`${stack.url}/api/auth/github/callback?`)).toBe(true);
  return fetch(callback, { redirect: 'manual', headers: { cookie: `flotilla_sign_in=${tamperState ? 'x'.repeat(state.length) : state}` } });
}

describe('sign-in with GitHub', () => {
  let session = '';

  it('a member of an allowed organization signs in: the session cookie, then back to returnTo', async () => {
    const callback = await signInAs('octo');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/nodes');
    session = setCookie(callback, 'flotilla_user') ?? '';
    expect(session.length).toBeGreaterThan(20);
    const line = callback.headers.getSetCookie().find((l) => l.startsWith('flotilla_user='))!;
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);

    const me = await fetch(`${stack.url}/api/me`, { headers: { cookie: `flotilla_user=${session}` } });
    expect(await me.json()).toMatchObject({ login: 'octo', provider: 'github', email: 'octo@example.com', name: 'Octo Cat', isAdmin: true, status: 'active' });
  });

  it('the cookie opens the API and its WebSocket; without it both are refused', async () => {
    const cookie = { cookie: `flotilla_user=${session}` };
    expect((await fetch(`${stack.url}/api/projects`)).status).toBe(401);
    const created = await fetch(`${stack.url}/api/projects`, {
      method: 'POST',
      headers: { ...cookie, origin: stack.url, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'signed-in', repoUrl: createGitRepo({ 'README.md': '# x\n' }), defaultBranch: 'main' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const socketUrl = `${stack.url.replace(/^http/, 'ws')}/api/projects/${id}/sessions/ws`;
    expect(await upgradeStatus(socketUrl, { ...cookie, origin: stack.url })).toBe(101);
    expect(await upgradeStatus(socketUrl, { origin: stack.url })).toBe(401);
    expect(await upgradeStatus(socketUrl, cookie)).toBe(403); // a cookie-authenticated upgrade needs its Origin
  });

  it('a user outside the allowed organizations is refused, and no user is made', async () => {
    const callback = await signInAs('outsider');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/?signInRefused=github_org');
    expect(setCookie(callback, 'flotilla_user')).toBeUndefined();
    const users = await fetch(`${stack.url}/api/users`, { headers: { cookie: `flotilla_user=${session}` } });
    expect(((await users.json()) as { users: Array<{ login: string }> }).users.map((u) => u.login)).toEqual(['octo']);
  });

  it("a callback whose state is not this browser's is refused; a returnTo elsewhere becomes /", async () => {
    const tampered = await signInAs('octo', '/nodes', true);
    expect(tampered.headers.get('location')).toBe('/?signInRefused=failed');
    expect(setCookie(tampered, 'flotilla_user')).toBeUndefined();
    const offsite = await signInAs('octo', 'https://evil.example/steal');
    expect(offsite.headers.get('location')).toBe('/');
  });

  it('the audit log names the signed-in user by login: sign-ins, the refusal, the project they made', async () => {
    const cookie = { cookie: `flotilla_user=${session}` };
    const sentences = async (path: string) => {
      const page = (await (await fetch(`${stack.url}${path}`, { headers: cookie })).json()) as { events: AuditEvent[] };
      return page.events.map(auditSentence);
    };
    const signIns = await sentences('/api/audit');
    // Newest first: octo again (the offsite returnTo), the outsider refused, octo; the client's IP as the Worker sees it.
    expect(signIns).toEqual(['octo signed in with GitHub from 127.0.0.1', 'someone was refused sign-in with GitHub (github_org) from 127.0.0.1', 'octo signed in with GitHub from 127.0.0.1']);
    const projects = (await (await fetch(`${stack.url}/api/projects`, { headers: cookie })).json()) as { projects: Array<{ id: string }> };
    expect(await sentences(`/api/projects/${projects.projects[0]!.id}/audit`)).toEqual(['octo created project “signed-in”']);
  });
});
