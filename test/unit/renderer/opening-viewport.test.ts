import { describe, expect, it } from 'vitest';
import { openingViewport, READABLE_ZOOM } from '../../../renderer/src/canvas/use-fit-on-load.js';

const FIT = { padding: 0.15, maxZoom: 1.2 };
const canvas = { width: 720, height: 510 };

describe('openingViewport', () => {
  it('fits a small graph in view, centred, at a zoom that is readable', () => {
    const bounds = { x: 0, y: 0, width: 500, height: 300 };
    const v = openingViewport(bounds, canvas, FIT);
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(v.zoom).toBeLessThanOrEqual(FIT.maxZoom);
    // Centred: the graph's centre is at the canvas centre.
    expect(v.x + (bounds.x + bounds.width / 2) * v.zoom).toBeCloseTo(canvas.width / 2, 5);
    expect(v.y + (bounds.y + bounds.height / 2) * v.zoom).toBeCloseTo(canvas.height / 2, 5);
  });

  it('opens a graph too big to fit readably at the readable zoom, its top-left corner in view', () => {
    const bounds = { x: -40, y: 100, width: 1960, height: 700 };
    const v = openingViewport(bounds, canvas, FIT);
    expect(v.zoom).toBe(READABLE_ZOOM);
    const left = v.x + bounds.x * v.zoom;
    const top = v.y + bounds.y * v.zoom;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(50);
    expect(top).toBeGreaterThan(0);
    expect(top).toBeLessThan(50);
  });

  it('a graph that fits only at slightly under the readable zoom without padding is still shown whole, centred', () => {
    // Fitting with padding would give a zoom under 0.8, but at 0.8 the graph itself still fits.
    const bounds = { x: 0, y: 0, width: 850, height: 400 };
    const v = openingViewport(bounds, canvas, FIT);
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(v.x).toBeGreaterThanOrEqual(0);
    expect(v.x + bounds.width * v.zoom).toBeLessThanOrEqual(canvas.width);
  });
});
