import { EngineError, throwIfAborted } from '../../errors.js';
import { defineTask } from '../task.js';

export interface PingPayload {
  /** Returned as `echo` (transferred back). */
  echo?: ArrayBuffer;
  /** Wait this long before answering, stopping early when cancelled. */
  delayMs?: number;
  /** Block the thread this long, ignoring cancellation (what a handler that never checks its signal does). */
  busyMs?: number;
  /** Fail with this EngineError instead of answering. */
  fail?: { code: string; message: string; file?: string; tensor?: string; module?: string; node?: string; hint?: string };
  /** End the worker thread abruptly, as a crash would. */
  crash?: boolean;
}

export interface PingResult {
  threadId: number;
  backend: string;
  echo?: ArrayBuffer;
}

/**
 * Diagnostics of the pool's channels (transfer, scheduling, cancellation, errors, crashes): which thread
 * answered, on which backend. Used by the tests and by anyone checking an installation.
 */
export const pingTask = defineTask<PingPayload, PingResult>(async (payload, ctx) => {
  if (payload.crash) process.exit(70);
  if (payload.busyMs) {
    const end = Date.now() + payload.busyMs;
    while (Date.now() < end) {
      // spin: the point is not to yield
    }
  }
  if (payload.delayMs) await sleep(payload.delayMs, ctx.signal);
  throwIfAborted(ctx.signal);
  if (payload.fail) {
    const { code, message, ...details } = payload.fail;
    throw new EngineError(code, message, details);
  }
  const result: PingResult = { threadId: ctx.threadId, backend: ctx.backend.name };
  if (payload.echo) result.echo = payload.echo;
  return { result, transfer: payload.echo ? [payload.echo] : [] };
});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
