/**
 * The file side of the ComfyUI import: read the workflow, find its model names in the models folders
 * (--models-dir / the app setting, extra_model_paths.yaml), then the shared translation. The CLI's
 * `import` command and both shells (Open, drag-and-drop) call this.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { ComfyWorkflowError, modelReferences, parseComfyWorkflowText, readComfyWorkflow, translateComfyWorkflow, type ComfyGraph, type ImportedWorkflow } from '../../../shared/comfyui/index.js';
import { EngineError } from '../errors.js';
import { createModelResolver, emptyModelFolders, extraModelPathsFolders, mergeModelFolders, modelsDirFolders, type ModelFolders } from './model-folders.js';

/** Workflows are small JSON files; anything bigger is refused before it is read. */
export const MAX_WORKFLOW_BYTES = 32 * 1024 * 1024;

export interface WorkflowImportOptions {
  /** A models folder in ComfyUI's layout (or a ComfyUI root). */
  readonly modelsDir?: string | null;
  /** ComfyUI's extra_model_paths.yaml. */
  readonly extraModelPaths?: string | null;
  /** Save Model writes into the first checkpoints folder (where ComfyUI will list it) instead of beside the graph. */
  readonly outputsToCheckpoints?: boolean;
}

export async function modelFoldersFor(options: WorkflowImportOptions): Promise<ModelFolders> {
  const parts: ModelFolders[] = [];
  if (options.modelsDir) parts.push(await modelsDirFolders(options.modelsDir));
  if (options.extraModelPaths) parts.push(await extraModelPathsFolders(options.extraModelPaths));
  return parts.length === 0 ? emptyModelFolders() : mergeModelFolders(...parts);
}

function engineErrorOf(e: unknown): unknown {
  if (!(e instanceof ComfyWorkflowError)) return e;
  return new EngineError(e.code, e.message, { ...(e.file !== undefined ? { file: e.file } : {}), ...(e.node !== undefined ? { node: e.node } : {}), ...(e.hint !== undefined ? { hint: e.hint } : {}) });
}

async function translate(graph: ComfyGraph, workflow: string, options: WorkflowImportOptions): Promise<ImportedWorkflow> {
  const folders = await modelFoldersFor(options);
  const resolve = await createModelResolver(folders, modelReferences(graph));
  const outputFolder = options.outputsToCheckpoints ? folders.checkpoints[0] : undefined;
  return translateComfyWorkflow(graph, { workflow, resolve, ...(outputFolder !== undefined ? { outputFolder } : {}) });
}

/** An already-decoded workflow (the app's drop, or a file the shell read); `workflow` names it in messages. */
export async function importWorkflowValue(value: unknown, workflow: string, options: WorkflowImportOptions = {}): Promise<ImportedWorkflow> {
  let graph: ComfyGraph;
  try {
    graph = readComfyWorkflow(value, workflow);
  } catch (e) {
    throw engineErrorOf(e);
  }
  return translate(graph, workflow, options);
}

export async function importWorkflowText(text: string, workflow: string, options: WorkflowImportOptions = {}): Promise<ImportedWorkflow> {
  let graph: ComfyGraph;
  try {
    graph = parseComfyWorkflowText(text, workflow);
  } catch (e) {
    throw engineErrorOf(e);
  }
  return translate(graph, workflow, options);
}

export async function readWorkflowFile(file: string): Promise<string> {
  const abs = path.resolve(file);
  const info = await stat(abs).catch((e: NodeJS.ErrnoException) => {
    throw new EngineError('file-not-found', `Cannot read the workflow "${abs}": ${e.code === 'ENOENT' ? 'it does not exist' : e.message}.`, { file: abs, hint: 'Check the path.' });
  });
  if (!info.isFile()) throw new EngineError('not-a-file', `"${abs}" is not a file.`, { file: abs, hint: 'Give the workflow .json file ComfyUI saved.' });
  if (info.size > MAX_WORKFLOW_BYTES) throw new EngineError('not-a-workflow', `"${abs}" is ${info.size} bytes, far too big for a workflow.`, { file: abs, hint: 'Give the workflow .json file ComfyUI saved.' });
  const handle = await open(abs, 'r');
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Reads and imports a workflow file; messages and the report name it by its absolute path. */
export async function importWorkflowFile(file: string, options: WorkflowImportOptions = {}): Promise<ImportedWorkflow> {
  return importWorkflowText(await readWorkflowFile(file), path.resolve(file), options);
}
