/**
 * The stand of the Hetzner capability tests (issue 6, items 6–8): the fake Hetzner API (testkit),
 * whose servers boot from their user-data as fake VMs, the fake Anthropic API, and a real stack
 * whose control plane talks to that fake Hetzner. `agents` decides what the VMs' daemons run, as
 * a systemd drop-in would set it: the scripted agent for every agent type, or the real agents
 * (Claude Code, installed beside the daemon bundle, against the fake Anthropic API).
 */
import { startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit/fake-anthropic';
import { startFakeHetzner, type FakeHetzner } from '@flotilla/testkit/fake-hetzner';
import { bootFakeVm, type FakeVm, type FakeVmOptions } from '@flotilla/testkit/fake-vm';
import { bootTestStack, type TestAgents, type TestStack } from '@flotilla/testkit/stack';
import { randomBytes } from 'node:crypto';
import { delimiter, join } from 'node:path';

/** The token the fake Hetzner API accepts. */
export const HETZNER_TOKEN = 'hcloud-test-token-4f7a9c1e';

export interface HetznerStand {
  stack: TestStack;
  fake: FakeHetzner;
  anthropic: FakeAnthropic;
  /** The fake VM of each server, by server id, in creation order. */
  vms: Map<number, FakeVm>;
  /** What a systemd drop-in adds on these VMs: the scripted agent on PATH, the fake model API. */
  vmEnv: Record<string, string>;
  /** How the next servers boot (e.g. a package whose native build fails there); change it freely. */
  nextVm: Partial<FakeVmOptions>;
  close(): Promise<void>;
}

/** Start the fakes and a stack using them; `close()` stops the VMs, the stack and the fakes. */
export async function bootHetznerStand(agents: TestAgents): Promise<HetznerStand> {
  const anthropic = await startFakeAnthropic({ script: [] });
  const vms = new Map<number, FakeVm>();
  const vmEnv = { PATH: [join(process.cwd(), '../../node_modules/.bin'), process.env.PATH ?? ''].join(delimiter), ANTHROPIC_BASE_URL: anthropic.url };
  let nextVm: Partial<FakeVmOptions> = {};
  const fake = await startFakeHetzner({
    tokens: [HETZNER_TOKEN],
    onServerCreated: async (server) => {
      vms.set(server.id, await bootFakeVm(server.user_data, { env: vmEnv, agents, ...nextVm }));
    },
    onServerDeleted: async (server) => vms.get(server.id)?.stop(),
  });
  let stack: TestStack;
  try {
    stack = await bootTestStack({
      agents,
      vars: { HETZNER_API_URL: fake.url, HETZNER_LOCATION: 'nbg1', CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64'), MAX_AUTO_NODE_LIFETIME_MS: '1', ORPHAN_NODE_GRACE_MS: '0' },
    });
  } catch (error) {
    await fake.close();
    await anthropic.close();
    throw error;
  }
  return {
    stack,
    fake,
    anthropic,
    vms,
    vmEnv,
    get nextVm() {
      return nextVm;
    },
    set nextVm(options) {
      nextVm = options;
    },
    async close() {
      await Promise.all([...vms.values()].map((vm) => vm.stop()));
      await stack.close();
      await fake.close();
      await anthropic.close();
    },
  };
}
