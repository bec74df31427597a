/**
 * A primary action with a chevron that opens a menu of secondary actions (GitHub's PR button).
 * The menu closes on Escape, on a click outside, and after choosing; arrow keys move in it.
 */
import { useEffect, useId, useRef, useState } from 'react';

interface Option {
  label: string;
  onSelect(): void;
}

interface Props {
  label: string;
  onPrimary(): void;
  options: Option[];
  disabled?: boolean;
  menuLabel: string;
}

export function SplitButton({ label, onPrimary, options, disabled = false, menuLabel }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    root.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const onMenuKey = (event: React.KeyboardEvent) => {
    const items = [...(root.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      setOpen(false);
      root.current?.querySelector<HTMLButtonElement>('.split-toggle')?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = (index + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[next]?.focus();
    }
  };

  return (
    <div className="split" ref={root}>
      <button type="button" className="primary split-main" onClick={onPrimary} disabled={disabled}>
        {label}
      </button>
      <button
        type="button"
        className="primary split-toggle"
        aria-label={menuLabel}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        disabled={disabled}
        onClick={() => setOpen((v) => !v)}
      >
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="split-menu" role="menu" id={menuId} onKeyDown={onMenuKey}>
          {options.map((option) => (
            <button
              key={option.label}
              type="button"
              role="menuitem"
              onClick={() => {
                setOpen(false);
                option.onSelect();
              }}
            >
              {option.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
