/**
 * Capability (DESIGN.md §7): the local control plane opens no DevTools endpoint. `wrangler dev`'s
 * inspector would give every local process — an agent run unsandboxed, another user — an
 * unauthenticated debugger inside the control plane Worker, which holds the credentials key and
 * every stored token; the stack runs the Worker with the inspector off (control-plane-server.ts).
 * On the real stack: every TCP port the control plane's processes listen on (from /proc) is asked
 * for `/json/version`, the answer of a DevTools endpoint — none gives one, nor does wrangler's
 * default inspector port — while the API answers on its own port.
 */
import { bootTestStack, type TestStack } from '@flotilla/testkit/stack';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack();
});

afterAll(async () => {
  await stack?.close();
});

/** Pids of the processes in process group `pgid` (the control plane runs detached, as its own group). */
function processGroup(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** TCP ports (IPv4 and IPv6) that processes `pids` listen on. */
function listeningPorts(pids: number[]): number[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = (() => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      })();
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, field 9 the inode.
      if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) ports.add(Number.parseInt(fields[1]?.split(':')[1] ?? '', 16));
    }
  }
  return [...ports];
}

/** What `/json/version` on 127.0.0.1:`port` answers: the DevTools protocol version, or null. */
async function devToolsVersion(port: number): Promise<string | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/json/version`, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json().catch(() => null)) as { 'Protocol-Version'?: string } | null;
    return body?.['Protocol-Version'] ?? null;
  } catch {
    return null; // not HTTP, or closed
  }
}

describe('the local control plane', () => {
  it('opens no DevTools endpoint on any port it listens on', async () => {
    const ports = listeningPorts(processGroup(stack.stack.controlPlane.pid));
    expect(ports).toContain(Number(new URL(stack.url).port));
    for (const port of [...ports, 9229]) expect({ port, devTools: await devToolsVersion(port) }).toEqual({ port, devTools: null });
    expect((await fetch(`${stack.url}/health`)).ok).toBe(true);
  });
});
