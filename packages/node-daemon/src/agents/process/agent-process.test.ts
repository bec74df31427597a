/** One agent OS process: exit code and stderr tail, SIGKILL after an ignored SIGTERM, a command that does not exist. */
import { describe, expect, it } from 'vitest';
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
