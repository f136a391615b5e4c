/** What every long-running engine operation receives: cancellation, progress and a log. */
export interface ProgressUpdate {
  /** 0..1 of the whole operation. */
  fraction: number;
  /** What is happening now ("tensor 412/2515: model.diffusion_model…"). */
  message?: string;
}

export interface RunContext {
  signal?: AbortSignal;
  onProgress?: (update: ProgressUpdate) => void;
  /** Human-readable lines (warnings, decisions) that shells show; never required for correctness. */
  log?: (line: string) => void;
}
