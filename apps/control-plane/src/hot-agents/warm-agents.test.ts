/**
 * Warm agents on the node's row (issue 15, warm-agents.ts) against real D1: a new local node gets
 * one for the run's agent type (the same on a repeated provisioning attempt), none for a user with a
 * stored agent key or with NODE_WARM_AGENTS=0; exactly one run takes it, and only a run of its type;
 * the node's public view (`GET /api/nodes`) shows it while the node lives and it is not taken.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { deps } from '../../test/helpers.js';
import { saveAgentCredential } from '../credentials/agent-keys.js';
import { toNodeInfo } from '../nodes/node-info.js';
import { getNode, insertNode } from '../nodes/repository.js';
import { takeWarmAgent, warmAgentForNewNode } from './warm-agents.js';

async function newNode(): Promise<{ id: string; userId: string }> {
  const node = { id: `nod_${crypto.randomUUID()}`, userId: `usr_${crypto.randomUUID()}` };
  await insertNode(env.DB, { id: node.id, provider: 'local', size: 'small', userId: node.userId });
  return node;
}

describe('warm agents', () => {
  it('a new node gets one for the run; a repeated attempt gets the same; exactly one of two runs takes it', async () => {
    const node = await newNode();
    const spec = await warmAgentForNewNode(deps(), node, 'claude-code');
    expect(spec).toEqual({ workspaceId: expect.stringMatching(/^ws_/), agentSessionId: expect.stringMatching(/^as_/), agentType: 'claude-code' });
    expect(await warmAgentForNewNode(deps(), node, 'claude-code')).toEqual(spec);
    expect(await takeWarmAgent(env.DB, node.id, 'codex')).toBeNull();
    const taken = await Promise.all([takeWarmAgent(env.DB, node.id, 'claude-code'), takeWarmAgent(env.DB, node.id, 'claude-code')]);
    expect(taken.filter((ids) => ids !== null)).toEqual([{ workspaceId: spec?.workspaceId, agentSessionId: spec?.agentSessionId }]);
    expect(await takeWarmAgent(env.DB, node.id, 'claude-code')).toBeNull();
  });

  it("none for a user with a stored key for the agent type (a daemon's start carries no key)", async () => {
    const node = await newNode();
    const keyed = { ...deps(), config: { ...deps().config, credentialsKey: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))) } };
    await saveAgentCredential(keyed, node.userId, 'claude-code', { apiKey: 'sk-ant-stored-1234' });
    expect(await warmAgentForNewNode(keyed, node, 'claude-code')).toBeUndefined();
    expect(await warmAgentForNewNode(keyed, node, 'codex')).toMatchObject({ agentType: 'codex' });
  });

  it("the node's public view shows its type until it is taken, and none once the node is destroyed", async () => {
    const node = await newNode();
    const infoOf = async () => toNodeInfo(deps(), (await getNode(env.DB, node.id))!);
    expect((await infoOf()).warmAgent).toBeNull();
    await warmAgentForNewNode(deps(), node, 'claude-code');
    expect((await infoOf()).warmAgent).toBe('claude-code');
    await env.DB.prepare("UPDATE nodes SET status = 'destroyed' WHERE id = ?").bind(node.id).run();
    expect((await infoOf()).warmAgent).toBeNull();
    await env.DB.prepare("UPDATE nodes SET status = 'ready' WHERE id = ?").bind(node.id).run();
    await takeWarmAgent(env.DB, node.id, 'claude-code');
    expect((await infoOf()).warmAgent).toBeNull();
  });

  it('none with NODE_WARM_AGENTS=0', async () => {
    const node = await newNode();
    const off = { ...deps(), config: { ...deps().config, NODE_WARM_AGENTS: 0 } };
    expect(await warmAgentForNewNode(off, node, 'claude-code')).toBeUndefined();
    expect(await takeWarmAgent(env.DB, node.id, 'claude-code')).toBeNull();
  });
});
