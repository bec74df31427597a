/**
 * The secrets file wrangler reads (mode 0600): the local cloud's secret and the credentials key
 * are made once and kept across starts; tokens given for one start are written for it only.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureSecretsFile } from './secrets.js';

describe('ensureSecretsFile', () => {
  it('makes the local cloud secret once (0600), keeps it across starts, and holds the tokens of this start', () => {
    const home = mkdtempSync(join(tmpdir(), 'flotilla-secrets-'));
    const first = ensureSecretsFile(home, {}, 'api-token-1');
    expect(first.file).toBe(join(home, 'secrets.env'));
    expect(first.localCloudSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    const text = readFileSync(first.file, 'utf8');
    expect(text).toContain(`LOCAL_CLOUD_SECRET=${first.localCloudSecret}\n`);
    expect(text).toContain('FLOTILLA_API_TOKEN=api-token-1\n');
    const key = text.match(/^CREDENTIALS_ENCRYPTION_KEY=(.+)$/m)?.[1];

    const second = ensureSecretsFile(home, { CLOUDFLARE_API_TOKEN: 'cf-token' }, null);
    expect(second.localCloudSecret).toBe(first.localCloudSecret);
    const again = readFileSync(second.file, 'utf8');
    expect(again).toContain(`CREDENTIALS_ENCRYPTION_KEY=${key}\n`);
    expect(again).toContain('CLOUDFLARE_API_TOKEN=cf-token\n');
    expect(again).not.toContain('FLOTILLA_API_TOKEN');
  });

  it('tightens a secrets file left readable by others, and each home has its own secret', () => {
    const home = mkdtempSync(join(tmpdir(), 'flotilla-secrets-'));
    writeFileSync(join(home, 'secrets.env'), 'CREDENTIALS_ENCRYPTION_KEY=k\n', { mode: 0o644 });
    const secrets = ensureSecretsFile(home, {});
    expect(statSync(secrets.file).mode & 0o777).toBe(0o600);
    expect(ensureSecretsFile(mkdtempSync(join(tmpdir(), 'flotilla-secrets-')), {}).localCloudSecret).not.toBe(secrets.localCloudSecret);
  });
});
