/** One node impl per node definition of the catalogue (test/unit/graph/node-impls.test.ts keeps the lists equal). */
import type { NodeImpl } from '../node-impl.js';
import { NodeImplRegistry } from '../node-impl-registry.js';
import { applyLoraImpl } from './apply-lora.js';
import { bakeLorasKernel } from './bake-loras.js';
import { blockWeightsImpl } from './block-weights.js';
import { combineLorasImpl } from './combine-loras.js';
import { extractLoraImpl } from './extract-lora.js';
import { inspectImpl } from './inspect.js';
import { loadLoraImpl } from './load-lora.js';
import { loadModelImpl } from './load-model.js';
import { mergeModelsImpl } from './merge-models.js';
import { newLoraImpl } from './new-lora.js';
import { noteImpl } from './note.js';
import { probeImpl } from './probe.js';
import { resizeRankImpl } from './resize-rank.js';
import { saveLoraImpl } from './save-lora.js';
import { saveModelImpl } from './save-model.js';
import { saveReportImpl } from './save-report.js';
import { scaleLoraImpl } from './scale-lora.js';
import { selectLoraLayersImpl } from './select-lora-layers.js';
import { selectModelLayersImpl } from './select-model-layers.js';

export const NODE_IMPLS: readonly NodeImpl[] = [
  loadModelImpl,
  loadLoraImpl,
  newLoraImpl,
  scaleLoraImpl,
  blockWeightsImpl,
  selectLoraLayersImpl,
  resizeRankImpl,
  extractLoraImpl,
  combineLorasImpl,
  applyLoraImpl,
  bakeLorasKernel,
  mergeModelsImpl,
  selectModelLayersImpl,
  saveModelImpl,
  saveLoraImpl,
  saveReportImpl,
  inspectImpl,
  probeImpl,
  noteImpl,
];

export function createNodeImplRegistry(nodeImpls: readonly NodeImpl[] = NODE_IMPLS): NodeImplRegistry {
  return new NodeImplRegistry(nodeImpls);
}
