export * from './widgets.js';
export * from './field.js';
export * as param from './builders.js';
export { MAX_SEED, type ValueCheck, type CommonOptions } from './builders.js';
export * from './from-text.js';
