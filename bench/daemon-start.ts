/**
 * Benchmark (issue 6): how long a node daemon takes from spawn to listening, run as the
 * artifact's bundle (what VMs and local nodes run) and from its TypeScript sources through tsx
 * (the baseline, `FLOTILLA_NODE_DAEMON=source`), alternating in the same run. The control plane
 * is unreachable on purpose: the figure ends at the daemon's "listening" line, before `nodeReady`.
 * Prints each mode's median (min–max) and the ratio source / bundle.
 *
 * Run: `npm run bench:daemon-start` (RUNS=7 by default).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureDaemonArtifact, localDaemonCommand } from '@flotilla/cli';
import { stats } from './support.js';

const RUNS = Number(process.env.RUNS ?? '7');

/** Spawn `command`, answer ms until its "node daemon listening" line, then stop it. */
async function timeStart(command: string[]): Promise<number> {
  const [executable = '', ...args] = command;
  const t0 = performance.now();
  const child = spawn(executable, args, {
    env: { ...process.env, FLOTILLA_NODE_ID: 'nod_bench', FLOTILLA_CONTROL_PLANE_URL: 'http://127.0.0.1:9', FLOTILLA_CALLBACK_TOKEN: 'bench', FLOTILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'flotilla-bench-daemon-')) },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.includes('node daemon listening')) return performance.now() - t0;
    }
    throw new Error('the daemon exited before listening');
  } finally {
    child.kill('SIGKILL');
  }
}

const artifactDir = await ensureDaemonArtifact();
const bundle = localDaemonCommand(artifactDir, {});
const source = localDaemonCommand(artifactDir, { FLOTILLA_NODE_DAEMON: 'source' });
const times = { bundle: [] as number[], source: [] as number[] };
await timeStart(bundle); // warm the file cache once for both
await timeStart(source);
for (let run = 0; run < RUNS; run++) {
  times.bundle.push(await timeStart(bundle));
  times.source.push(await timeStart(source));
}
const show = (name: string, values: number[]) => {
  const s = stats(values);
  console.log(`${name.padEnd(34)} median ${s.median.toFixed(0)} ms (${s.min.toFixed(0)}–${s.max.toFixed(0)}), ${RUNS} runs`);
  return s.median;
};
const b = show('bundle (dist/artifact)', times.bundle);
const s = show('source through tsx (baseline)', times.source);
console.log(`ratio source / bundle: ${(s / b).toFixed(2)}x`);
