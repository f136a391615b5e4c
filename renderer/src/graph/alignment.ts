/**
 * Alignment snapping while dragging one node: its left/centre/right and top/middle/bottom edges snap to
 * those of other nodes within a threshold, and the guide lines to draw are returned.
 */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Snapped {
  readonly x: number;
  readonly y: number;
  /** Flow x of a vertical guide line, if snapped horizontally. */
  readonly vertical: number | null;
  /** Flow y of a horizontal guide line, if snapped vertically. */
  readonly horizontal: number | null;
}

const anchors = (start: number, size: number): number[] => [start, start + size / 2, start + size];

function best(moving: number[], others: number[][], threshold: number): { delta: number; line: number } | null {
  let found: { delta: number; line: number } | null = null;
  for (const o of others) {
    for (const m of moving) {
      for (const line of o) {
        const delta = line - m;
        if (Math.abs(delta) <= threshold && (found === null || Math.abs(delta) < Math.abs(found.delta))) found = { delta, line };
      }
    }
  }
  return found;
}

export function snapToNeighbours(moving: Box, others: readonly Box[], threshold: number): Snapped {
  const sx = best(anchors(moving.x, moving.width), others.map((o) => anchors(o.x, o.width)), threshold);
  const sy = best(anchors(moving.y, moving.height), others.map((o) => anchors(o.y, o.height)), threshold);
  return { x: moving.x + (sx?.delta ?? 0), y: moving.y + (sy?.delta ?? 0), vertical: sx?.line ?? null, horizontal: sy?.line ?? null };
}
