/**
 * Reconnect scheduling for the app's WebSockets to a node (agent stream, terminal): after a
 * drop, `connect` runs again after 500 ms, then doubling up to 5 s; a connection that opens
 * resets the delay. `stop()` cancels a pending attempt and makes later `retry()` calls no-ops
 * (the component is gone).
 */
export const RECONNECT_INITIAL_MS = 500;
export const RECONNECT_MAX_MS = 5_000;

export interface Reconnector {
  /** Schedule the next attempt (no-op once stopped). */
  retry(): void;
  /** A connection opened: the next drop starts from the initial delay again. */
  reset(): void;
  stop(): void;
  readonly stopped: boolean;
}

export function createReconnector(connect: () => void, initialMs = RECONNECT_INITIAL_MS, maxMs = RECONNECT_MAX_MS): Reconnector {
  let delayMs = initialMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  return {
    retry() {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(connect, delayMs);
      delayMs = Math.min(delayMs * 2, maxMs);
    },
    reset() {
      delayMs = initialMs;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    get stopped() {
      return stopped;
    },
  };
}
