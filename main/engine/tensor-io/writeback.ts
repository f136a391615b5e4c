/**
 * Early writeback of an output being streamed. The kernel keeps written pages dirty in memory until they
 * pass its background threshold (10 % of RAM by default): a 2 GB model written on a machine with 24 GB
 * reaches the disk only at commit's fsync, after the compute has ended (SD 1.5 bake here: a 0.8–1.1 s fsync
 * at the end). Asking for writeback (fdatasync, the only such call Node has; there is no sync_file_range)
 * every step written moves that work into the bake, while the workers compute: the SD 1.5 bake went from
 * 3.2–4.0 s to 2.9–3.4 s on this project's VM (ext4 on virtio) with a 64 MiB step. (Before the workers copied
 * untouched tensors themselves the CPU was the bottleneck and the bake got slower with it.)
 * LORA_STUDIO_WRITEBACK_STEP_MB sets the step (0: none, all at commit's fsync). One request per file in
 * flight at a time; failures are ignored here (commit's fsync reports them).
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Default bytes written to a file between two writeback requests (see above). */
export const WRITEBACK_STEP_BYTES = 64 * 1024 * 1024;

/** The step: LORA_STUDIO_WRITEBACK_STEP_MB when set to a number ≥ 0 (0: off), else the default. */
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
