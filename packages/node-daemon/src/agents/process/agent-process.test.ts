/**
 * One agent OS process: exit code and stderr tail, SIGKILL after an ignored SIGTERM, a command
 * that does not exist; in a bubblewrap sandbox, stopped as it starts, nothing of it is left.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bubblewrapSandbox, SANDBOX_STATUS_FD } from '../../sandbox/index.js';
import { AgentProcess, AgentSpawnError } from './agent-process.js';

const spawnNode = (script: string, stderrTailBytes = 100): Promise<AgentProcess> =>
  AgentProcess.spawn({
    command: process.execPath,
    args: ['-e', script],
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '' },
    stderrTailBytes,
  });

describe('AgentProcess', () => {
  it('reports the exit code and keeps only the tail of stderr', async () => {
    const agent = await spawnNode("process.stderr.write('x'.repeat(5000) + 'END'); process.exitCode = 4");
    expect(await agent.exited).toEqual({ code: 4, signal: null });
    expect(agent.exit).toEqual({ code: 4, signal: null });
    const tail = agent.stderrTail();
    expect(tail).toHaveLength(100);
    expect(tail.endsWith('END')).toBe(true);
  });

  it('stops a process that ignores SIGTERM with SIGKILL', async () => {
    const agent = await spawnNode("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('up')");
    await new Promise((resolve) => agent.stdout.once('data', resolve));
    expect(await agent.stop(200)).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('rejects with AgentSpawnError when the command does not exist', async () => {
    await expect(
      AgentProcess.spawn({ command: '/nonexistent/agent', args: [], cwd: process.cwd(), env: {}, stderrTailBytes: 10 }),
    ).rejects.toBeInstanceOf(AgentSpawnError);
  });
});

describe('AgentProcess in a bubblewrap sandbox', () => {
  /** Pids of live processes whose command line holds `marker` (the sandbox's and what runs in it). */
  const processesWith = (marker: string): number[] =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
        } catch {
          return false;
        }
      })
      .map(Number);

  it('stopped the moment it started, leaves nothing of its sandbox running (its bridges included)', async () => {
    const sandbox = bubblewrapSandbox({ bwrap: 'bwrap', socat: 'socat', policy: { hidden: [], shownAgain: [], hiddenAgain: [] } });
    const marker = `sandbox-race-${process.pid}-${Date.now()}`;
    // Twenty agents, each stopped as soon as the OS started its sandbox: the window in which
    // bubblewrap's inner process outlived its outer one (and kept a bridge-like child running).
    for (let i = 0; i < 20; i += 1) {
      const spec = sandbox.wrap({ command: '/bin/sh', args: ['-c', `sleep 600 & exec sleep 601 # ${marker}`], cwd: '/', env: { PATH: '/usr/bin:/bin' }, writable: [], statusFd: SANDBOX_STATUS_FD });
      expect(spec.statusFd).toBe(SANDBOX_STATUS_FD);
      const agent = await AgentProcess.spawn({ command: spec.command, args: spec.args, cwd: spec.cwd, env: spec.env, stderrTailBytes: 100, sandboxStatusFd: SANDBOX_STATUS_FD });
      await agent.stop(2_000);
    }
    // SIGKILL is delivered asynchronously: wait (bounded) for the processes to be gone.
    for (let waited = 0; processesWith(marker).length > 0 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processesWith(marker)).toEqual([]);
  });
});
