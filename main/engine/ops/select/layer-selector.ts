/**
 * Select Layers' rule: a layer is selected when one of its names matches a pattern (shared compilePattern:
 * substring, glob, re:) or its block matches a block selector; "include" keeps the selected layers,
 * "exclude" keeps the others. Invalid patterns and selectors are an error (validation reports them first).
 */
import { parseBlockSelector } from '../../../../shared/blocks/labels.js';
import { compilePattern } from '../../../../shared/nodes/patterns.js';
import { EngineError } from '../../errors.js';

export interface LayerSelection {
  readonly mode: 'include' | 'exclude';
  readonly patterns: readonly string[];
  readonly blocks: readonly string[];
}

/** True when the layer is kept. `names`: every name the layer goes by; `block`: its block label, if known. */
export type LayerSelector = (names: readonly string[], block: string | undefined) => boolean;

export function createLayerSelector(sel: LayerSelection): LayerSelector {
  const patterns = sel.patterns.map((p) => {
    const c = compilePattern(p);
    if (!c.ok) throw new EngineError('bad-pattern', `Layer pattern "${p}": ${c.message}.`, { hint: 'Plain text matches names containing it; * and ? are wildcards; re: starts a regular expression.' });
    return c.test;
  });
  const blocks = sel.blocks.map((b) => {
    const r = parseBlockSelector(b);
    if (!r.ok) throw new EngineError('bad-block-selector', `Block "${b}": ${r.message}.`, { hint: 'Use labels such as TE, IN04, MID, OUT05, D03, L07 or ranges IN04-OUT05.' });
    return r.matches;
  });
  return (names, block) => {
    const selected = names.some((n) => patterns.some((t) => t(n))) || (block !== undefined && blocks.some((m) => m(block)));
    return sel.mode === 'include' ? selected : !selected;
  };
}
