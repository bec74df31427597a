/**
 * `GET /api/agents` (issue 13, item 3) and the node announcements it reads: one entry per agent
 * type with its catalog fields and variables; `ready`/`missing` from the stored credential with
 * the newest node announcement under it (what the credential lacks, the node's environment may
 * give), else from the announcement alone, else everything the agent needs. The ready callback stores a node's
 * announcement (migration 0007) and `GET /api/nodes/:id` shows it.
 */
import { AGENT_CATALOG, AgentType, type AgentAvailability, type AgentInfo, type CredentialInfo, type NodeInfo } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, callbackToken, expectJson } from '../../test/helpers.js';
import { getNode, insertNode } from '../nodes/repository.js';
import { agentInfo } from './agent-info.js';

const listAgents = async () => (await expectJson<{ agents: AgentInfo[] }>(await api('/api/agents'), 200)).agents;
const byType = (agents: AgentInfo[], agentType: AgentType) => agents.find((agent) => agent.agentType === agentType);

/** A node that becomes ready announcing `agents` (absent: an older daemon, which announces none). */
async function announce(agents?: AgentAvailability[]): Promise<string> {
  const nodeId = `nod_${crypto.randomUUID()}`;
  await insertNode(env.DB, { id: nodeId, provider: 'local', size: 'small' });
  const body = { url: `http://127.0.0.1:7${Math.floor(Math.random() * 900) + 100}`, daemonVersion: '1.0.0', sandbox: 'bubblewrap', ...(agents ? { agents } : {}) };
  await expectJson(await api(`/api/nodes/${nodeId}/ready`, { method: 'POST', body, token: await callbackToken(nodeId) }), 200);
  return nodeId;
}

const availability = (agentType: AgentType, installed: boolean, missing: string[] = []): AgentAvailability => ({ agentType, installed, missing });
const stored = (name: AgentType, extra: Partial<CredentialInfo> = {}): CredentialInfo => ({ kind: 'agent', name, masked: '••••1234', updatedAt: '2026-01-01T00:00:00.000Z', ...extra });

describe('agentInfo (ready and missing)', () => {
  it('before any node announced and with nothing stored, misses everything the agent needs', () => {
    expect(agentInfo('claude-code', null, null)).toMatchObject({ ready: false, missing: ['ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN'], nodes: null, credential: null });
    expect(agentInfo('opencode', null, null)).toMatchObject({ ready: false, missing: ['OPENAI_API_KEY', 'OPENAI_MODEL'] });
    expect(agentInfo('codex', null, null).missing).toEqual(['OPENAI_API_KEY']);
  });

  it("takes what the announcing node's environment lacks when nothing is stored", () => {
    const announced = [availability('claude-code', true), availability('opencode', true, ['OPENAI_MODEL']), availability('cline', false, [])];
    expect(agentInfo('claude-code', null, announced)).toMatchObject({ ready: true, missing: [], nodes: announced[0] });
    expect(agentInfo('opencode', null, announced)).toMatchObject({ ready: false, missing: ['OPENAI_MODEL'] });
    // Not installed on the node: not ready, though no setting is missing.
    expect(agentInfo('cline', null, announced)).toMatchObject({ ready: false, missing: [] });
    // A type the node did not list (an older daemon): as if nothing were announced.
    expect(agentInfo('gemini', null, announced)).toMatchObject({ ready: false, nodes: null, missing: ['GEMINI_API_KEY'] });
  });

  it("takes a stored credential over the node's settings; what it lacks, the node's environment may give", () => {
    const announced = [availability('opencode', true, ['OPENAI_API_KEY', 'OPENAI_MODEL']), availability('qwen-code', true, []), availability('cline', true, ['OPENAI_API_KEY', 'OPENAI_MODEL'])];
    expect(agentInfo('opencode', stored('opencode', { model: 'qwen3-coder' }), announced)).toMatchObject({ ready: true, missing: [] });
    expect(agentInfo('opencode', stored('opencode', { model: 'qwen3-coder' }), null)).toMatchObject({ ready: true, missing: [] });
    // A stored key without the model the agent needs: the node's OPENAI_MODEL completes it…
    expect(agentInfo('qwen-code', stored('qwen-code'), announced)).toMatchObject({ ready: true, missing: [] });
    // …where the node has one; not where it lacks one too, nor before any node announced.
    expect(agentInfo('cline', stored('cline'), announced)).toMatchObject({ ready: false, missing: ['OPENAI_MODEL'] });
    expect(agentInfo('qwen-code', stored('qwen-code'), null)).toMatchObject({ ready: false, missing: ['OPENAI_MODEL'] });
  });

  it('gives the catalog fields and the variables of the model API', () => {
    expect(agentInfo('gemini', null, null)).toMatchObject({
      label: 'Gemini CLI',
      package: AGENT_CATALOG.gemini.package,
      modelApi: 'gemini',
      summary: AGENT_CATALOG.gemini.summary,
      settings: ['GEMINI_API_KEY', 'GOOGLE_GEMINI_BASE_URL', 'GEMINI_MODEL'],
    });
    expect(agentInfo('claude-code', null, null).settings).toEqual(['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_BASE_URL']);
    expect(agentInfo('cline', null, null).settings).toEqual(['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL']);
  });
});

