/**
 * Success notices that clear (issue 17, item 6): "Settings saved." and the like show for
 * {@link NOTICE_VISIBLE_MS} and then go away, or sooner on the next edit. Errors are not shown
 * through this: they stay until the problem is fixed.
 */
import { useEffect, useMemo, useState } from 'react';

/** How long a success notice stays on screen, in ms. */
export const NOTICE_VISIBLE_MS = 4_000;

/** A notice that hides itself: `show` starts (or restarts) its time, `clear` hides it now. */
export interface NoticeTimer {
  show(text: string): void;
  clear(): void;
  /** Stops the pending timer (on unmount). */
  dispose(): void;
}

/**
 * The timing behind {@link useTransientNotice}, free of React so it can be unit-tested.
 *
 * @param onChange called with the text to show, or null when the notice goes away
 * @param visibleMs how long a notice stays, in ms
 */
export function createNoticeTimer(onChange: (text: string | null) => void, visibleMs: number = NOTICE_VISIBLE_MS): NoticeTimer {
  let handle: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (handle !== null) clearTimeout(handle);
    handle = null;
  };
  return {
    show(text) {
      stop();
      onChange(text);
      handle = setTimeout(() => {
        handle = null;
        onChange(null);
      }, visibleMs);
    },
    clear() {
      stop();
      onChange(null);
    },
    dispose: stop,
  };
}

/**
 * A success notice shown for `visibleMs`: `show(text)` shows it, `clear()` hides it now (call it
 * on the next edit).
 *
 * @param visibleMs how long a notice stays, in ms (default {@link NOTICE_VISIBLE_MS})
 */
export function useTransientNotice(visibleMs: number = NOTICE_VISIBLE_MS): { notice: string | null; show(text: string): void; clear(): void } {
  const [notice, setNotice] = useState<string | null>(null);
  const timer = useMemo(() => createNoticeTimer(setNotice, visibleMs), [visibleMs]);
  useEffect(() => () => timer.dispose(), [timer]);
  return { notice, show: timer.show, clear: timer.clear };
}
