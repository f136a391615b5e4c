/**
 * The `__metadata__` of what we write: the base's metadata kept, the Stability AI model spec basics
 * (`modelspec.*`, https://github.com/Stability-AI/ModelSpec, as sd-scripts and ComfyUI write them), and our
 * recipe as JSON under `lora_studio.recipe`. Every value is a string, as safetensors requires.
 */
import { APP_VERSION } from '../../../shared/app-info.js';
import { TensorIOError } from './errors.js';
import { MAX_HEADER_BYTES } from './safetensors-header.js';

/** ModelSpec architecture ids of the base models (a LoRA for one appends "/lora"). */
export const MODELSPEC_ARCHITECTURES = {
  sd1: 'stable-diffusion-v1',
  sd2_512: 'stable-diffusion-v2-512',
  sd2_768_v: 'stable-diffusion-v2-768-v',
  sdxl_base: 'stable-diffusion-xl-v1-base',
  sdxl_refiner: 'stable-diffusion-xl-v1-refiner',
  sd3_medium: 'stable-diffusion-3-medium',
  flux_dev: 'flux-1-dev',
  flux_schnell: 'flux-1-schnell',
} as const;

/** `modelspec.implementation` values in use: the reference code the weights' layout follows. */
export const MODELSPEC_IMPLEMENTATIONS = {
  sgm: 'https://github.com/Stability-AI/generative-models',
  diffusers: 'diffusers',
  flux: 'https://github.com/black-forest-labs/flux',
  transformers: 'transformers',
} as const;

export const MODELSPEC_VERSION = '1.0.0';
export const RECIPE_KEY = 'lora_studio.recipe';
export const TOOL_VERSION_KEY = 'lora_studio.version';

export interface ModelSpecInput {
  /** e.g. "stable-diffusion-xl-v1-base"; with `lora: true` the "/lora" suffix is added. */
  architecture: string;
  title: string;
  /** e.g. MODELSPEC_IMPLEMENTATIONS.sgm. */
  implementation?: string;
  /** This output is a LoRA (architecture gets "/lora"). */
  lora?: boolean;
  resolution?: string;
  description?: string;
  author?: string;
  license?: string;
  tags?: string;
  usage_hint?: string;
  trigger_phrase?: string;
  merged_from?: string;
  prediction_type?: string;
}

export interface OutputMetadataInput {
  /** The base's `__metadata__`, kept (except hashes of the base, which would be wrong for the output). */
  inherited?: Readonly<Record<string, string>>;
  modelspec?: ModelSpecInput;
  /** Our recipe (inputs with hashes, strengths, method…): any JSON value, stored as JSON text. */
  recipe?: unknown;
  /** More string values (set last). */
  extra?: Readonly<Record<string, string>>;
  /** The creation time (default now), for `modelspec.date`. */
  date?: Date;
  /** Largest allowed size of the metadata as JSON, bytes (default: half the header limit, leaving room for the tensors). */
  maxBytes?: number;
}

/** Keys that describe the bytes of the file they are in: inherited from another file, they would be wrong. */
export const FILE_SPECIFIC_KEYS = ['modelspec.hash_sha256', 'sshs_model_hash', 'sshs_legacy_hash'] as const;

export function modelspecArchitecture(architecture: string, lora: boolean): string {
  return lora && !architecture.endsWith('/lora') ? `${architecture}/lora` : architecture;
}

function put(target: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Builds the output's `__metadata__`. Throws 'metadata-too-large' when it would not fit a header. */
export function buildOutputMetadata(input: OutputMetadataInput, file = '<output>'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.inherited ?? {})) {
    if ((FILE_SPECIFIC_KEYS as readonly string[]).includes(k)) continue;
    if (typeof v !== 'string') throw new TensorIOError('bad-metadata', file, `inherited metadata "${k}" is not a string.`);
    put(out, k, v);
  }
  const spec = input.modelspec;
  if (spec) {
    const { architecture, lora, ...rest } = spec;
    put(out, 'modelspec.sai_model_spec', MODELSPEC_VERSION);
    put(out, 'modelspec.architecture', modelspecArchitecture(architecture, lora ?? false));
    for (const [k, v] of Object.entries(rest)) if (typeof v === 'string') put(out, `modelspec.${k}`, v);
  }
  if (spec || input.recipe !== undefined) put(out, 'modelspec.date', (input.date ?? new Date()).toISOString());
  if (input.recipe !== undefined) {
    const json = JSON.stringify(input.recipe);
    if (json === undefined) throw new TensorIOError('bad-metadata', file, 'the recipe is not JSON-serialisable.');
    put(out, RECIPE_KEY, json);
    put(out, TOOL_VERSION_KEY, APP_VERSION);
  }
  for (const [k, v] of Object.entries(input.extra ?? {})) put(out, k, v);
  const size = new TextEncoder().encode(JSON.stringify(out)).byteLength;
  const max = input.maxBytes ?? MAX_HEADER_BYTES / 2;
  if (size > max) {
    const biggest = Object.entries(out).sort(([, a], [, b]) => b.length - a.length)[0];
    throw new TensorIOError('metadata-too-large', file, `metadata would take ${size} bytes, above the ${max}-byte budget (largest value: "${biggest?.[0]}", ${biggest?.[1].length} characters).`, {
      hint: 'Drop or shorten large metadata values.',
    });
  }
  return out;
}
