import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../../main/engine/export/buffer-pool.js';

describe('BufferPool', () => {
  it('hands out views of exactly the size asked, and reuses a returned buffer for a similar size', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.take(100_000);
    expect(a.byteLength).toBe(100_000);
    const buffer = a.buffer;
    pool.give(a);
    expect(pool.heldBytes).toBe(buffer.byteLength);
    const b = pool.take(90_000);
    expect(b.buffer).toBe(buffer);
    expect(b.byteLength).toBe(90_000);
    expect(pool.heldBytes).toBe(0);
  });

  it('does not give a much larger buffer to a small request, and picks the best fit', () => {
    const pool = new BufferPool(64 << 20);
    const big = pool.take(8 << 20);
    const mid = pool.take(1 << 20);
    pool.give(big);
    pool.give(mid);
    expect(pool.take(100).buffer).not.toBe(big.buffer);
    expect(pool.take(900_000).buffer).toBe(mid.buffer);
    expect(pool.take(7 << 20).buffer).toBe(big.buffer);
  });

  it('ignores a buffer that was transferred away (detached) and one returned twice', () => {
    const pool = new BufferPool(64 << 20);
    const a = pool.take(1000);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    pool.give(a);
    expect(pool.heldBytes).toBe(0);
    const b = pool.take(1000);
    pool.give(b);
    pool.give(b);
    expect(pool.heldBytes).toBe(b.buffer.byteLength);
  });

  it('keeps at most maxFreeBytes, dropping the oldest', () => {
    const pool = new BufferPool(3 << 20);
    const bufs = [pool.take(1 << 20), pool.take(1 << 20), pool.take(1 << 20), pool.take(1 << 20)];
    for (const b of bufs) pool.give(b);
    expect(pool.heldBytes).toBe(3 << 20);
    expect(pool.take(1 << 20).buffer).not.toBe(bufs[0]!.buffer);
  });
});
