/** One kernel per node definition of the catalogue (test/unit/graph/kernels.test.ts keeps the lists equal). */
import type { Kernel } from '../kernel.js';
import { KernelRegistry } from '../kernel-registry.js';
import { applyLoraKernel } from './apply-lora.js';
import { bakeLorasKernel } from './bake-loras.js';
import { blockWeightsKernel } from './block-weights.js';
import { combineLorasKernel } from './combine-loras.js';
import { extractLoraKernel } from './extract-lora.js';
import { inspectKernel } from './inspect.js';
import { loadLoraKernel } from './load-lora.js';
import { loadModelKernel } from './load-model.js';
import { mergeModelsKernel } from './merge-models.js';
import { newLoraKernel } from './new-lora.js';
import { noteKernel } from './note.js';
import { probeKernel } from './probe.js';
import { resizeRankKernel } from './resize-rank.js';
import { saveLoraKernel } from './save-lora.js';
import { saveModelKernel } from './save-model.js';
import { saveReportKernel } from './save-report.js';
import { scaleLoraKernel } from './scale-lora.js';
import { selectLoraLayersKernel } from './select-lora-layers.js';
import { selectModelLayersKernel } from './select-model-layers.js';

export const KERNELS: readonly Kernel[] = [
  loadModelKernel,
  loadLoraKernel,
  newLoraKernel,
  scaleLoraKernel,
  blockWeightsKernel,
  selectLoraLayersKernel,
  resizeRankKernel,
  extractLoraKernel,
  combineLorasKernel,
  applyLoraKernel,
  bakeLorasKernel,
  mergeModelsKernel,
  selectModelLayersKernel,
  saveModelKernel,
  saveLoraKernel,
  saveReportKernel,
  inspectKernel,
  probeKernel,
  noteKernel,
];

export function createKernelRegistry(kernels: readonly Kernel[] = KERNELS): KernelRegistry {
  return new KernelRegistry(kernels);
}