describe('GET /api/agents', () => {
  it('lists the six agent types in order, with the stored credential (masked) and the newest node announcement', async () => {
    const before = await listAgents();
    expect(before.map((agent) => agent.agentType)).toEqual(AgentType.options);

    // An older daemon announces nothing: it does not hide a newer announcement.
    const nodeId = await announce([availability('claude-code', true), availability('codex', true, ['OPENAI_API_KEY']), availability('opencode', true, ['OPENAI_API_KEY', 'OPENAI_MODEL'])]);
    await announce();
    const apiKey = `sk-compat-${crypto.randomUUID()}`;
    await expectJson(await api('/api/credentials/agents/opencode', { method: 'PUT', body: { apiKey, baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen3-coder' } }), 200);

    const response = await api('/api/agents');
    const text = await response.text();
    expect(text).not.toContain(apiKey);
    const agents = (JSON.parse(text) as { agents: AgentInfo[] }).agents;
    expect(byType(agents, 'claude-code')).toMatchObject({ ready: true, missing: [], credential: null, nodes: availability('claude-code', true) });
    expect(byType(agents, 'codex')).toMatchObject({ ready: false, missing: ['OPENAI_API_KEY'] });
    expect(byType(agents, 'opencode')).toMatchObject({
      ready: true,
      missing: [],
      credential: { kind: 'agent', name: 'opencode', masked: `••••${apiKey.slice(-4)}`, baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen3-coder' },
      nodes: availability('opencode', true, ['OPENAI_API_KEY', 'OPENAI_MODEL']),
    });
    expect(byType(agents, 'gemini')).toMatchObject({ ready: false, nodes: null, missing: ['GEMINI_API_KEY'] });

    // The node shows what it announced; the older daemon's node shows null.
    const node = await expectJson<NodeInfo>(await api(`/api/nodes/${nodeId}`), 200);
    expect(node.agents).toEqual([availability('claude-code', true), availability('codex', true, ['OPENAI_API_KEY']), availability('opencode', true, ['OPENAI_API_KEY', 'OPENAI_MODEL'])]);
    expect((await api('/api/credentials/agents/opencode', { method: 'DELETE' })).status).toBe(204);
  });

  it('keeps what a restarted daemon announced before when it announces nothing, and takes its new announcement', async () => {
    const nodeId = `nod_${crypto.randomUUID()}`;
    await insertNode(env.DB, { id: nodeId, provider: 'local', size: 'small' });
    const token = await callbackToken(nodeId);
    const ready = (agents?: AgentAvailability[]) =>
      api(`/api/nodes/${nodeId}/ready`, { method: 'POST', body: { url: 'http://127.0.0.1:7999', daemonVersion: '1', sandbox: 'none', ...(agents ? { agents } : {}) }, token });
    await expectJson(await ready([availability('gemini', true, ['GEMINI_API_KEY'])]), 200);
    await expectJson(await ready(), 200);
    expect(JSON.parse((await getNode(env.DB, nodeId))?.agents ?? 'null')).toEqual([availability('gemini', true, ['GEMINI_API_KEY'])]);
    await expectJson(await ready([availability('gemini', true)]), 200);
    expect(byType(await listAgents(), 'gemini')).toMatchObject({ ready: true, nodes: availability('gemini', true) });
  });

  it('refuses an announcement that is not a list of agent availabilities (400)', async () => {
    const nodeId = `nod_${crypto.randomUUID()}`;
    await insertNode(env.DB, { id: nodeId, provider: 'local', size: 'small' });
    const body = { url: 'http://127.0.0.1:7998', daemonVersion: '1', sandbox: 'none', agents: [{ agentType: 'nobody', installed: true, missing: [] }] };
    await expectJson(await api(`/api/nodes/${nodeId}/ready`, { method: 'POST', body, token: await callbackToken(nodeId) }), 400);
    expect((await getNode(env.DB, nodeId))?.status).toBe('provisioning');
  });
});
