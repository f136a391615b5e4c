/**
 * Early writeback of an output being streamed. The kernel keeps written pages dirty in memory until they
 * pass its background threshold (10 % of RAM by default): a 2 GB model written on a machine with 24 GB then
 * reaches the disk only at commit's fsync, after the compute has ended, so the bake costs compute + the whole
 * disk write one after the other. Asking for writeback (fdatasync, the portable call Node has) every few tens
 * of MiB written keeps the disk busy while the workers compute, and commit's fsync finds little left to do.
 * One request per file in flight at a time; failures are ignored here (commit's fsync reports them).
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Default bytes written to a file between two writeback requests. */
export const WRITEBACK_STEP_BYTES = 64 * 1024 * 1024;

/** The step: LORA_STUDIO_WRITEBACK_STEP_MB when set (0 turns early writeback off, for comparisons), else the default. */
export function defaultWritebackStep(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.LORA_STUDIO_WRITEBACK_STEP_MB);
  return env.LORA_STUDIO_WRITEBACK_STEP_MB !== undefined && env.LORA_STUDIO_WRITEBACK_STEP_MB !== '' && Number.isFinite(mb) && mb >= 0 ? mb * 1024 * 1024 : WRITEBACK_STEP_BYTES;
}

interface FileState {
  handle: Promise<FileHandle | undefined>;
  pending: number;
  inFlight: Promise<void> | undefined;
}

export class WritebackPacer {
  private readonly files = new Map<string, FileState>();
  private closed = false;

  constructor(private readonly stepBytes: number = defaultWritebackStep()) {}

  /** `bytes` more were written to `file`: starts a writeback request when a step's worth is pending and none runs. */
  wrote(file: string, bytes: number): void {
    if (this.closed || this.stepBytes <= 0) return;
    let state = this.files.get(file);
    if (!state) {
      state = { handle: open(file, 'r+').catch(() => undefined), pending: 0, inFlight: undefined };
      this.files.set(file, state);
    }
    state.pending += bytes;
    this.pump(state);
  }

  /** Requests started so far (for tests and benchmarks). */
  requests = 0;

  private pump(state: FileState): void {
    if (state.inFlight || state.pending < this.stepBytes || this.closed) return;
    state.pending = 0;
    this.requests++;
    state.inFlight = state.handle
      .then((fh) => fh?.datasync())
      .catch(() => undefined)
      .then(() => {
        state.inFlight = undefined;
        this.pump(state);
      });
  }

  /** Waits for requests in flight and closes the descriptors (before commit renames or abort removes the files). */
  async close(): Promise<void> {
    this.closed = true;
    for (const state of this.files.values()) {
      await state.inFlight;
      await (await state.handle)?.close().catch(() => undefined);
    }
    this.files.clear();
  }
}
