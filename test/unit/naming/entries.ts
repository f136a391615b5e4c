import type { TensorSpec } from '../../../main/engine/naming/architectures/spec.js';
import type { NamedShape } from '../../../main/engine/naming/types.js';

export const entriesOf = (specs: readonly TensorSpec[]): NamedShape[] => specs.map((t) => ({ name: t.key, shape: t.shape }));

/** A LoRA module as the adapters area would describe it: its name and the ΔW shape [out, in]. */
export const mod = (name: string, out: number, inp: number): { name: string; deltaShape: number[] } => ({ name, deltaShape: [out, inp] });
