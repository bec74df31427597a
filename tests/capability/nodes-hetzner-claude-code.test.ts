/**
 * Capability (issue 6, items 6–8): Claude Code itself runs on a cloud VM. A task on the Hetzner
 * provider (the fake Hetzner API, testkit) gets a new server that boots from its user-data on a
 * fake VM, which installs the Claude Code ACP adapter beside the daemon bundle; the agent gets
 * the task description as its prompt (the fake Anthropic API sees it), and the task branch holds
 * its change. On the VM the daemon finds bubblewrap and socat as on any node, and the agent reaches
 * the model through the gateway (the fake sees the stored key). Its own stand, whose VMs run the real agents (`agents: 'real'`); the rest of the
 * Hetzner path, with the scripted agent, is nodes-hetzner.
 */
import { createGitRepo, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '@flotilla/testkit/fake-anthropic';
import { bootHetznerStand, HETZNER_TOKEN, type HetznerStand } from './hetzner-support.js';

let stand: HetznerStand;
let stack: TestStack;

beforeAll(async () => {
  stand = await bootHetznerStand('real');
  stack = stand.stack;
});

afterAll(async () => {
  await stand?.close();
});

describe('the Hetzner provider, on the real stack against the fake Hetzner API', () => {
  it('Claude Code runs on a VM: the adapter installed beside the bundle gets the task description', async () => {
    await stack.client.putCloudCredential('hetzner', HETZNER_TOKEN);
    const repo = createGitRepo({ 'README.md': '# cloud\n' });
    const { id: projectId } = await stack.client.createProject({ name: 'cloud', repoUrl: repo, defaultBranch: 'main', defaultProvider: 'hetzner' });

    const apiKey = 'sk-ant-vm-test-key-0123456789';
    const saved = await fetch(`${stack.url}/api/credentials/agents/claude-code`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey }) });
    expect(saved.status).toBe(200);
    stand.anthropic.setScript([
      { text: 'Writing the file.', toolUses: [{ name: 'Bash', input: { command: "printf 'from a vm\\n' > VM.md", description: 'Create VM.md' } }] },
      { text: 'Created VM.md.' },
    ]);
    const before = stand.vms.size;
    const description = 'Create VM.md saying "from a vm".';
    const created = await stack.client.createTask(projectId, { description, agentType: 'claude-code', run: true });
    const task = await waitForTask(stack.client, created.id, 180_000);
    expect({ status: task.status, error: task.error }).toEqual({ status: 'completed', error: null });
    expect(stand.vms.size).toBe(before + 1); // a new server, booted from its user-data
    expect(stand.anthropic.firstUserPrompt()).toBe(description);
    expect(showFile(repo, `task/${task.id}`, 'VM.md')).toBe('from a vm\n');
    expect((await stack.client.listNodes()).find((node) => node.id === task.nodeId)?.sandbox).toBe('bubblewrap');
    for (const request of stand.anthropic.mainRequests()) expect(request.apiKeySha256).toBe(sha256Hex(apiKey));
  });
});
