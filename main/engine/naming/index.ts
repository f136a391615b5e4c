/** Architecture detection, key mapping, mapping reports, canonical names and model templates. */
export type {
  ArchitectureFamily,
  ArchitectureGuess,
  BaseLayout,
  BaseModule,
  ComponentKind,
  KeyMap,
  MappingReport,
  MatchedModule,
  ModuleShape,
  ModuleTarget,
  NamedShape,
  TargetOverlap,
  UnmatchedModule,
} from './types.js';
export { detectArchitecture } from './analyze-base.js';
export { detectAdapterArchitecture } from './detect-adapter.js';
export { buildKeyMap, type BuiltKeyMap } from './key-map.js';
export { mapAdapter } from './map-adapter.js';
export { deltaFits, expectedDeltaShape } from './shape-fit.js';
export { blockRank, compareBlocks } from './blocks.js';
export {
  canonicalModule,
  canonicalModuleName,
  fluxFusedParts,
  kohyaModuleName,
  peftModuleName,
  referenceKeyMap,
  type CanonicalModule,
} from './canonical.js';
export { NamingError, type NamingErrorCode } from './errors.js';
export { FAMILY_TITLE } from './components.js';
export { ldmUnetToDiffusers, diffusersUnetToLdm, ldmUnetBlock } from './unet-paths.js';
export { bflToDiffusers, diffusersToBfl, fluxBlock, type FusedPart } from './flux-paths.js';
export * from './architectures/index.js';
