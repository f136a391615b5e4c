/**
 * Where LoRAs disagree, per module (what TIES' sign election resolves): among the entries of ΔW where at least
 * two inputs are non-zero, the fraction where one is positive and another negative. Deltas are the inputs'
 * effective ones (strength·scale·ΔW), computed densely one module at a time.
 */
import type { MatMul } from '../../compute/matmul.js';
import { EngineError, throwIfAborted } from '../../errors.js';
import type { ModuleSource } from '../../values/lora-value.js';
import { moduleDelta } from '../../module-source/evaluate.js';

export interface SignConflictRequest {
  readonly module: string;
  readonly members: readonly { readonly source: ModuleSource; readonly coefficient: number }[];
}

export interface SignConflictCount {
  /** Entries where at least two inputs are non-zero. */
  readonly entries: number;
  readonly conflicts: number;
}

export async function countSignConflicts(r: SignConflictRequest, matmul: MatMul, signal?: AbortSignal): Promise<SignConflictCount> {
  let pos: Uint8Array | undefined;
  let neg: Uint8Array | undefined;
  let nonzero: Uint8Array | undefined;
  for (const m of r.members) {
    throwIfAborted(signal);
    const d = await moduleDelta(m.source, matmul);
    pos ??= new Uint8Array(d.length);
    neg ??= new Uint8Array(d.length);
    nonzero ??= new Uint8Array(d.length);
    if (d.length !== pos.length) {
      throw new EngineError('sign-conflict-shapes', `Module ${r.module}: the LoRAs' deltas have ${pos.length} and ${d.length} entries.`, { module: r.module });
    }
    const positive = m.coefficient > 0;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v === 0 || m.coefficient === 0) continue;
      if (nonzero[i]! < 2) nonzero[i]!++;
      if (v > 0 === positive) pos[i] = 1;
      else neg[i] = 1;
    }
  }
  let entries = 0;
  let conflicts = 0;
  if (nonzero && pos && neg) {
    for (let i = 0; i < nonzero.length; i++) {
      if (nonzero[i]! < 2) continue;
      entries++;
      if (pos[i]! && neg[i]!) conflicts++;
    }
  }
  return { entries, conflicts };
}
