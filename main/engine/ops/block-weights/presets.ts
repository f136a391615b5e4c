/**
 * Named presets are LBW's, from shared/blocks (one table for the engine and the UI). Users may add their own
 * in LBW's lbwpresets.txt format.
 */
export { BLOCK_WEIGHT_PRESET_NAMES, UNIFORM_BLOCK_WEIGHT_PRESETS, presetVector } from '../../../../shared/blocks/block-weight-presets.js';

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
