/**
 * The block label of every tensor of a checkpoint. Weights that key mapping knows (BaseModule targets and their
 * biases) carry theirs; any other tensor (norms, embeddings) takes the block of the nearest enclosing module
 * path whose weights all agree on one block (input_blocks.1.1.norm → the block of input_blocks.1.1.proj_in).
 */
import type { KeyMap } from '../../naming/types.js';
import type { TensorEntry } from '../../tensor-io/safetensors-header.js';

const AMBIGUOUS = '\u0000';

function parents(key: string): string[] {
  const parts = key.split('.');
  const out: string[] = [];
  for (let i = parts.length - 1; i > 0; i--) out.push(parts.slice(0, i).join('.'));
  return out;
}

export function tensorBlocks(keyMap: KeyMap, entries: readonly Pick<TensorEntry, 'name'>[]): Map<string, string> {
  const byKey = new Map<string, string>();
  const byPrefix = new Map<string, string>();
  for (const m of keyMap.modules) {
    const { baseKey, biasKey, block } = m.target;
    byKey.set(baseKey, block);
    if (biasKey) byKey.set(biasKey, block);
    for (const p of parents(baseKey)) {
      const seen = byPrefix.get(p);
      byPrefix.set(p, seen === undefined || seen === block ? block : AMBIGUOUS);
    }
  }
  const out = new Map<string, string>();
  for (const { name } of entries) {
    const own = byKey.get(name);
    if (own) {
      out.set(name, own);
      continue;
    }
    for (const p of parents(name)) {
      const b = byPrefix.get(p);
      if (b === undefined) continue;
      if (b !== AMBIGUOUS) out.set(name, b);
      break;
    }
  }
  return out;
}
