/**
 * Callers of `MessageOutbox.drain` waiting for a workspace to have nothing pending. The outbox
 * reports each workspace's pending count after it deletes rows; waiters resolve when it is 0,
 * reject when their timeout passes or the outbox stops.
 */
import { OutboxDrainError } from './errors.js';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export class DrainWaiters {
  private readonly byWorkspace = new Map<string, Set<Waiter>>();

  /**
   * Wait until `settle(workspaceId, 0)` is reported.
   *
   * @param timeoutMs reject after this many milliseconds; undefined waits without limit.
   * @param pendingNow reads the workspace's pending count, for the timeout error's message.
   * @returns a promise rejected with `OutboxDrainError` on timeout.
   */
  wait(workspaceId: string, timeoutMs: number | undefined, pendingNow: () => number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.remove(workspaceId, waiter);
          const pending = pendingNow();
          reject(
            new OutboxDrainError(
              workspaceId,
              pending,
              `outbox drain of workspace ${workspaceId} timed out after ${timeoutMs} ms ` +
                `with ${pending} message(s) still pending`,
            ),
          );
        }, timeoutMs);
      }
      const waiters = this.byWorkspace.get(workspaceId) ?? new Set<Waiter>();
      waiters.add(waiter);
      this.byWorkspace.set(workspaceId, waiters);
    });
  }

  /** Workspaces someone is waiting for. */
  workspaceIds(): string[] {
    return [...this.byWorkspace.keys()];
  }

  /** Report `pending` messages for `workspaceId`; at 0 every waiter for it resolves. */
  settle(workspaceId: string, pending: number): void {
    if (pending > 0) return;
    const waiters = this.byWorkspace.get(workspaceId);
    if (!waiters) return;
    this.byWorkspace.delete(workspaceId);
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  /** Reject every waiter with `OutboxDrainError` (the outbox is stopping). */
  rejectAll(reason: string, pendingNow: (workspaceId: string) => number): void {
    for (const [workspaceId, waiters] of this.byWorkspace) {
      const pending = pendingNow(workspaceId);
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(
          new OutboxDrainError(
            workspaceId,
            pending,
            `outbox drain of workspace ${workspaceId} ended with ${pending} message(s) pending: ${reason}`,
          ),
        );
      }
    }
    this.byWorkspace.clear();
  }

  private remove(workspaceId: string, waiter: Waiter): void {
    const waiters = this.byWorkspace.get(workspaceId);
    waiters?.delete(waiter);
    if (waiters?.size === 0) this.byWorkspace.delete(workspaceId);
  }
}
