export { mergeTaskVectors } from './merge-task-vectors.js';
export { validateMergeOptions, parseMergeMethod, parseMajoritySign, checkDensity, checkSeed, type RawMergeOptions } from './options.js';
export { kohyaMergeModule, type KohyaFactors, type KohyaMergeResult } from './kohya.js';
export { moduleStream, RandomStream } from './random-stream.js';
export {
  MERGE_METHODS,
  MAJORITY_SIGN_METHODS,
  type MergeMethodName,
  type MajoritySign,
  type TaskVector,
  type TaskVectorMergeOptions,
} from './types.js';
