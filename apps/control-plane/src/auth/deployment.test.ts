/**
 * A deployment fails closed (issue 12, deployment.ts): not in local mode — which is also what an
 * unset DEPLOYMENT_MODE means — and without an API token (or without CREDENTIALS_ENCRYPTION_KEY),
 * every API call answers 503 saying what to configure; only `/health`, the JWKS and the node
 * daemon download stay open. Configured, it is the API as usual, behind its token.
 */
import { describe, expect, it } from 'vitest';
import { apiWithEnv, expectJson } from '../../test/helpers.js';

type ErrorJson = { error: { code: string; message: string } };

const UNCONFIGURED = { DEPLOYMENT_MODE: 'deployed', FLOTILLA_API_TOKEN: undefined };
const TOKEN = 'deployment-token-0123456789';

describe('a deployment without auth', () => {
  it.each([
    ['deployed', UNCONFIGURED],
    ['unset', { DEPLOYMENT_MODE: undefined, FLOTILLA_API_TOKEN: undefined }],
  ])('(DEPLOYMENT_MODE %s) answers 503 "not configured" to every API call, callbacks and sign-in included', async (_mode, vars) => {
    const calls: Array<[string, Parameters<typeof apiWithEnv>[2] & object]> = [
      ['/api/projects', {}],
      ['/api/projects', { method: 'POST', body: { name: 'x', repoUrl: 'https://example.com/x.git' } }],
      ['/api/nodes', {}],
      ['/api/session', {}],
      ['/api/session', { method: 'POST', body: { token: 'anything' } }],
      ['/api/nodes/nod_x/ready', { method: 'POST', body: { url: 'https://x.example', daemonVersion: '1' } }],
      ['/api/no/such/route', {}],
    ];
    for (const [path, init] of calls) {
      const refused = await expectJson<ErrorJson>(await apiWithEnv(path, vars, init), 503);
      expect(refused.error, `${init.method ?? 'GET'} ${path}`).toEqual({ code: 'unavailable', message: expect.stringContaining('not configured') });
      expect(refused.error.message).toContain('FLOTILLA_API_TOKEN');
    }
  });

  it('keeps /health, the JWKS and the daemon download open', async () => {
    expect(await expectJson(await apiWithEnv('/health', UNCONFIGURED), 200)).toEqual({ status: 'ok' });
    expect(await expectJson<{ keys: unknown[] }>(await apiWithEnv('/.well-known/jwks.json', UNCONFIGURED), 200)).toHaveProperty('keys');
    // The tests serve no daemon artifact: the route's own answer, not the deployment's refusal.
    const manifest = await expectJson<ErrorJson>(await apiWithEnv('/api/node-daemon', UNCONFIGURED), 503);
    expect(manifest.error.message).not.toContain('not configured');
    const bundle = await apiWithEnv('/api/node-daemon/bundle/0.0.1', UNCONFIGURED);
    expect(((await bundle.json()) as ErrorJson).error.message).not.toContain('not configured');
    const lockfile = await apiWithEnv('/api/node-daemon/lockfile/0.0.1', UNCONFIGURED);
    expect(((await lockfile.json()) as ErrorJson).error.message).not.toContain('not configured');
  });

  it('names CREDENTIALS_ENCRYPTION_KEY too when it is missing', async () => {
    const refused = await expectJson<ErrorJson>(await apiWithEnv('/api/projects', { DEPLOYMENT_MODE: 'deployed', FLOTILLA_API_TOKEN: TOKEN, CREDENTIALS_ENCRYPTION_KEY: undefined }), 503);
    expect(refused.error.message).toContain('CREDENTIALS_ENCRYPTION_KEY');
    expect(refused.error.message).not.toContain('FLOTILLA_API_TOKEN');
  });

  it('configured, it serves the API behind its token', async () => {
    const configured = { DEPLOYMENT_MODE: 'deployed', FLOTILLA_API_TOKEN: TOKEN };
    await expectJson(await apiWithEnv('/api/projects', configured), 401);
    await expectJson(await apiWithEnv('/api/projects', configured, { headers: { authorization: `Bearer ${TOKEN}` } }), 200);
  });

  it('a sign-in provider instead of the token configures it too: the API then needs a signed-in user', async () => {
    const withOidc = { DEPLOYMENT_MODE: 'deployed', FLOTILLA_API_TOKEN: undefined, AUTH_OIDC_ISSUER: 'https://idp.test', AUTH_OIDC_CLIENT_ID: 'client', AUTH_OIDC_CLIENT_SECRET: 'secret', AUTH_OIDC_NAME: 'Keycloak' };
    await expectJson(await apiWithEnv('/api/projects', withOidc), 401);
    expect(await expectJson(await apiWithEnv('/api/auth/providers', withOidc), 200)).toEqual({ providers: [{ id: 'oidc', name: 'Keycloak' }], apiToken: false });
    expect(await expectJson(await apiWithEnv('/api/session', withOidc), 200)).toEqual({ required: true, authenticated: false });
    // Half a provider is none: still unconfigured, and the message names what to set.
    const half = await expectJson<ErrorJson>(await apiWithEnv('/api/projects', { ...withOidc, AUTH_OIDC_CLIENT_SECRET: undefined }), 503);
    expect(half.error.message).toContain('AUTH_OIDC_ISSUER');
  });

  it('local mode with a sign-in provider needs a signed-in user too; without one (and no token) it stays open', async () => {
    const local = { DEPLOYMENT_MODE: 'local', FLOTILLA_API_TOKEN: undefined, AUTH_GITHUB_CLIENT_ID: 'id', AUTH_GITHUB_CLIENT_SECRET: 'secret' };
    await expectJson(await apiWithEnv('/api/projects', local), 401);
    await expectJson(await apiWithEnv('/api/projects', { ...local, AUTH_GITHUB_CLIENT_ID: undefined }), 200);
  });
});
