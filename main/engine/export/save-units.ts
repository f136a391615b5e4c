/**
 * What Save Model streams, in output order: computed tensors one by one, and untouched tensors that lie
 * end to end both in the base and in the output gathered into byte ranges that a worker copies itself
 * (tensor-io/range-copy.ts). A long run is split into pieces of similar size, so every worker takes a share.
 */
import { isVerbatimCopy, type TensorJob } from '../ops/apply/patch-spec.js';
import type { RangeCopy } from '../tensor-io/range-copy.js';
import type { TensorPlacement } from '../tensor-io/tensor-writer.js';

export type SaveUnit =
  | { readonly type: 'tensor'; readonly job: TensorJob }
  /** `completes`: the tensors whose last byte is in this range, in order (a tensor split over pieces is listed in its last). */
  | { readonly type: 'range'; readonly range: RangeCopy; readonly completes: readonly TensorJob[] };

interface Run {
  readonly src: string;
  readonly srcOffset: number;
  readonly dst: string;
  readonly dstOffset: number;
  length: number;
  readonly jobs: TensorJob[];
}

function describe(jobs: readonly TensorJob[]): string {
  const first = JSON.stringify(jobs[0]?.entry.name ?? '');
  return jobs.length === 1 ? `tensor ${first}` : `tensors ${first} … ${JSON.stringify(jobs[jobs.length - 1]!.entry.name)}`;
}

function pieces(run: Run, maxBytes: number): SaveUnit[] {
  const count = Math.max(1, Math.ceil(run.length / maxBytes));
  const size = Math.ceil(run.length / count);
  const units: SaveUnit[] = [];
  let next = 0;
  let tensorEnd = 0;
  // size·(count − 1) < length, so no piece is empty (an empty run is one empty piece, completing its empty tensors).
  for (let k = 0; k < count; k++) {
    const start = k * size;
    const end = Math.min(run.length, start + size);
    const completes: TensorJob[] = [];
    while (next < run.jobs.length && tensorEnd + run.jobs[next]!.entry.byteLength <= end) {
      tensorEnd += run.jobs[next]!.entry.byteLength;
      completes.push(run.jobs[next++]!);
    }
    const covering = completes.length > 0 ? completes : [run.jobs[next]!];
    units.push({ type: 'range', completes, range: { src: run.src, srcOffset: run.srcOffset + start, dst: run.dst, dstOffset: run.dstOffset + start, length: end - start, what: describe(covering) } });
  }
  return units;
}

/** The units for `jobs` (in output order); `placement` says where each tensor goes. */
export function planSaveUnits(jobs: readonly TensorJob[], placement: (name: string) => TensorPlacement, maxRangeBytes: number): SaveUnit[] {
  const units: SaveUnit[] = [];
  let run: Run | undefined;
  const flush = (): void => {
    if (run) units.push(...pieces(run, maxRangeBytes));
    run = undefined;
  };
  for (const job of jobs) {
    if (!isVerbatimCopy(job)) {
      flush();
      units.push({ type: 'tensor', job });
      continue;
    }
    const { entry } = job;
    const at = placement(entry.name);
    if (run && run.src === entry.file && run.srcOffset + run.length === entry.dataOffset && run.dst === at.file && run.dstOffset + run.length === at.offset) {
      run.jobs.push(job);
      run.length += entry.byteLength;
      continue;
    }
    flush();
    run = { src: entry.file, srcOffset: entry.dataOffset, dst: at.file, dstOffset: at.offset, length: entry.byteLength, jobs: [job] };
  }
  flush();
  return units;
}
