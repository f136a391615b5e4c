/** Where a new node goes: the point asked for when it is free, else the nearest free cell around it. */

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const GAP = 20;

const overlaps = (a: Rect, b: Rect): boolean => a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP;

/**
 * The top-left for a `size` node near `at` (its wanted top-left) that overlaps none of `taken` (with a gap),
 * searching rings of cells of the node's size around `at`, nearest first; inside `bounds` when given (the
 * visible part of the canvas, so the node does not land under a panel) as long as a free cell is there.
 */
export function freeSpot(at: { x: number; y: number }, size: { width: number; height: number }, taken: readonly Rect[], bounds?: Rect): { x: number; y: number } {
  const stepX = size.width + GAP;
  const stepY = size.height + GAP;
  const inside = (r: Rect): boolean => !bounds || (r.x >= bounds.x && r.y >= bounds.y && r.x + r.width <= bounds.x + bounds.width && r.y + r.height <= bounds.y + bounds.height);
  let fallback: { x: number; y: number } | undefined;
  for (let ring = 0; ring <= 12; ring++) {
    const cells: { x: number; y: number; d: number }[] = [];
    for (let i = -ring; i <= ring; i++) {
      for (let j = -ring; j <= ring; j++) {
        if (Math.max(Math.abs(i), Math.abs(j)) !== ring) continue;
        cells.push({ x: at.x + i * stepX, y: at.y + j * stepY, d: Math.hypot(i * stepX, j * stepY) });
      }
    }
    cells.sort((a, b) => a.d - b.d);
    for (const c of cells) {
      const r = { x: c.x, y: c.y, width: size.width, height: size.height };
      if (taken.some((t) => overlaps(r, t))) continue;
      if (inside(r)) return { x: Math.round(c.x), y: Math.round(c.y) };
      fallback ??= { x: Math.round(c.x), y: Math.round(c.y) };
    }
  }
  return fallback ?? { x: Math.round(at.x), y: Math.round(at.y) };
}
