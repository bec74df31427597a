/** `/api/nodes` (issue 6): validation and answers of the public node routes. */
import { describe, expect, it } from 'vitest';
import { api, expectJson } from '../../test/helpers.js';

describe('/api/nodes', () => {
  it('answers 404 for an unknown node and lists nodes', async () => {
    await expectJson(await api('/api/nodes/nod_nope'), 404);
    await expectJson(await api('/api/nodes?status=sleepy'), 400);
    expect(await expectJson(await api('/api/nodes?status=destroyed'), 200)).toHaveProperty('nodes');
    expect(await expectJson<{ nodes: unknown[] }>(await api('/api/nodes'), 200)).toHaveProperty('nodes');
  });
});
