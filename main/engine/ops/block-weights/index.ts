export { createBlockMultiplier, type BlockMultiplier, type BlockMultiplierOptions } from './multiplier.js';
export { parseBlockWeights, type BlockWeights } from './parse.js';
export { describeLayouts, layoutsOf, schemeOf, slotNames, type BlockWeightScheme } from './layouts.js';
export { BLOCK_WEIGHT_PRESET_NAMES, UNIFORM_BLOCK_WEIGHT_PRESETS, parsePresetText, presetVector } from './presets.js';
export { weightLoraByBlocks, type LoraBlockWeighting } from './weight-lora.js';
