/**
 * LoRA Block Weight's default presets, as data: DEF_WEIGHT_PRESET in hako-mikan/sd-webui-lora-block-weight
 * scripts/lora_block_weight.py (read at commit 04b986c). The SD ones are 17-value vectors in the order
 * BASE, IN01, IN02, IN04, IN05, IN07, IN08, MID, OUT03…OUT11; FLUXALL is 61 ones. (An older lbwpresets.txt
 * in that repository has BASE = 0 in IND…OUTALL; the script's current list, reproduced here, has 1.)
 */
const ONES_61 = new Array<number>(61).fill(1);

export const LBW_PRESETS: Readonly<Record<string, readonly number[]>> = {
  NONE: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  ALL: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  INS: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  IND: [1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  INALL: [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  MIDD: [1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  OUTD: [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  OUTS: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
  OUTALL: [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  'ALL0.5': [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  FLUXALL: ONES_61,
};

/**
 * Presets that give every slot one value. LBW has no SDXL presets and applies its 17-value ones to SDXL by
 * slot name (which leaves OUT00–OUT02, blocks with attention in SDXL, at 0); for SDXL and Flux we accept
 * only these, spread over every slot of the full layout, and refuse the others.
 */
export const UNIFORM_PRESETS: Readonly<Record<string, number>> = { NONE: 0, ALL: 1, 'ALL0.5': 0.5 };

/**
 * Reads presets written as LBW's lbwpresets.txt: one `NAME:v1,v2,…` per line. Like LBW, a line without ':'
 * or containing '#' is skipped. Values are checked when the preset is used.
 */
export function parsePresetText(text: string): Record<string, string> {
  const presets: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (colon <= 0 || line.includes('#')) continue;
    presets[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return presets;
}
