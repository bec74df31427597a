/**
 * Calls to a node daemon (against the stand-in daemon): how answers are classified — retryable
 * or not, by the one rule — and parsed, and what a Cloudflare origin error in front of a node
 * behind a proxied DNS name (dns.ts) tells the user instead of Cloudflare's HTML page.
 */
import { FlotillaError } from '@flotilla/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { deps, standIn } from '../../test/helpers.js';
import { allowRefusal, nodeDaemonClient } from './node-client.js';

afterEach(() => standIn.clearRules());

const body = {
  workspaceId: 'ws_1',
  repoUrl: 'https://example.com/x.git',
  baseBranch: 'main',
  branch: 'task/tsk_1',
  projectId: null,
  chatSessionId: null,
  taskId: null,
  callbackToken: 'token',
};

const client = (key: string) => nodeDaemonClient(deps(), { id: `nod_${key}`, url: standIn.daemonUrl(key) });

async function failureOf(key: string, status: number, answer: unknown): Promise<FlotillaError> {
  await standIn.rule({ method: 'POST', path: `^/daemon/${key}/workspaces$`, responses: [{ status, body: answer }] });
  const error = await client(key).createWorkspace({ body }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FlotillaError);
  return error as FlotillaError;
}

describe('the node daemon client', () => {
  it('says what a Cloudflare origin error means, as a retryable failure', async () => {
    const refused = await failureOf('cf526', 526, '<!DOCTYPE html><title>Invalid SSL certificate</title>');
    expect(refused.retryable).toBe(true);
    expect(refused.message).toMatch(/through Cloudflare's proxy \(526\): .*SSL mode to "Full"/);
    expect(refused.message).not.toContain('DOCTYPE');
    expect((await failureOf('cf521', 521, 'down')).message).toMatch(/\(521\): the node refused the connection/);
  });

  it("keeps 5xx retryable and other 4xx not, with the daemon's words", async () => {
    expect((await failureOf('plain503', 503, { error: { code: 'unavailable', message: 'busy' } })).retryable).toBe(true);
    const refused = await failureOf('plain400', 400, { error: { code: 'bad_request', message: 'repoUrl is required' } });
    expect(refused).toMatchObject({ retryable: false, status: 400, code: 'bad_request' });
    expect(refused.message).toContain('repoUrl is required');
    expect(refused.message).toContain('nod_plain400');
  });

  it('parses every answer: one that breaks the route’s promise is refused, never cast', async () => {
    await standIn.rule({ method: 'POST', path: '^/daemon/garbage/workspaces$', responses: [{ status: 202, body: { workspace: 'ws_1' } }] });
    await expect(client('garbage').createWorkspace({ body })).rejects.toMatchObject({ code: 'bad_response', retryable: false });
    expect(await client('parsed').createWorkspace({ body })).toEqual({ workspaceId: 'ws_1', status: 'creating' });
  });

  it('takes a refusal the caller accepts as a value, and only that', async () => {
    await standIn.rule({ method: 'POST', path: '^/daemon/again/workspaces$', responses: [{ status: 409, body: { error: { code: 'conflict', message: 'exists' } } }, { status: 500, body: 'boom' }] });
    const accepted = await allowRefusal(client('again').createWorkspace({ body }), [409]);
    expect(accepted).toBeInstanceOf(FlotillaError);
    await expect(allowRefusal(client('again').createWorkspace({ body }), [409])).rejects.toMatchObject({ status: 500, retryable: true });
  });
});
