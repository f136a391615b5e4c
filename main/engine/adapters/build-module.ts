/** Turns one group of tensors into a canonical AdapterModule: kind, shapes, alpha/scale, DoRA. */
import type { TensorSource } from '../tensor-io/tensor-source.js';
import { doraSpec } from './dora-spec.js';
import type { ModuleGroup } from './group-keys.js';
import { parseKey, type ParamRole } from './key-parser.js';
import { fmt, ModuleTensors, type ModuleStructure } from './module-tensors.js';
import { readScalar } from './read-scalar.js';
import { resolveScale, type AppliedConfig, type ResolvedScale } from './scale.js';
import { fullStructure, lohaStructure, lokrStructure } from './structure-lycoris.js';
import { loraStructure } from './structure-lora.js';
import type { AdapterDialect, AdapterModule, AdapterModuleKind } from './types.js';

const KIND_OF_ROLE: Partial<Record<ParamRole, AdapterModuleKind>> = {
  down: 'lora', up: 'lora', mid: 'lora', embA: 'lora', embB: 'lora',
  w1a: 'loha', w1b: 'loha', w2a: 'loha', w2b: 'loha', t1: 'loha', t2: 'loha',
  lokrW1: 'lokr', lokrW1a: 'lokr', lokrW1b: 'lokr', lokrW2: 'lokr', lokrW2a: 'lokr', lokrW2b: 'lokr', lokrT2: 'lokr',
  diff: 'full', diffBias: 'full',
};

export interface BuiltModule {
  module: AdapterModule;
  scale: ResolvedScale;
  /** The module is PEFT-spelled but no config applied (scale from `.alpha` or 1). */
  peftWithoutConfig: boolean;
}

/** The PEFT config that governs a module of this kind and dialect, if any. */
export type ConfigFor = (name: string, kind: AdapterModuleKind, dialect: AdapterDialect) => AppliedConfig | undefined;

/** undefined when the group holds only dialect-neutral tensors (an `.alpha` or a DoRA magnitude alone). */
export async function buildModule(source: TensorSource, group: ModuleGroup, configFor: ConfigFor): Promise<BuiltModule | undefined> {
  const t = new ModuleTensors(source, group);
  const kinds = new Set<AdapterModuleKind>();
  for (const role of group.roles.keys()) {
    const k = KIND_OF_ROLE[role];
    if (k) kinds.add(k);
  }
  if (kinds.size === 0) return undefined;
  if (kinds.size > 1) {
    throw t.error('mixed-kinds', `mixes parameters of several kinds (${[...kinds].join(', ')}): ${[...group.roles.values()].join(', ')}.`);
  }
  const kind = [...kinds][0]!;
  const structure = structureOf(kind, t);
  // alpha / 0 and empty matrices would surface much later as "n = NaN is not a size" or a failed SVD.
  if (structure.rankForScale === 0 || structure.deltaShape.includes(0)) {
    const what = structure.rankForScale === 0 ? 'rank 0' : `an empty delta (shape ${fmt(structure.deltaShape)})`;
    throw t.error('rank-zero', `has ${what}: its factors hold no numbers, so it cannot change anything.`, undefined, 'The file is damaged or was exported wrongly: export the LoRA again (or remove this module).');
  }
  const dialect = dialectOf(kind, t);
  const stored = t.has('alpha') ? readScalar(source, t.key('alpha'), group.name) : undefined;
  const applied = configFor(group.name, kind, dialect);
  const scale = resolveScale(t, structure, stored, applied);
  const dora = doraSpec(t, structure);
  const module: AdapterModule = {
    name: group.name,
    dialect: dora?.convention === 'lycoris' ? 'lycoris' : dialect,
    params: structure.params,
    keys: [...group.roles.values()],
    rank: structure.rankForScale,
    alpha: scale.alpha,
    alphaSource: scale.alphaSource,
    scale: scale.scale,
    deltaShape: structure.deltaShape,
    fanInFanOut: applied !== undefined && applied.config.fan_in_fan_out && kind === 'lora' && !structure.embedding,
    embedding: structure.embedding,
    ...(dora ? { dora } : {}),
  };
  return { module, scale, peftWithoutConfig: dialect === 'peft' && applied === undefined };
}

function structureOf(kind: AdapterModuleKind, t: ModuleTensors): ModuleStructure {
  switch (kind) {
    case 'lora': return loraStructure(t);
    case 'loha': return lohaStructure(t);
    case 'lokr': return lokrStructure(t);
    case 'full': return fullStructure(t);
    case 'replace': throw new Error('replace modules are built from full tensors, not parameter groups');
  }
}

function dialectOf(kind: AdapterModuleKind, t: ModuleTensors): AdapterDialect {
  if (kind !== 'lora') return 'lycoris';
  const factor = t.has('down') ? t.key('down') : t.key('embA');
  const parsed = parseKey(factor);
  return parsed.kind === 'param' && parsed.dialect ? parsed.dialect : 'unknown';
}
