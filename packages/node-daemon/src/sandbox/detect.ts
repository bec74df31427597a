/**
 * Which sandbox this node has (DESIGN.md §7): bubblewrap when `bwrap` can make a sandbox here
 * (checked by making one: user, PID and network namespaces, a read-only root, no capability) and
 * `socat` runs; otherwise none — and then the daemon starts no agent unless the operator opted out
 * with FLOTILLA_UNSAFE_NO_SANDBOX=1 (agent-session code refuses with {@link SandboxUnavailable}'s
 * reason).
 */
import { spawnSync } from 'node:child_process';
import { bubblewrapSandbox, unconfinedSandbox, type Sandbox } from './sandbox.js';
import type { SandboxPolicy } from './policy.js';

export interface SandboxSettings {
  /** FLOTILLA_BWRAP (default `bwrap`). */
  bwrap: string;
  /** FLOTILLA_SOCAT (default `socat`). */
  socat: string;
  /** FLOTILLA_UNSAFE_NO_SANDBOX=1: run agents unconfined where no sandbox can be made. */
  allowUnsandboxed: boolean;
  policy: SandboxPolicy;
}

/** No sandbox can be made here, and the operator did not opt out: agents are refused, saying why. */
export interface SandboxUnavailable {
  readonly kind: 'unavailable';
  readonly reason: string;
}

/** Limit of each probe command (ms). */
const PROBE_TIMEOUT_MS = 10_000;

/** Why `program args` does not run here, or null when it exits 0. */
function problemRunning(program: string, args: string[]): string | null {
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.error) return `${program}: ${result.error.message}`;
  if (result.status !== 0) return `${program} exited with ${result.status ?? result.signal}: ${(result.stderr ?? '').trim().split('\n')[0] ?? ''}`;
  return null;
}

/**
 * The sandbox of this node: bubblewrap when it works here; the unconfined one when it does not
 * and `allowUnsandboxed`; else {@link SandboxUnavailable} with the reason.
 */
export function detectSandbox(settings: SandboxSettings): Sandbox | SandboxUnavailable {
  const probe = (statusFd: boolean) => {
    const spec = bubblewrapSandbox({ bwrap: settings.bwrap, socat: settings.socat, policy: { hidden: [], shownAgain: [], hiddenAgain: [] }, statusFd }).wrap({
      command: 'true',
      args: [],
      cwd: '/',
      env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
      writable: [],
      // Its status goes to the probe's stdout (/dev/null): only whether bwrap takes the option counts.
      ...(statusFd ? { statusFd: 1 } : {}),
    });
    return problemRunning(spec.command, spec.args);
  };
  // `--json-status-fd` (bubblewrap 0.5 and later) first; an older bubblewrap sandboxes without it.
  const withStatus = probe(true) === null;
  const problem = (withStatus ? null : probe(false)) ?? problemRunning(settings.socat, ['-V']);
  if (problem === null) return bubblewrapSandbox({ bwrap: settings.bwrap, socat: settings.socat, policy: settings.policy, statusFd: withStatus });
  if (settings.allowUnsandboxed) return unconfinedSandbox;
  return {
    kind: 'unavailable',
    reason: `this node cannot sandbox agents (${problem}): install bubblewrap and socat (Debian: apt-get install bubblewrap socat), or set FLOTILLA_UNSAFE_NO_SANDBOX=1 to run agents unconfined`,
  };
}
