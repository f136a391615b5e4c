/**
 * Where a ComfyUI install keeps its models, and how a workflow's names ("sub/x.safetensors", Windows
 * "sub\\x.safetensors") resolve there. Two sources, as ComfyUI reads them: a models folder in ComfyUI's
 * layout (`checkpoints/`, `loras/`, `diffusion_models/` or the older `unet/`; a ComfyUI root with `models/`
 * inside works too), and an extra_model_paths.yaml (sections with an optional `base_path`, each key a folder
 * or several, one per line, relative to `base_path`; a relative `base_path` is relative to the YAML file).
 */
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ModelFolder, ModelResolver, ResolvedModel } from '../../../shared/comfyui/index.js';
import { EngineError } from '../errors.js';

export type ModelFolders = Readonly<Record<ModelFolder, readonly string[]>>;

/** ComfyUI's folder names for each kind, in the order they are searched. */
const FOLDER_NAMES: Readonly<Record<ModelFolder, readonly string[]>> = {
  checkpoints: ['checkpoints'],
  loras: ['loras'],
  diffusion_models: ['diffusion_models', 'unet'],
};

export const emptyModelFolders = (): ModelFolders => ({ checkpoints: [], loras: [], diffusion_models: [] });

const isDirectory = async (p: string): Promise<boolean> => (await stat(p).catch(() => null))?.isDirectory() === true;

const expandHome = (p: string): string => (p === '~' || p.startsWith('~/') || p.startsWith('~\\') ? path.join(os.homedir(), p.slice(1)) : p);

/** The folders of a models directory in ComfyUI's layout (`<dir>/models/...` when `dir` is the ComfyUI root). */
export async function modelsDirFolders(dir: string): Promise<ModelFolders> {
  const abs = path.resolve(expandHome(dir));
  if (!(await isDirectory(abs))) {
    throw new EngineError('file-not-found', `The models folder "${abs}" does not exist or is not a folder.`, { file: abs, hint: 'Give ComfyUI\'s models folder (the one with checkpoints/ and loras/ inside).' });
  }
  const root = !(await isDirectory(path.join(abs, 'checkpoints'))) && (await isDirectory(path.join(abs, 'models'))) ? path.join(abs, 'models') : abs;
  const out = emptyModelFolders() as Record<ModelFolder, string[]>;
  for (const kind of Object.keys(FOLDER_NAMES) as ModelFolder[]) out[kind] = FOLDER_NAMES[kind].map((n) => path.join(root, n));
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The folders an extra_model_paths.yaml names for checkpoints, loras and diffusion models (unet). */
export async function extraModelPathsFolders(file: string): Promise<ModelFolders> {
  const abs = path.resolve(expandHome(file));
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    throw new EngineError('file-not-found', `Cannot read the extra model paths file "${abs}": ${(e as Error).message}`, { file: abs, hint: 'Give the path of ComfyUI\'s extra_model_paths.yaml.' });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new EngineError('invalid-yaml', `"${abs}" is not valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}`, { file: abs, hint: 'Fix the file (ComfyUI would not read it either).' });
  }
  if (doc === null || doc === undefined) return emptyModelFolders();
  if (!isObject(doc)) throw new EngineError('invalid-yaml', `"${abs}" does not hold sections of model folders (as extra_model_paths.yaml.example shows).`, { file: abs });
  const out = emptyModelFolders() as Record<ModelFolder, string[]>;
  for (const [section, value] of Object.entries(doc)) {
    if (!isObject(value)) continue;
    const rawBase = typeof value.base_path === 'string' ? expandHome(value.base_path.trim()) : '';
    const base = rawBase === '' ? path.dirname(abs) : path.resolve(path.dirname(abs), rawBase);
    for (const kind of Object.keys(FOLDER_NAMES) as ModelFolder[]) {
      for (const key of FOLDER_NAMES[kind]) {
        const entry = value[key];
        if (entry === undefined || entry === null) continue;
        if (typeof entry !== 'string') throw new EngineError('invalid-yaml', `"${abs}": ${section}.${key} must be a folder or folders, one per line.`, { file: abs });
        for (const line of entry.split('\n').map((l) => l.trim()).filter((l) => l !== '')) out[kind].push(path.resolve(base, expandHome(line)));
      }
    }
  }
  return out;
}

export function mergeModelFolders(...all: ModelFolders[]): ModelFolders {
  const out = emptyModelFolders() as Record<ModelFolder, string[]>;
  for (const f of all) for (const kind of Object.keys(out) as ModelFolder[]) out[kind].push(...f[kind].filter((d) => !out[kind].includes(d)));
  return out;
}

/** A workflow's name inside a folder, or undefined when it would leave the folder (ComfyUI refuses those too). */
function inside(folder: string, name: string): string | undefined {
  const parts = name.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..') || path.isAbsolute(name)) return undefined;
  return path.join(folder, ...parts);
}

const isFile = async (p: string): Promise<boolean> => (await stat(p).catch(() => null))?.isFile() === true;

/**
 * Looks every name up (first folder that has it wins) and returns the resolver the translation calls. A name
 * not found resolves to where it was looked for first (the graph then shows it as a missing file), or to the
 * name itself when no folder is known.
 */
export async function createModelResolver(folders: ModelFolders, refs: readonly { folder: ModelFolder; name: string }[]): Promise<ModelResolver> {
  const table = new Map<string, ResolvedModel>();
  const key = (folder: ModelFolder, name: string): string => `${folder}\u0000${name}`;
  for (const ref of refs) {
    const k = key(ref.folder, ref.name);
    if (table.has(k)) continue;
    let found: ResolvedModel | undefined;
    let first: string | undefined;
    for (const dir of folders[ref.folder]) {
      const candidate = inside(dir, ref.name);
      if (candidate === undefined) break;
      first ??= candidate;
      if (await isFile(candidate)) {
        found = { path: candidate, found: true };
        break;
      }
    }
    table.set(k, found ?? { path: first ?? ref.name.replace(/\\/g, '/'), found: false });
  }
  return (folder, name) => table.get(key(folder, name)) ?? { path: name, found: false };
}
