export { MAX_JSON_DEPTH, jsonDepth, scanJsonText, type JsonTextScan } from './limits.js';
