/**
 * buildKeyMap: enumerate the base's keys, generate every known LoRA spelling for each weight (ComfyUI's
 * approach, forward from the base's own names: kohya names are never un-flattened by guessing dots), and
 * answer lookups from that map.
 */
import { analyzeBase } from './analyze-base.js';
import { explainModule } from './explain.js';
import { ModuleRegistry } from './registry.js';
import { addFluxSpellings } from './spellings/flux.js';
import { addGenericSpellings, addVaeSpellings } from './spellings/generic.js';
import { addHfSpellings } from './spellings/hf.js';
import { addClipHfSpellings, addOpenClipSpellings, addT5Spellings } from './spellings/text-encoder.js';
import { addUnetSpellings } from './spellings/unet.js';
import type { BaseModule, KeyMap, NamedShape } from './types.js';
import type { SpellingConflict } from './registry.js';

export interface BuiltKeyMap extends KeyMap {
  /** Spellings generated for two different targets (the first kept); empty for every known layout. */
  readonly conflicts: readonly SpellingConflict[];
}

export function buildKeyMap(baseEntries: readonly NamedShape[]): BuiltKeyMap {
  const { guess, plan } = analyzeBase(baseEntries);
  const shapes = new Map<string, readonly number[]>();
  for (const e of baseEntries) shapes.set(e.name, e.shape);
  const keys = baseEntries.map((e) => e.name);
  const reg = new ModuleRegistry(shapes);
  const textEncoders = plan.filter((p) => p.kind === 'clip-hf' || p.kind === 'openclip' || p.kind === 't5').length;
  for (const p of plan) {
    switch (p.kind) {
      case 'unet-ldm':
      case 'unet-diffusers':
        addUnetSpellings(reg, keys, p, guess.family);
        break;
      case 'clip-hf':
        addClipHfSpellings(reg, keys, p, textEncoders === 1);
        break;
      case 'openclip':
        addOpenClipSpellings(reg, keys, p, textEncoders === 1);
        break;
      case 't5':
        addT5Spellings(reg, keys, p);
        break;
      case 'flux-bfl':
      case 'flux-diffusers':
        addFluxSpellings(reg, keys, p);
        break;
      case 'hf':
        addHfSpellings(reg, keys, p);
        break;
      case 'vae':
        addVaeSpellings(reg, keys, p);
        break;
    }
  }
  addGenericSpellings(reg, keys);

  const lookup = (name: string): BaseModule | undefined => reg.get(name);
  return {
    architecture: guess,
    lookup,
    resolve: (name) => lookup(name)?.target,
    explain: (name) => explainModule(name, { architecture: guess, plan, registry: reg }),
    modules: reg.modules,
    spellingCount: reg.size,
    conflicts: reg.conflicts,
  };
}
