export * from './ports.js';
export * from './categories.js';
export * from './params/index.js';
export * from './definition.js';
export * from './registry.js';
export * from './patterns.js';
export * from './byte-size.js';
export * from './catalogue/index.js';
