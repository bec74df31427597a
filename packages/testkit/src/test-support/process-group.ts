/**
 * Sends `signal` to every process of the process group led by `pgid`.
 *
 * @returns false when the group no longer exists
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until no process of the group `pgid` is left, polling every 50 ms; sends SIGKILL to the
 * group when some are still there after `timeoutMs` milliseconds.
 */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (signalGroup(pgid, 0)) {
    if (Date.now() >= deadline) {
      signalGroup(pgid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
