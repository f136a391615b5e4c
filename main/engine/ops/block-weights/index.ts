export { createBlockMultiplier, type BlockMultiplier, type BlockMultiplierOptions } from './multiplier.js';
export { parseBlockWeights, type BlockWeights } from './parse.js';
export { FIXED_LAYOUTS, describeLayouts, schemeOf, type BlockWeightScheme } from './layouts.js';
export { LBW_PRESETS, UNIFORM_PRESETS, parsePresetText } from './presets.js';
