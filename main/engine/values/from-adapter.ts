/** A LoadedAdapter (one file or PEFT directory) as a `lora` value whose modules read from that file. */
import type { AdapterModule, LoadedAdapter } from '../adapters/types.js';
import { detectAdapterArchitecture } from '../naming/detect-adapter.js';
import { canonicalModule } from '../naming/canonical.js';
import type { ArchitectureGuess } from '../naming/types.js';
import type { LoraModuleValue, LoraValue } from './lora-value.js';
import path from 'node:path';

/** ΔW shape in nn.Linear orientation: what key mapping compares with the base weight. */
export function linearOrientedShape(m: { deltaShape: readonly number[]; embedding: boolean }): readonly number[] {
  return m.embedding && m.deltaShape.length === 2 ? [m.deltaShape[1]!, m.deltaShape[0]!] : m.deltaShape;
}

function moduleValue(adapter: LoadedAdapter, m: AdapterModule, arch: ArchitectureGuess): LoraModuleValue {
  const canonical = canonicalModule(m.name, arch.family, linearOrientedShape(m));
  return {
    name: m.name,
    canonical: canonical?.name,
    block: canonical?.block,
    kind: m.params.kind,
    deltaShape: m.deltaShape,
    rank: m.rank,
    scale: m.scale,
    embedding: m.embedding,
    dora: m.dora !== undefined,
    strength: 1,
    source: { type: 'file', path: adapter.path, module: m.name },
    ...(m.params.kind === 'replace' ? { replaceTensors: m.params.tensors } : {}),
  };
}

export function loraValueFromAdapter(adapter: LoadedAdapter): LoraValue {
  const shaped = adapter.modules.filter((m) => m.params.kind !== 'replace').map((m) => ({ name: m.name, deltaShape: linearOrientedShape(m) }));
  const architecture = detectAdapterArchitecture(shaped);
  return {
    kind: 'lora',
    label: path.basename(adapter.path),
    architecture,
    modules: adapter.modules.map((m) => moduleValue(adapter, m, architecture)),
    inputs: adapter.source.files,
    unusedKeys: adapter.unusedKeys,
    ...(adapter.peftConfig ? { peftConfig: adapter.peftConfig } : {}),
  };
}
