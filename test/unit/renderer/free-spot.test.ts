import { describe, expect, it } from 'vitest';
import { freeSpot } from '../../../renderer/src/graph/free-spot.js';

const size = { width: 260, height: 120 };

describe('freeSpot', () => {
  it('keeps the wanted point when nothing is there', () => {
    expect(freeSpot({ x: 100, y: 50 }, size, [{ x: 600, y: 600, ...size }])).toEqual({ x: 100, y: 50 });
  });

  it('moves off a node that is there, to the nearest free cell, and never onto another node', () => {
    const taken = [{ x: 100, y: 50, ...size }];
    const p = freeSpot({ x: 100, y: 50 }, size, taken);
    expect(p).not.toEqual({ x: 100, y: 50 });
    // The nearest ring: one node height + gap above or below.
    expect(Math.abs(p.y - 50) + Math.abs(p.x - 100)).toBe(140);
    const many = [taken[0]!, { x: 100, y: 190, ...size }, { x: 100, y: -90, ...size }];
    const q = freeSpot({ x: 100, y: 50 }, size, many);
    for (const t of many) expect(q.x + size.width + 20 <= t.x || t.x + t.width + 20 <= q.x || q.y + size.height + 20 <= t.y || t.y + t.height + 20 <= q.y).toBe(true);
  });

  it('prefers a free cell inside the visible bounds', () => {
    const p = freeSpot({ x: 0, y: 0 }, size, [{ x: 0, y: 0, ...size }], { x: 0, y: 0, width: 700, height: 200 });
    expect(p).toEqual({ x: 280, y: 0 });
  });
});
