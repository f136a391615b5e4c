/**
 * Canonical module names, for work on LoRAs without a base (combining a kohya and a diffusers LoRA for the
 * same SD 1.5 modules), and the way back to each dialect for export.
 *
 * A canonical name is dialect-independent and has the granularity kohya trains at:
 *   SD family   "unet.<diffusers module path>", "te."/"te1."/"te2." + Hugging Face CLIP path
 *               (q_proj/k_proj/v_proj separately, also where a checkpoint fuses them into in_proj)
 *   Flux        "flux.<BFL module path>": fused qkv/linear1 as one module; a diffusers to_q/to_k/to_v/proj_mlp
 *               is a part of it (rows startUnits·h …, h = the part's input width)
 *   LLMs        the Hugging Face module path with the model class's prefix ("model.layers.0.self_attn.q_proj")
 * kohya names are flattened with "_", so they cannot be inverted by guessing dots: SD and Flux names are
 * looked up in a key map built from the family's full-size template (architectures/).
 */
import { fluxCheckpoint } from './architectures/flux.js';
import { sd15Checkpoint, sd2Checkpoint, sdxlCheckpoint, sdxlRefinerCheckpoint } from './architectures/stable-diffusion.js';
import type { TensorSpec } from './architectures/spec.js';
import { FAMILY_TITLE, HF_CLASS_PREFIX, isHfFamily } from './components.js';
import { NamingError } from './errors.js';
import { bflToDiffusers, type FusedPart } from './flux-paths.js';
import { buildKeyMap, type BuiltKeyMap } from './key-map.js';
import { TASK_HEAD } from './name-kind.js';
import { hfBlock } from './spellings/hf.js';
import type { ArchitectureFamily } from './types.js';

const TEMPLATES: Partial<Record<ArchitectureFamily, () => TensorSpec[]>> = {
  sd1: () => sd15Checkpoint(),
  sd2: () => sd2Checkpoint(),
  sdxl: () => sdxlCheckpoint(),
  'sdxl-refiner': () => sdxlRefinerCheckpoint(),
  flux: () => fluxCheckpoint(),
};

const references = new Map<ArchitectureFamily, BuiltKeyMap>();

/** The key map of the family's full-size template (names only; built once), or undefined for LLMs and unknown. */
export function referenceKeyMap(family: ArchitectureFamily): BuiltKeyMap | undefined {
  const cached = references.get(family);
  if (cached) return cached;
  const template = TEMPLATES[family];
  if (!template) return undefined;
  const map = buildKeyMap(template().map((t) => ({ name: t.key, shape: t.shape })));
  references.set(family, map);
  return map;
}

export interface CanonicalModule {
  readonly name: string;
  readonly block: string;
  /** For a part of a fused canonical module (Flux diffusers to_q …): where the part starts, in units of h. */
  readonly part?: { readonly startUnits: number };
  /** The part's rows in the canonical module, when the ΔW shape was given (h = its input width). */
  readonly slice?: { readonly start: number; readonly length: number };
}

function hfCanonical(name: string, family: ArchitectureFamily): CanonicalModule | undefined {
  if (!isHfFamily(family) || !name.includes('.')) return undefined;
  const path = name.startsWith('base_model.model.') ? name.slice('base_model.model.'.length) : name;
  const classPrefix = HF_CLASS_PREFIX[family];
  if (TASK_HEAD.test(path)) return { name: path, block: 'LM' };
  const body = path.startsWith(classPrefix) ? path.slice(classPrefix.length) : path;
  return { name: classPrefix + body, block: hfBlock(body) };
}

/** The canonical module a LoRA module name (any dialect) means for `family`, or undefined if it is not one of its modules. */
export function canonicalModule(name: string, family: ArchitectureFamily, deltaShape?: readonly number[]): CanonicalModule | undefined {
  if (isHfFamily(family)) return hfCanonical(name, family);
  const module = referenceKeyMap(family)?.lookup(name);
  if (!module) return undefined;
  const part = module.canonicalPart;
  if (!part) return { name: module.canonical, block: module.target.block };
  const h = deltaShape?.[1];
  const rows = deltaShape?.[0];
  return {
    name: module.canonical,
    block: module.target.block,
    part,
    ...(h !== undefined && rows !== undefined ? { slice: { start: part.startUnits * h, length: rows } } : {}),
  };
}

export function canonicalModuleName(name: string, family: ArchitectureFamily): string | undefined {
  return canonicalModule(name, family)?.name;
}

function referenceOrThrow(canonical: string, family: ArchitectureFamily): BuiltKeyMap {
  const ref = referenceKeyMap(family);
  if (!ref) throw new NamingError('unknown-family', canonical, `no module list for ${FAMILY_TITLE[family]}, so "${canonical}" has no dialect name`, 'give the architecture of the adapter (SD 1.x, SD 2.x, SDXL, Flux or a transformers family)');
  return ref;
}

/** kohya sd-scripts' name for a canonical module ("lora_unet_…", "lora_te1_…"). */
export function kohyaModuleName(canonical: string, family: ArchitectureFamily): string {
  if (isHfFamily(family)) {
    throw new NamingError('no-kohya-name', canonical, `kohya module names exist for SD-family and Flux models, not for ${FAMILY_TITLE[family]}`, 'export this adapter in PEFT format');
  }
  const module = referenceOrThrow(canonical, family).lookup(canonical);
  if (!module || module.canonical !== canonical) {
    throw new NamingError('unknown-canonical', canonical, `"${canonical}" is not a module of ${FAMILY_TITLE[family]}`);
  }
  if (module.kohyaName === undefined) throw new NamingError('no-kohya-name', canonical, `kohya has no name for "${canonical}"`);
  return module.kohyaName;
}

/**
 * The module path PEFT / diffusers-PEFT writes for a canonical module: "base_model.model.<path>" for
 * transformers models, "unet.…" / "text_encoder(_2).…" / "transformer.…" for diffusion models.
 * A fused Flux module has none (diffusers splits it): see fluxFusedParts.
 */
export function peftModuleName(canonical: string, family: ArchitectureFamily): string {
  if (isHfFamily(family)) return `base_model.model.${canonical}`;
  const module = referenceOrThrow(canonical, family).lookup(canonical);
  if (!module || module.canonical !== canonical) {
    throw new NamingError('unknown-canonical', canonical, `"${canonical}" is not a module of ${FAMILY_TITLE[family]}`);
  }
  if (module.peftName === undefined) {
    throw new NamingError(
      'fused-module',
      canonical,
      `"${canonical}" fuses several diffusers modules, so PEFT has no single name for it`,
      'split its rows into the parts fluxFusedParts lists (one PEFT module each)',
    );
  }
  return module.peftName;
}

/** The diffusers/PEFT parts of a fused Flux canonical module, with their row ranges in units of the hidden width. */
export function fluxFusedParts(canonical: string): { peftName: string; part: FusedPart }[] {
  if (!canonical.startsWith('flux.')) return [];
  return bflToDiffusers(canonical.slice('flux.'.length)).flatMap((c) => (c.part ? [{ peftName: `transformer.${c.path}`, part: c.part }] : []));
}
