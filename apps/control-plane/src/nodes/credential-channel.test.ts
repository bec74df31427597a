/**
 * Credentials only over TLS or loopback (issue 12, credential-channel.ts): a repository token
 * (create-workspace) or an agent key (start) goes to an https node URL or a loopback one, and to
 * a plain-http node elsewhere not at all — the step fails, not retried, saying what to configure.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { FlotillaError } from '@flotilla/kit';
import { saveAgentCredential } from '../credentials/agent-keys.js';
import { saveGitToken } from '../credentials/git-tokens.js';
import type { Deps } from '../deps.js';
import { createWorkspaceFor } from '../runs/workspace-steps.js';
import { initialRunState, type RunState } from '../runs/run-state.js';
import { startAgentSession } from '../workspaces/start-agent.js';
import { isCredentialChannel, isLoopbackHost } from './credential-channel.js';
import { insertNode, markNodeReady } from './repository.js';
import { createProject, deps, standIn } from '../../test/helpers.js';

const GIT_TOKEN = `ghp_canary_${crypto.randomUUID()}`;
const AGENT_KEY = `sk-ant-canary-${crypto.randomUUID()}`;

/** The host of the projects' repository (the stand-in's git server, test/helpers.ts createProject). */
const gitHost = () => new URL(standIn.url).host;

/** The Worker's deps (with its credentials key), and a user with a stored git token (the repository's host) and agent key. */
async function keyedUser() {
  const keyed = deps();
  const userId = `user_${crypto.randomUUID()}`;
  await saveGitToken(keyed, userId, gitHost(), { token: GIT_TOKEN });
  await saveAgentCredential(keyed, userId, 'claude-code', { apiKey: AGENT_KEY });
  return { keyed, userId };
}

/** A ready node of `userId` at `url`. */
async function nodeAt(userId: string, url: string) {
  const nodeId = `nod_${crypto.randomUUID()}`;
  await insertNode(env.DB, { id: nodeId, provider: 'local', size: 'small', userId });
  await markNodeReady(env.DB, nodeId, url, 'test', 'bubblewrap');
  return nodeId;
}

/** Run the workspace_creation step for a new task-less workspace on `nodeId`. */
async function createWorkspaceOn(keyed: Deps, nodeId: string) {
  const project = await createProject('credential-channel');
  let state: RunState = { ...initialRunState(null, project.id, Date.now()), step: 'workspace_creation', nodeId };
  const remember = async (patch: Partial<RunState>) => {
    state = { ...state, ...patch };
  };
  const ctx = { deps: keyed, state, log: keyed.log, remember };
  return createWorkspaceFor(ctx, { projectId: project.id, taskId: null, agentType: 'claude-code', chatSessionId: null, branch: 'workspace/x' });
}

const startOn = (keyed: Deps, userId: string, node: { id: string; url: string }) =>
  startAgentSession(keyed, {
    node,
    workspaceId: 'ws_channel',
    agentSessionId: 'as_channel',
    agentType: 'claude-code',
    initialPrompt: 'hello',
    initialPromptMessageId: null,
    taskId: null,
    taskTitle: null,
    permissionPolicy: 'allow',
    userId,
  });

/** Every request the stand-in recorded, as text (to look for canaries). */
const everythingSent = async () => JSON.stringify(await standIn.requests());

describe('where credentials may go', () => {
  it('https anywhere, http only on loopback', () => {
    for (const url of ['https://nod-1.nodes.example.com:8443', 'https://203.0.113.9:8443', 'http://127.0.0.1:8080', 'http://127.1.2.3:1', 'http://localhost:9', 'http://[::1]:8080']) {
      expect(isCredentialChannel(url), url).toBe(true);
    }
    for (const url of ['http://203.0.113.9:8080', 'http://nod-1.nodes.example.com', 'http://127.0.0.1.nip.io:80', 'http://localhost.evil.test', 'http://[::2]:1', 'ftp://127.0.0.1', 'not a url']) {
      expect(isCredentialChannel(url), url).toBe(false);
    }
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
  });

  it('the repository token is not sent to a plain-http node off this machine: the step fails, not retryable, saying what to configure', async () => {
    const { keyed, userId } = await keyedUser();
    const nodeId = await nodeAt(userId, 'http://203.0.113.7:8080');
    const failure = await createWorkspaceOn(keyed, nodeId).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FlotillaError);
    expect(failure).toMatchObject({ retryable: false, code: 'unavailable' });
    expect((failure as Error).message).toContain(`the repository token for ${gitHost()} is sent to nodes only over TLS (https) or on this machine (loopback), and node ${nodeId} announced http://203.0.113.7:8080`);
    expect((failure as Error).message).toContain('Cloud nodes over TLS');
    expect(await everythingSent()).not.toContain(GIT_TOKEN);
  });

  it('the repository token goes to a node on loopback', async () => {
    const { keyed, userId } = await keyedUser();
    const nodeId = await nodeAt(userId, standIn.daemonUrl(`channel-${crypto.randomUUID()}`));
    await createWorkspaceOn(keyed, nodeId);
    const [created] = (await standIn.requests({ method: 'POST', path: /\/workspaces$/ })).filter((r) => JSON.stringify(r.body).includes(GIT_TOKEN));
    expect(created?.body).toMatchObject({ gitCredential: { token: GIT_TOKEN } });
  });

  it('the agent key is not sent to a plain-http node off this machine; it goes to a loopback one', async () => {
    const { keyed, userId } = await keyedUser();
    const refused = await startOn(keyed, userId, { id: 'nod_far', url: 'http://nod-far.example.net:8080' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ retryable: false, code: 'unavailable', message: expect.stringContaining('the stored claude-code API key is sent to nodes only over TLS') });
    expect(await everythingSent()).not.toContain(AGENT_KEY);
    const key = `channel-${crypto.randomUUID()}`;
    await startOn(keyed, userId, { id: 'nod_near', url: standIn.daemonUrl(key) });
    const [start] = await standIn.requests({ method: 'POST', path: `/daemon/${key}/workspaces/ws_channel/agent-sessions/as_channel/start` });
    expect(start?.body).toMatchObject({ agentCredentials: { ANTHROPIC_API_KEY: AGENT_KEY } });
  });

  it('without stored credentials a plain-http node still gets its workspace (nothing secret travels)', async () => {
    const base = deps();
    const nodeId = await nodeAt(`user_${crypto.randomUUID()}`, 'http://203.0.113.8:1');
    // Unreachable: the step gets as far as calling the node, which is the point.
    const failure = await createWorkspaceOn(base, nodeId).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toContain(`node ${nodeId}`);
    expect(failure?.message).toContain('POST /workspaces');
    expect(failure?.message).not.toContain('only over TLS');
  });
});
