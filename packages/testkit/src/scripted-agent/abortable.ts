/**
 * Waits `ms` milliseconds, or less when `signal` aborts first.
 *
 * @param ms time to wait, in milliseconds
 * @param signal ends the wait early when aborted
 * @returns true when the full time elapsed, false when the signal ended the wait
 */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
