/**
 * A button that copies a text to the clipboard and says so: "Copied" on the button for a few
 * seconds, and in a status line for screen readers (kept until the next copy); when the browser refuses (no clipboard in a page served over plain
 * http), it says to select the text instead.
 */
import { useEffect, useState } from 'react';

/** How long "Copied" stays on the button (ms). */
const COPIED_SHOWN_MS = 2000;

interface Props {
  text: string;
  /** The button's words, e.g. "Copy branch". */
  label: string;
  /** What is copied, for screen readers (e.g. "the branch name"). */
  what: string;
}

export function CopyButton({ text, label, what }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  // What screen readers were told: kept after the button's own words go back (the last outcome).
  const [announced, setAnnounced] = useState<'copied' | 'failed' | null>(null);

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), COPIED_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
      setAnnounced('copied');
    } catch {
      setState('failed');
      setAnnounced('failed');
    }
  };

  return (
    <>
      <button type="button" className="copy-button" onClick={() => void copy()} data-state={state}>
        {state === 'copied' ? 'Copied' : label}
        <span className="visually-hidden"> ({what})</span>
      </button>
      <span role="status" className={announced === 'failed' ? 'small warning' : 'visually-hidden'}>
        {announced === 'copied' ? `Copied ${what} to the clipboard.` : announced === 'failed' ? 'The browser did not allow copying: select the text and copy it.' : ''}
      </span>
    </>
  );
}
