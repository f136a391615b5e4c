import { ViewportPortal } from '@xyflow/react';

/** Guide lines (flow coordinates) while a dragged node is snapped into alignment with another. */
export function HelperLines({ vertical, horizontal }: { readonly vertical: number | null; readonly horizontal: number | null }) {
  if (vertical === null && horizontal === null) return null;
  return (
    <ViewportPortal>
      {vertical !== null && <div className="helper-line vertical" style={{ transform: `translateX(${vertical}px)` }} aria-hidden="true" />}
      {horizontal !== null && <div className="helper-line horizontal" style={{ transform: `translateY(${horizontal}px)` }} aria-hidden="true" />}
    </ViewportPortal>
  );
}
