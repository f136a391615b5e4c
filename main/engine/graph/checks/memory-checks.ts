/** The run's peak-memory estimate from the headers of the models and LoRAs it reads (see memory-estimate.ts). */
import { PROBLEM_CODES, type Problem } from '../../../../shared/graph/problems.js';
import { NODE_TYPES } from '../../../../shared/nodes/catalogue/index.js';
import { elementCount } from '../../tensor-io/dtypes.js';
import type { MemoryCheck } from '../executor.js';
import { memoryCheck, type MemoryInputs } from '../memory-estimate.js';
import type { CheckContext } from './check-context.js';
import { loadPath } from './load-checks.js';
import type { OpenedInputs } from './opened-inputs.js';

export async function memoryInputs(ctx: CheckContext, opened: OpenedInputs, workers: number, windowBytes?: number): Promise<MemoryInputs> {
  let largest = 0;
  let modelBytes = 0;
  let loraFileBytes = 0;
  let modelsPerTensor = 1;
  for (const node of ctx.doc.nodes) {
    if (!ctx.analysis.active.has(node.id)) continue;
    if (node.type === NODE_TYPES.mergeModels) modelsPerTensor = Math.max(modelsPerTensor, ctx.analysis.validEdges.some((e) => e.target === node.id && e.targetPort === 'c') ? 3 : 2);
    if (node.type === NODE_TYPES.extractLora) modelsPerTensor = Math.max(modelsPerTensor, 2);
    const file = node.type === NODE_TYPES.loadModel || node.type === NODE_TYPES.loadLora ? loadPath(ctx, node.id) : undefined;
    if (!file) continue;
    if (node.type === NODE_TYPES.loadModel) {
      const r = await opened.base(file);
      if (!r.ok) continue;
      for (const e of r.value.source.entries) {
        largest = Math.max(largest, elementCount(e.shape));
        modelBytes += e.byteLength;
      }
    } else {
      const r = await opened.lora(file);
      if (r.ok) loraFileBytes += r.value.fileBytes;
    }
  }
  return { largestTensorElements: largest, modelsPerTensor, modelBytes, loraFileBytes, workers, ...(windowBytes ? { windowBytes } : {}) };
}

export function memoryProblem(check: MemoryCheck): Problem | undefined {
  if (check.estimatedPeakBytes <= check.availableBytes) return undefined;
  const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;
  return {
    severity: 'error',
    code: PROBLEM_CODES.insufficientMemory,
    message: `This run needs about ${gib(check.estimatedPeakBytes)} of memory but ${gib(check.availableBytes)} is available (${check.breakdown ?? 'estimate'}).`,
    hint: 'Close other programs, use fewer workers (LORA_STUDIO_WORKERS=1), or run on a machine with more memory.',
  };
}

export async function checkMemory(ctx: CheckContext, opened: OpenedInputs, workers: number, availableBytes: number, windowBytes?: number): Promise<MemoryCheck> {
  return memoryCheck(await memoryInputs(ctx, opened, workers, windowBytes), availableBytes);
}
