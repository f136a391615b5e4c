/**
 * Produce items concurrently, consume them strictly in order, with a bound on what is in flight (by count
 * and by bytes). The producer for item i starts only when the window has room; results are consumed as
 * soon as the item at the head is ready. A failure anywhere stops everything and is rethrown.
 */
import { throwIfAborted } from '../errors.js';

/** The exports' default bound on bytes in flight between compute and write (Save Model, Save LoRA). */
export const DEFAULT_WINDOW_BYTES = 256 * 1024 * 1024;

export interface OrderedStreamOptions {
  maxItems: number;
  maxBytes: number;
  signal?: AbortSignal;
}

export async function orderedStream<T, R>(
  items: readonly T[],
  produce: (item: T, index: number) => Promise<R>,
  cost: (item: T) => number,
  consume: (result: R, item: T, index: number) => Promise<void>,
  opts: OrderedStreamOptions,
): Promise<void> {
  const pending: { promise: Promise<R>; cost: number; index: number }[] = [];
  let inFlightBytes = 0;
  let next = 0;
  const drainOne = async (): Promise<void> => {
    const head = pending.shift()!;
    const result = await head.promise;
    inFlightBytes -= head.cost;
    await consume(result, items[head.index]!, head.index);
  };
  try {
    while (next < items.length) {
      throwIfAborted(opts.signal);
      const c = cost(items[next]!);
      while (pending.length > 0 && (pending.length >= opts.maxItems || inFlightBytes + c > opts.maxBytes)) await drainOne();
      const index = next++;
      const promise = produce(items[index]!, index);
      // Failures are rethrown where the item is awaited, in order; this keeps Node from reporting them early.
      promise.catch(() => undefined);
      pending.push({ promise, cost: c, index });
      inFlightBytes += c;
    }
    while (pending.length > 0) await drainOne();
  } finally {
    // On failure, let in-flight work settle so nothing runs on after we return.
    await Promise.allSettled(pending.map((p) => p.promise));
  }
}
