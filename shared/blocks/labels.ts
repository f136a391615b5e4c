/**
 * Block labels: the vocabulary every report, selector and block-weight vector uses to name a part of a
 * model (the naming area's contract). A module gets exactly one label:
 *   SD-family UNet  "IN00".."IN11", "MID", "OUT00".."OUT11"; any other UNet tensor "UNET"
 *   text encoders   "TE" (SD1/SD2), "TE1"/"TE2" (SDXL, and Flux's CLIP-L/T5)
 *   Flux            "D00".."D18" (double blocks), "S00".."S37" (single blocks); any other "FLUX"
 *   LLMs            "L00", "L01", .. (decoder/encoder layer index, at least two digits); any other "LM"
 */
export type BlockFamily = 'text-encoder' | 'unet' | 'flux' | 'lm';

export const TEXT_ENCODER_LABELS = ['TE', 'TE1', 'TE2'] as const;
export const UNET_OTHER = 'UNET';
export const FLUX_OTHER = 'FLUX';
export const LM_OTHER = 'LM';
export const MID_LABEL = 'MID';

const pad2 = (i: number): string => String(i).padStart(2, '0');
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export const UNET_IN_LABELS: readonly string[] = range(12).map((i) => `IN${pad2(i)}`);
export const UNET_OUT_LABELS: readonly string[] = range(12).map((i) => `OUT${pad2(i)}`);
export const FLUX_DOUBLE_LABELS: readonly string[] = range(19).map((i) => `D${pad2(i)}`);
export const FLUX_SINGLE_LABELS: readonly string[] = range(38).map((i) => `S${pad2(i)}`);

/** The label of LLM layer `index` ("L00", "L07", "L123"). */
export function lmLayerLabel(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`layer index must be a non-negative integer, got ${index}`);
  return `L${pad2(index)}`;
}

const LABEL_RE = /^(?:TE[12]?|UNET|MID|FLUX|LM|IN(?:0\d|1[01])|OUT(?:0\d|1[01])|D(?:0\d|1[0-8])|S(?:[0-2]\d|3[0-7])|L\d{2,})$/;

export function isBlockLabel(s: string): boolean {
  return LABEL_RE.test(s);
}

export function blockFamily(label: string): BlockFamily | undefined {
  if (!isBlockLabel(label)) return undefined;
  if (label.startsWith('TE')) return 'text-encoder';
  if (label === FLUX_OTHER || /^[DS]\d/.test(label)) return 'flux';
  if (label === LM_OTHER || /^L\d/.test(label)) return 'lm';
  return 'unet';
}

export function isTextEncoderLabel(label: string): boolean {
  return blockFamily(label) === 'text-encoder';
}

/** SD-family order: text encoders, input blocks, middle, output blocks, the rest. */
const SD_ORDER: readonly string[] = [...TEXT_ENCODER_LABELS, ...UNET_IN_LABELS, MID_LABEL, ...UNET_OUT_LABELS, UNET_OTHER];
const FLUX_ORDER: readonly string[] = [...FLUX_DOUBLE_LABELS, ...FLUX_SINGLE_LABELS, FLUX_OTHER];
const ORDER_INDEX = new Map<string, number>([...SD_ORDER, ...FLUX_ORDER].map((l, i) => [l, i]));
const LM_BASE = ORDER_INDEX.size;

/** Sort key in the canonical block order (reports list blocks in this order); unknown labels sort last. */
export function blockOrder(label: string): number {
  const fixed = ORDER_INDEX.get(label);
  if (fixed !== undefined) return fixed;
  const lm = /^L(\d{2,})$/.exec(label);
  if (lm) return LM_BASE + Number(lm[1]);
  if (label === LM_OTHER) return Number.MAX_SAFE_INTEGER - 1;
  return Number.MAX_SAFE_INTEGER;
}

export function compareBlockLabels(a: string, b: string): number {
  return blockOrder(a) - blockOrder(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Aliases accepted wherever people type block names (LoRA Block Weight spells the middle block "M00"). */
const ALIASES: Readonly<Record<string, string>> = { M00: MID_LABEL, MID00: MID_LABEL, BASE: 'TE' };

export function normalizeBlockLabel(s: string): string | undefined {
  const up = s.trim().toUpperCase();
  const label = ALIASES[up] ?? up;
  return isBlockLabel(label) ? label : undefined;
}

export type BlockSelectorResult = { ok: true; matches: (label: string) => boolean } | { ok: false; message: string };

/**
 * A block selector as people type it: a label ("IN04", "MID", "TE"), a range within one family
 * ("IN04-OUT05", "D00-D10", "L00-L15"; inclusive, canonical order), "BASE" meaning every text encoder.
 */
export function parseBlockSelector(text: string): BlockSelectorResult {
  const s = text.trim().toUpperCase();
  if (s === '') return { ok: false, message: 'empty block selector' };
  if (s === 'BASE') return { ok: true, matches: isTextEncoderLabel };
  const parts = s.split('-');
  if (parts.length === 1) {
    const label = normalizeBlockLabel(s);
    if (!label) return { ok: false, message: `"${text.trim()}" is not a block label (e.g. TE, IN04, MID, OUT05, D03, S12, L07)` };
    return { ok: true, matches: (l) => l === label };
  }
  if (parts.length !== 2) return { ok: false, message: `"${text.trim()}": a range has the form FIRST-LAST, e.g. IN04-OUT05` };
  const from = normalizeBlockLabel(parts[0] ?? '');
  const to = normalizeBlockLabel(parts[1] ?? '');
  if (!from || !to) return { ok: false, message: `"${text.trim()}": both ends of a range must be block labels` };
  if (blockFamily(from) !== blockFamily(to)) return { ok: false, message: `"${text.trim()}": a range cannot span ${blockFamily(from)} and ${blockFamily(to)} blocks` };
  const lo = blockOrder(from);
  const hi = blockOrder(to);
  if (lo > hi) return { ok: false, message: `"${text.trim()}": ${from} comes after ${to}; write the range in block order` };
  const family = blockFamily(from);
  return { ok: true, matches: (l) => blockFamily(l) === family && blockOrder(l) >= lo && blockOrder(l) <= hi };
}
