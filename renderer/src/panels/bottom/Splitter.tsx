import type { KeyboardEvent, PointerEvent } from 'react';
import { useAppStore } from '../../store/store-context.js';

const STEP = 40;

/** Drag (or arrow keys) to resize the bottom panel. */
export function Splitter() {
  const height = useAppStore((s) => s.bottomHeight);
  const setHeight = useAppStore((s) => s.setBottomHeight);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    const startY = e.clientY;
    const startHeight = height;
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent): void => setHeight(startHeight + (startY - ev.clientY));
    const up = (): void => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowUp') setHeight(height + STEP);
    else if (e.key === 'ArrowDown') setHeight(height - STEP);
    else return;
    e.preventDefault();
  };
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the bottom panel"
      aria-valuenow={height}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}
