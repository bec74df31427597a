/**
 * This deployment's id (deployment.ts): made once and kept in D1 — the same on every call, even
 * when two calls race — unless DEPLOYMENT_ID names it; an invalid DEPLOYMENT_ID is refused
 * naming the var. (That it labels servers and confines the orphan sweep: the Hetzner provider's
 * tests and tests/capability/nodes-hetzner.test.ts.)
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { deploymentId } from './deployment.js';

const depsWith = (vars: Record<string, string>) => ({ db: env.DB, config: readConfig({ ...env, ...vars }) });

describe('deploymentId', () => {
  it('is made once, kept in D1, and the same for concurrent first calls', async () => {
    const deps = depsWith({});
    const [a, b] = await Promise.all([deploymentId(deps), deploymentId(deps)]);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(b).toBe(a);
    expect(await deploymentId(depsWith({}))).toBe(a);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM deployment').first<{ n: number }>()).toEqual({ n: 1 });
  });

  it('is DEPLOYMENT_ID when set, and refuses one that cannot label a server', async () => {
    expect(await deploymentId(depsWith({ DEPLOYMENT_ID: 'acme-prod' }))).toBe('acme-prod');
    await expect(deploymentId(depsWith({ DEPLOYMENT_ID: 'acme prod!' }))).rejects.toThrow(/DEPLOYMENT_ID must be 1–63 of A-Za-z0-9._-/);
    await expect(deploymentId(depsWith({ DEPLOYMENT_ID: `x${'y'.repeat(63)}` }))).rejects.toThrow(/DEPLOYMENT_ID/);
  });
});
