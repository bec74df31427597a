/** `flotilla deploy`'s settings and generated wrangler config: refusals, vars, secrets, the config's fields. */
import { describe, expect, it } from 'vitest';
import { deployConfig, readBaseConfig } from './deploy-config.js';
import { callbackUrls, NO_SIGN_IN_MESSAGE, readDeploySettings } from './settings.js';

const ACCOUNT = { CLOUDFLARE_API_TOKEN: 'tok', CLOUDFLARE_ACCOUNT_ID: 'acc' };
const GITHUB = { AUTH_GITHUB_CLIENT_ID: 'id', AUTH_GITHUB_CLIENT_SECRET: 'secret' };

describe('readDeploySettings', () => {
  it('refuses without a complete sign-in provider, naming both ways to configure one', () => {
    for (const env of [ACCOUNT, { ...ACCOUNT, AUTH_GITHUB_CLIENT_ID: 'id' }, { ...ACCOUNT, AUTH_OIDC_ISSUER: 'https://id.example.com', AUTH_OIDC_CLIENT_ID: 'x' }]) {
      expect(() => readDeploySettings({}, env)).toThrow(NO_SIGN_IN_MESSAGE);
    }
    expect(readDeploySettings({}, { ...ACCOUNT, AUTH_OIDC_ISSUER: 'https://id.example.com', AUTH_OIDC_CLIENT_ID: 'x', AUTH_OIDC_CLIENT_SECRET: 'y' }).providers).toEqual(['oidc']);
  });

  it('needs the Cloudflare token and account id, except for a dry run', () => {
    expect(() => readDeploySettings({}, GITHUB)).toThrow(/set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID/);
    expect(() => readDeploySettings({}, { ...GITHUB, CLOUDFLARE_API_TOKEN: 'tok' })).toThrow(/set CLOUDFLARE_ACCOUNT_ID \(/);
    expect(readDeploySettings({ dryRun: true }, GITHUB).account).toBeNull();
  });

  it('passes the sign-in settings as vars and the client secrets as secrets, never the deploy token', () => {
    const settings = readDeploySettings({}, { ...ACCOUNT, ...GITHUB, AUTH_ALLOWED_EMAIL_DOMAINS: 'example.com', AUTH_REQUIRE_APPROVAL: 'true', AUTH_SESSION_TTL_DAYS: '7', FLOTILLA_BASE_URL: 'https://f.example.com/' });
    expect(settings.vars).toEqual({ AUTH_GITHUB_CLIENT_ID: 'id', AUTH_ALLOWED_EMAIL_DOMAINS: 'example.com', AUTH_REQUIRE_APPROVAL: 'true', AUTH_SESSION_TTL_DAYS: '7' });
    expect(settings.secrets).toEqual({ AUTH_GITHUB_CLIENT_SECRET: 'secret' });
    expect(settings.baseUrl).toBe('https://f.example.com');
    expect(JSON.stringify(settings.vars)).not.toContain('tok');
  });

  it('checks --name and --base-url', () => {
    expect(() => readDeploySettings({ name: 'Bad_Name' }, { ...ACCOUNT, ...GITHUB })).toThrow(/--name must be a Worker name/);
    expect(() => readDeploySettings({ baseUrl: 'ftp://x' }, { ...ACCOUNT, ...GITHUB })).toThrow(/--base-url/);
    expect(readDeploySettings({ name: 'team-a', baseUrl: 'https://a.example.com' }, { ...ACCOUNT, ...GITHUB })).toMatchObject({ name: 'team-a', baseUrl: 'https://a.example.com' });
  });

  it('names the callback URL of each configured provider', () => {
    expect(callbackUrls('https://f.example.com', ['github', 'oidc'])).toEqual(['https://f.example.com/api/auth/github/callback', 'https://f.example.com/api/auth/oidc/callback']);
  });
});

describe('deployConfig', () => {
  it('is the control plane config with the real database, absolute paths, the assets and a deployed mode', async () => {
    const base = await readBaseConfig();
    const config = deployConfig(base, { name: 'team-a', databaseId: 'db-uuid', assetsDir: '/build/assets', vars: { DEPLOYMENT_MODE: 'local', BASE_URL: 'https://a.example.com' } });
    expect(config.name).toBe('team-a');
    expect(config.$schema).toBeUndefined();
    expect(config.main).toMatch(/^\/.*apps\/control-plane\/src\/index\.ts$/);
    expect(config.d1_databases).toEqual([expect.objectContaining({ binding: 'DB', database_name: 'team-a', database_id: 'db-uuid', migrations_dir: expect.stringMatching(/^\/.*apps\/control-plane\/migrations$/) })]);
    expect(config.assets).toMatchObject({ binding: 'ASSETS', directory: '/build/assets', not_found_handling: 'single-page-application' });
    expect(config.vars).toEqual({ DEPLOYMENT_MODE: 'deployed', BASE_URL: 'https://a.example.com' });
    expect(config.triggers).toEqual(base.triggers);
    expect(config.migrations).toEqual(base.migrations);
  });
});
