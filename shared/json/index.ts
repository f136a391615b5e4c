export { MAX_JSON_DEPTH, jsonDepth, scanJsonText, tooDeepMessage, type JsonTextScan } from './limits.js';
