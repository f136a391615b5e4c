/**
 * Byte buffers reused across the tensors of a save: a tensor's bytes (read here, or computed by a worker into
 * a buffer sent with the job) go back to the pool once written. A fresh ArrayBuffer per tensor costs page
 * faults to zero it, and gigabytes of transferred buffers waiting for the main thread's GC (which the external
 * memory they hold makes run over and over); recycled ones cost neither. Free buffers are kept up to
 * `maxFreeBytes`, the least recently returned dropped first.
 */
const GRAIN = 64 * 1024;

export class BufferPool {
  private free: ArrayBuffer[] = [];
  private freeBytes = 0;

  constructor(private readonly maxFreeBytes: number) {}

  /** A view of exactly `bytes` bytes over a free buffer at most a quarter larger, or over a new one. */
  take(bytes: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i]!.byteLength;
      if (size >= bytes && size <= bytes + bytes / 4 + GRAIN && (best < 0 || size < this.free[best]!.byteLength)) best = i;
    }
    if (best < 0) return new Uint8Array(new ArrayBuffer(Math.ceil(bytes / GRAIN) * GRAIN), 0, bytes);
    const [buffer] = this.free.splice(best, 1);
    this.freeBytes -= buffer!.byteLength;
    return new Uint8Array(buffer!, 0, bytes);
  }

  /** Returns the buffer under `view` (ignored when it was transferred away, i.e. detached). */
  give(view: Uint8Array): void {
    const buffer = view.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0 || this.free.includes(buffer)) return;
    this.free.push(buffer);
    this.freeBytes += buffer.byteLength;
    while (this.freeBytes > this.maxFreeBytes && this.free.length > 0) this.freeBytes -= this.free.shift()!.byteLength;
  }

  get heldBytes(): number {
    return this.freeBytes;
  }
}
