import { useCallback } from 'react';

/** The last pointer position over the canvas (screen coordinates): where Paste puts nodes. */
let lastPointer: { x: number; y: number } | null = null;

export function usePointerTracker() {
  return useCallback((e: { clientX: number; clientY: number }) => {
    lastPointer = { x: e.clientX, y: e.clientY };
  }, []);
}

export function lastCanvasPointer(): { x: number; y: number } | null {
  return lastPointer;
}

export function forgetCanvasPointer(): void {
  lastPointer = null;
}
