/**
 * Block-label order for reports (the same as shared/blocks/labels.ts): text encoders, UNet input blocks,
 * middle, output blocks, other UNet tensors, Flux double/single blocks, other Flux tensors, LLM layers,
 * other LLM tensors, then labels outside those families (VAE, OTHER).
 */
const FIXED: readonly string[] = (() => {
  const r = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
  return ['TE', 'TE1', 'TE2', ...r('IN', 12), 'MID', ...r('OUT', 12), 'UNET', ...r('D', 19), ...r('S', 38), 'FLUX'];
})();
const FIXED_INDEX = new Map(FIXED.map((l, i) => [l, i]));

export function blockRank(label: string): number {
  const fixed = FIXED_INDEX.get(label);
  if (fixed !== undefined) return fixed;
  const layer = /^L(\d{2,})$/.exec(label);
  if (layer) return FIXED.length + Number(layer[1]);
  if (label === 'LM') return Number.MAX_SAFE_INTEGER - 3;
  if (label === 'VAE') return Number.MAX_SAFE_INTEGER - 2;
  return Number.MAX_SAFE_INTEGER - 1;
}

export function compareBlocks(a: string, b: string): number {
  return blockRank(a) - blockRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
