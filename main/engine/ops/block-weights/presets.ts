/**
 * Named presets are LBW's, from shared/blocks (one table for the engine and the UI). Users may add their own
 * in LBW's lbwpresets.txt format.
 */
export { BLOCK_WEIGHT_PRESET_NAMES, UNIFORM_BLOCK_WEIGHT_PRESETS, presetVector } from '../../../../shared/blocks/block-weight-presets.js';

export { parsePresetText } from '../../../../shared/blocks/preset-text.js';
