import { useEffect, useRef, useState, type ReactNode } from 'react';

interface Props {
  readonly label: string;
  readonly title?: string;
  /** Called each time the menu opens (to load recent files, examples). */
  readonly onOpen?: () => void;
  readonly children: (close: () => void) => ReactNode;
}

/** A toolbar button with a drop-down menu; closes on Escape, on outside click and after a choice. */
export function Menu({ label, title, onOpen, children }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('pointerdown', onDown);
    return () => window.removeEventListener('pointerdown', onDown);
  }, [open]);
  const close = (): void => setOpen(false);
  return (
    <div className="menu-anchor" ref={root} onKeyDown={(e) => e.key === 'Escape' && (close(), e.stopPropagation())}>
      <button
        type="button"
        className="btn"
        aria-haspopup="menu"
        aria-expanded={open}
        title={title}
        onClick={() => {
          if (!open) onOpen?.();
          setOpen(!open);
        }}
      >
        {label} ▾
      </button>
      {open && (
        <div className="menu" role="menu" aria-label={label}>
          {children(close)}
        </div>
      )}
    </div>
  );
}
