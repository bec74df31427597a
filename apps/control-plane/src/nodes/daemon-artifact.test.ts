/**
 * `/api/node-daemon` in a deployment without the daemon artifact among its assets (these tests
 * run without assets): every endpoint answers 503 saying what is missing, never a 500. Serving
 * the artifact, and a VM booting from it, is tests/capability/nodes-hetzner.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { api, expectJson } from '../../test/helpers.js';

describe('/api/node-daemon without an artifact', () => {
  it('answers 503 naming what is missing', async () => {
    for (const path of ['/api/node-daemon', '/api/node-daemon/bundle/0.1.0', '/api/node-daemon/lockfile/0.1.0']) {
      const body = await expectJson<{ error: { code: string; message: string } }>(await api(path), 503);
      expect(body.error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('no node daemon artifact') });
    }
  });
});
