export * from './labels.js';
export * from './block-weight-layouts.js';
export * from './block-weight-presets.js';
export * from './elemental.js';
