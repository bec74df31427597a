/**
 * Calls to a node daemon (against the stand-in daemon): how answers are classified, and what a
 * Cloudflare origin error in front of a node behind a proxied DNS name (node-dns.ts) tells the
 * user instead of Cloudflare's HTML page.
 */
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { standIn } from '../../test/helpers.js';
import { PermanentError, TransientError } from '../lib/errors.js';
import { callNode } from './node-client.js';

afterEach(() => standIn.clearRules());

async function failureOf(key: string, status: number, body: unknown): Promise<unknown> {
  await standIn.rule({ method: 'POST', path: `^/daemon/${key}/workspaces$`, responses: [{ status, body }] });
  return callNode(env.DB, { id: `nod_${key}`, url: standIn.daemonUrl(key) }, 'POST', '/workspaces', { body: {}, timeoutMs: 5_000 }).catch((error: unknown) => error);
}

describe('callNode', () => {
  it('says what a Cloudflare origin error means, as a transient failure', async () => {
    const refused = await failureOf('cf526', 526, '<!DOCTYPE html><title>Invalid SSL certificate</title>');
    expect(refused).toBeInstanceOf(TransientError);
    expect((refused as Error).message).toMatch(/through Cloudflare's proxy \(526\): .*SSL mode to "Full"/);
    expect((refused as Error).message).not.toContain('DOCTYPE');
    expect(((await failureOf('cf521', 521, 'down')) as Error).message).toMatch(/\(521\): the node refused the connection/);
  });

  it('keeps 5xx transient and other 4xx permanent, with the daemon\'s words', async () => {
    expect(await failureOf('plain503', 503, { error: { code: 'unavailable', message: 'busy' } })).toBeInstanceOf(TransientError);
    const refused = await failureOf('plain400', 400, { error: { code: 'bad_request', message: 'repoUrl is required' } });
    expect(refused).toBeInstanceOf(PermanentError);
    expect((refused as Error).message).toContain('repoUrl is required');
  });
});
