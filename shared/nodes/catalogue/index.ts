/**
 * The catalogue: every node type LoRA Studio ships, in library order. Node impls are keyed by these types
 * (main/engine/graph/node-impls/); a start-up test asserts each has one.
 */
import { NodeRegistry } from '../registry.js';
import type { AnyNodeDefinition } from '../definition.js';
import { combineLoras } from './combine.js';
import { saveLora, saveModel, saveReport } from './export.js';
import { inspect, probe } from './inspect.js';
import { loadLora, loadModel, newLora } from './load.js';
import { blockWeights, extractLora, resizeRank, scaleLora, selectLoraLayers } from './lora.js';
import { applyLora, bakeLoras, mergeModels, selectModelLayers } from './model.js';
import { note } from './utility.js';

export { combineLoras, combineInputParams, COMBINE_METHODS, type CombineInputParams, type CombineMethod } from './combine.js';
export { saveLora, saveModel, saveReport } from './export.js';
export { inspect, probe } from './inspect.js';
export { loadLora, loadModel, newLora } from './load.js';
export { blockWeights, extractLora, resizeRank, scaleLora, selectLoraLayers } from './lora.js';
export { applyLora, bakeInputParams, bakeLoras, mergeModels, selectModelLayers } from './model.js';
export { note } from './utility.js';
export { DYNAMIC_METHODS } from './common.js';

export const NODE_TYPES = {
  loadModel: loadModel.type,
  loadLora: loadLora.type,
  newLora: newLora.type,
  scaleLora: scaleLora.type,
  blockWeights: blockWeights.type,
  selectLoraLayers: selectLoraLayers.type,
  resizeRank: resizeRank.type,
  extractLora: extractLora.type,
  combineLoras: combineLoras.type,
  applyLora: applyLora.type,
  bakeLoras: bakeLoras.type,
  mergeModels: mergeModels.type,
  selectModelLayers: selectModelLayers.type,
  saveModel: saveModel.type,
  saveLora: saveLora.type,
  saveReport: saveReport.type,
  inspect: inspect.type,
  probe: probe.type,
  note: note.type,
} as const;

export const CATALOGUE: readonly AnyNodeDefinition[] = [
  loadModel,
  loadLora,
  newLora,
  scaleLora,
  blockWeights,
  selectLoraLayers,
  resizeRank,
  extractLora,
  combineLoras,
  applyLora,
  bakeLoras,
  mergeModels,
  selectModelLayers,
  saveModel,
  saveLora,
  saveReport,
  inspect,
  probe,
  note,
];

export function createNodeRegistry(extra: readonly AnyNodeDefinition[] = []): NodeRegistry {
  return new NodeRegistry([...CATALOGUE, ...extra]);
}

/** The registry of the shipped catalogue. */
export const NODE_REGISTRY: NodeRegistry = createNodeRegistry();
