/**
 * Peak memory of a run, estimated before it starts (DESIGN.md §9): streaming keeps it at about
 *   what this process holds now
 *   + per worker: its runtime (tfjs, wasm heap) and the largest tensor in fp32 three times over
 *     (the base weight, one delta, the rounded output; merges of several models hold one more per model)
 *   + the export window (tensors between read and write, at least one whole tensor)
 *   + the LoRAs' factors held in memory (combined / resized / new LoRAs), counted as the LoRA files in fp32.
 * It is an estimate, deliberately on the high side; a run is refused when it exceeds the memory available.
 */
import os from 'node:os';
import { EngineError } from '../errors.js';
import { parseByteSize } from '../tensor-io/byte-size.js';
import type { MemoryCheck } from './executor.js';

export interface MemoryInputs {
  /** Elements of the largest tensor of any model the run streams (0 without models). */
  readonly largestTensorElements: number;
  /** Models read per output tensor (1, or 2–3 with Merge Models). */
  readonly modelsPerTensor: number;
  /** Bytes of all model tensors the run streams (the window never exceeds it). */
  readonly modelBytes: number;
  /** Bytes of the LoRA files the run reads (fp16 usually: doubled for fp32). */
  readonly loraFileBytes: number;
  readonly workers: number;
  readonly windowBytes?: number;
}

export const DEFAULT_WINDOW_BYTES = 256 * 2 ** 20;
const WORKER_RUNTIME_BYTES = 96 * 2 ** 20;
const fmt = (b: number): string => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${Math.ceil(b / 2 ** 20)} MiB`);

export function estimatePeakMemory(i: MemoryInputs, processBytes = process.memoryUsage().rss): { bytes: number; breakdown: string } {
  const fp32 = i.largestTensorElements * 4;
  const perWorker = WORKER_RUNTIME_BYTES + fp32 * (2 + i.modelsPerTensor);
  const window = Math.max(Math.min(i.windowBytes ?? DEFAULT_WINDOW_BYTES, i.modelBytes), fp32 * 3);
  const loras = i.loraFileBytes * 2;
  const bytes = processBytes + i.workers * perWorker + window + loras;
  const breakdown = `this process ${fmt(processBytes)} + ${i.workers} worker${i.workers === 1 ? '' : 's'} × ${fmt(perWorker)} + export window ${fmt(window)} + LoRAs ${fmt(loras)}`;
  return { bytes, breakdown };
}

/** Memory the run may use: env LORA_STUDIO_MEMORY_LIMIT when set ("8GB"), else what the OS reports free. */
export function availableMemory(env: NodeJS.ProcessEnv = process.env): number {
  const limit = env.LORA_STUDIO_MEMORY_LIMIT;
  if (limit !== undefined && limit !== '') {
    try {
      const bytes = parseByteSize(limit);
      if (bytes > 0) return bytes;
    } catch (err) {
      throw new EngineError('bad-memory-limit', `LORA_STUDIO_MEMORY_LIMIT="${limit}" is not a size.`, { hint: 'Write it like 8GB or 512MiB.', cause: err });
    }
    throw new EngineError('bad-memory-limit', `LORA_STUDIO_MEMORY_LIMIT="${limit}" is not a positive size.`, { hint: 'Write it like 8GB or 512MiB.' });
  }
  return os.freemem();
}

export function memoryCheck(i: MemoryInputs, availableBytes: number): MemoryCheck {
  const { bytes, breakdown } = estimatePeakMemory(i);
  return { estimatedPeakBytes: bytes, availableBytes, breakdown };
}
