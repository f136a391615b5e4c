/**
 * ComfyUI workflow import: the one front door both the CLI and the app use. Pure (no file access): the shell
 * reads the file, resolves the model names on disk (modelReferences → a ModelResolver) and gets a graph and
 * its import report back.
 */
import { translateComfyWorkflow, type ImportedWorkflow, type ModelResolver } from './translate.js';
import { readComfyWorkflow } from './workflow-graph.js';

export * from './errors.js';
export * from './import-report.js';
export { MODEL_LOADERS, LORA_APPLIERS, LORA_STACKS, type ModelFolder } from './known-nodes.js';
export { modelReferences, translateComfyWorkflow, type ImportedWorkflow, type ModelResolver, type ResolvedModel } from './translate.js';
export { detectComfyWorkflow, parseComfyWorkflowText, readComfyWorkflow, type ComfyGraph, type ComfyNode, type ComfyWorkflowFormat } from './workflow-graph.js';

/** A decoded workflow → graph + report; throws ComfyWorkflowError for a malformed workflow. */
export function importComfyWorkflow(value: unknown, options: { workflow: string; resolve: ModelResolver }): ImportedWorkflow {
  return translateComfyWorkflow(readComfyWorkflow(value, options.workflow), options);
}
