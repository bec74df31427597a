/**
 * A destructive action that asks first (issue 17, item 6): the first click turns the button into
 * an inline question — "Cancel task? [Yes, cancel] [Keep]" — and only "Yes" acts. The question
 * takes the focus on "Keep" (the safe answer); Escape or "Keep" puts the button back and returns
 * the focus to it. Used for Cancel (task), Delete (workspace), Destroy (node) and Remove
 * (credentials).
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface ConfirmButtonProps {
  /** The button's text before it is pressed: "Cancel task". */
  children: ReactNode;
  /** The question asked: "Cancel task?". */
  question: string;
  /** The text of the button that acts: "Yes, cancel". */
  confirmLabel: string;
  /** The text of the button that backs out (default "Keep"). */
  keepLabel?: string;
  /** Called once "Yes" is pressed. */
  onConfirm(): void;
  disabled?: boolean;
  className?: string;
  /** Accessible name of the first button, when its text alone is ambiguous. */
  'aria-label'?: string;
}

export function ConfirmButton({ children, question, confirmLabel, keepLabel = 'Keep', onConfirm, disabled = false, className, 'aria-label': ariaLabel }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (asking) keep.current?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      trigger.current?.focus();
    }
  }, [asking]);

  const back = () => {
    returnFocus.current = true;
    setAsking(false);
  };

  if (!asking) {
    return (
      <button type="button" ref={trigger} className={className} disabled={disabled} aria-label={ariaLabel} onClick={() => setAsking(true)}>
        {children}
      </button>
    );
  }
  return (
    <span
      className="confirm"
      role="group"
      aria-label={question}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          back();
        }
      }}
    >
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" ref={keep} onClick={back}>
        {keepLabel}
      </button>
    </span>
  );
}
