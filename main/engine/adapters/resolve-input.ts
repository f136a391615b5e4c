/**
 * What the user named → the safetensors file to read and the PEFT config that goes with it: a LoRA file, a
 * PEFT directory (adapter_model.safetensors + adapter_config.json), or a file with adapter_config.json beside it.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AdapterError } from './errors.js';

export interface AdapterInput {
  weightsFile: string;
  configFile?: string;
  /** The config was found next to a file the user named directly (worth a note). */
  configBesideFile: boolean;
}

export interface ResolveOptions {
  /** Use this adapter_config.json instead of looking for one. */
  configPath?: string;
  /** Do not look for an adapter_config.json. */
  ignoreConfig?: boolean;
}

const PICKLE_EXTENSIONS = new Set(['.bin', '.pt', '.pth', '.ckpt', '.pkl']);
const WEIGHT_NAMES = ['adapter_model.safetensors', 'pytorch_lora_weights.safetensors'];
const CONFIG_NAME = 'adapter_config.json';

export async function resolveAdapterInput(input: string, opts: ResolveOptions = {}): Promise<AdapterInput> {
  const kind = await entryKind(input);
  if (kind === undefined) throw new AdapterError('not-found', { file: input, hint: 'Check the path: give a .safetensors LoRA file or a PEFT adapter directory.' }, 'no such file or directory.');
  let weightsFile: string;
  let configDir: string;
  if (kind === 'dir') {
    weightsFile = await weightsInDirectory(input);
    configDir = input;
  } else {
    refusePickle(input);
    weightsFile = input;
    configDir = path.dirname(input);
  }
  if (opts.configPath !== undefined) return { weightsFile, configFile: opts.configPath, configBesideFile: false };
  if (opts.ignoreConfig) return { weightsFile, configBesideFile: false };
  const candidate = path.join(configDir, CONFIG_NAME);
  const configKind = await configEntryKind(candidate);
  if (configKind === 'file') return { weightsFile, configFile: candidate, configBesideFile: kind === 'file' };
  if (configKind !== undefined) {
    // Something is there but cannot be read as the config: going on would silently use scale 1.
    const what = configKind === 'dir' ? 'is a directory' : configKind === 'broken' ? 'cannot be reached (a broken link, or no permission)' : 'is not a regular file';
    throw new AdapterError('bad-config', { file: candidate, hint: 'Put PEFT\'s adapter_config.json there as a file, or remove it to read the weights without a config.' }, `${what}, so the adapter's r and lora_alpha cannot be read.`);
  }
  return { weightsFile, configBesideFile: false };
}

/** Like entryKind, but a name that exists yet cannot be followed (dangling link, EACCES) is 'broken', not absent. */
async function configEntryKind(p: string): Promise<'file' | 'dir' | 'other' | 'broken' | undefined> {
  const kind = await entryKind(p);
  if (kind !== undefined) return kind;
  try {
    await lstat(p);
    return 'broken';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : 'broken';
  }
}

async function entryKind(p: string): Promise<'file' | 'dir' | 'other' | undefined> {
  try {
    const st = await stat(p);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return undefined;
  }
}

async function weightsInDirectory(dir: string): Promise<string> {
  const names = await readdir(dir);
  for (const n of WEIGHT_NAMES) if (names.includes(n)) return path.join(dir, n);
  const safetensors = names.filter((n) => n.endsWith('.safetensors'));
  if (safetensors.length === 1) return path.join(dir, safetensors[0]!);
  const pickled = names.find((n) => PICKLE_EXTENSIONS.has(path.extname(n)));
  if (safetensors.length === 0 && pickled !== undefined) refusePickle(path.join(dir, pickled));
  const listing = safetensors.length > 1 ? ` It holds ${safetensors.length} .safetensors files (${safetensors.slice(0, 4).join(', ')}${safetensors.length > 4 ? ', …' : ''}); name the one you mean.` : '';
  throw new AdapterError('not-found', { file: dir, hint: 'A PEFT adapter directory holds adapter_model.safetensors and adapter_config.json.' }, `no adapter_model.safetensors in this directory.${listing}`);
}

function refusePickle(file: string): void {
  if (!PICKLE_EXTENSIONS.has(path.extname(file).toLowerCase())) return;
  throw new AdapterError(
    'pickle-format',
    {
      file,
      hint: "Convert it once with Python: `python -c \"import torch; from safetensors.torch import save_file; save_file(torch.load('IN', map_location='cpu', weights_only=True), 'OUT.safetensors')\"`.",
    },
    'is a pickle checkpoint; LoRA Studio never unpickles files (they can run code). Use a .safetensors file.',
  );
}
