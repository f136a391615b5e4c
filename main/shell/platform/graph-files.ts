/**
 * Opening and saving graph files by path. Opening reads at most MAX_GRAPH_FILE_BYTES of a regular file
 * and parses it (migrations, newer-version refusal). Saving writes atomically and never replaces a file
 * that is not a LoRA Studio graph (a model picked by mistake must survive a wrong "Save As").
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { APP_NAME, APP_VERSION } from '../../../shared/app-info.js';
import { detectComfyWorkflow } from '../../../shared/comfyui/index.js';
import { parseGraph, serializeGraph } from '../../../shared/graph/codec.js';
import { GRAPH_FORMAT, type GraphDocument } from '../../../shared/graph/document.js';
import type { OpenedGraph } from '../../../shared/ipc/files.js';
import { importWorkflowValue, type WorkflowImportOptions } from '../../engine/comfyui/import-workflow.js';
import { EngineError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../engine/graph/atomic-write.js';

export const MAX_GRAPH_FILE_BYTES = 32 * 1024 * 1024;

const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

function fsError(e: unknown, file: string, doing: string): EngineError {
  // The atomic writer's own refusals (a FIFO target, a file where a folder should be) already say what to do;
  // the system error under one of them still decides the code.
  const code = e instanceof EngineError ? errnoOf(e.cause) : errnoOf(e);
  if (e instanceof EngineError && code === undefined) return e;
  if (code === 'ENOENT') return new EngineError('file-not-found', `Cannot ${doing} "${file}": it does not exist.`, { file, hint: 'Check the path; the file may have been moved or deleted.' });
  if (code === 'EACCES' || code === 'EPERM') return new EngineError('permission-denied', `Cannot ${doing} "${file}": permission denied.`, { file, hint: 'Choose a file or folder you may read and write.' });
  if (code === 'EISDIR') return new EngineError('is-a-directory', `Cannot ${doing} "${file}": it is a folder.`, { file });
  return new EngineError('io-error', `Cannot ${doing} "${file}": ${e instanceof Error ? e.message : String(e)}`, { file });
}

async function readSmallFile(file: string, doing: string): Promise<string> {
  let info;
  try {
    info = await stat(file);
  } catch (e) {
    throw fsError(e, file, doing);
  }
  if (!info.isFile()) throw new EngineError('not-a-file', `Cannot ${doing} "${file}": it is not a regular file.`, { file });
  if (info.size > MAX_GRAPH_FILE_BYTES) {
    throw new EngineError('not-a-graph', `"${file}" is ${info.size} bytes, far too big for a graph file: it is not a LoRA Studio graph.`, { file, hint: 'Graph files are small .json files; models and LoRAs are loaded by Load nodes.' });
  }
  const handle = await open(file, 'r').catch((e: unknown) => {
    throw fsError(e, file, doing);
  });
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

const jsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** A graph file, or a ComfyUI workflow (imported with `workflowImport`; the result carries its report). */
export async function openGraphFile(file: string, workflowImport: WorkflowImportOptions = {}): Promise<OpenedGraph> {
  const abs = path.resolve(file);
  const text = await readSmallFile(abs, 'open');
  const value = jsonOrUndefined(text);
  if (detectComfyWorkflow(value) !== null) {
    const { document, report } = await importWorkflowValue(value, abs, workflowImport);
    return { path: abs, document, imported: report };
  }
  const parsed = parseGraph(text, { file: abs });
  return { path: abs, document: parsed.document, ...(parsed.migratedFrom !== undefined ? { migratedFrom: parsed.migratedFrom } : {}) };
}

async function isGraphFile(file: string): Promise<boolean> {
  try {
    const value: unknown = JSON.parse(await readSmallFile(file, 'read'));
    return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === GRAPH_FORMAT;
  } catch {
    return false;
  }
}

export async function saveGraphFile(file: string, document: GraphDocument, now = Date.now()): Promise<{ path: string; savedAt: number }> {
  const abs = path.resolve(file);
  const existing = await stat(abs).catch(() => null);
  if (existing !== null && !(existing.isFile() && (await isGraphFile(abs)))) {
    throw new EngineError('overwrite-refused', `"${abs}" exists and is not a LoRA Studio graph; it was not replaced.`, { file: abs, hint: 'Choose another file name (graphs are saved as .json).' });
  }
  const stamped: GraphDocument = { ...document, metadata: { ...document.metadata, createdWith: `${APP_NAME} ${APP_VERSION}` } };
  try {
    await writeFileAtomic(abs, serializeGraph(stamped));
  } catch (e) {
    throw fsError(e, abs, 'save');
  }
  return { path: abs, savedAt: now };
}
