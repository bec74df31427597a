/**
 * Draw a long list newest-first in two steps: the first render takes only the last `first`
 * items (what a chat shows at its bottom), and the rest follow in a transition right after that
 * first paint — so the newest message of a long session is on screen without waiting for every
 * older one to be drawn (their markdown is the costly part), and the older ones are still there
 * to scroll to a moment later. Once everything is drawn, new items are drawn at once.
 */
import { startTransition, useEffect, useState } from 'react';

/** How many of a list's last items the first render draws. */
export const PROGRESSIVE_FIRST_ITEMS = 20;

/**
 * The part of `items` to draw now: its last `first` items until the rest has been drawn once.
 * `resetKey` (e.g. the session id) starts over with the first step when it changes.
 */
export function useProgressiveList<T>(items: readonly T[], resetKey: unknown, first = PROGRESSIVE_FIRST_ITEMS): readonly T[] {
  const [complete, setComplete] = useState<{ key: unknown; done: boolean }>({ key: resetKey, done: false });
  const done = complete.key === resetKey && complete.done;
  const needsSecondStep = !done && items.length > first;
  useEffect(() => {
    if (!needsSecondStep) return;
    // After the browser painted the first step: a frame, then the rest as a transition.
    const frame = requestAnimationFrame(() => startTransition(() => setComplete({ key: resetKey, done: true })));
    return () => cancelAnimationFrame(frame);
  }, [needsSecondStep, resetKey]);
  return needsSecondStep ? items.slice(-first) : items;
}
