// The layers of main/, shared/ and renderer/ and which may import which, checked by eslint-plugin-boundaries on
// resolved paths (the TypeScript resolver maps './x.js' to x.ts), so '../../../cli/program.js' from an engine file
// fails however it is spelled. A file matches the first element whose pattern fits. docs/engineering.md explains
// the layers; test/unit/lint/layer-rules.test.ts plants a violation of each rule.
import boundaries from 'eslint-plugin-boundaries';

/** Element types, lowest first. */
export const LAYER_ELEMENTS = [
  { type: 'shared', pattern: 'shared/**', partialMatch: false },
  { type: 'renderer', pattern: 'renderer/**', partialMatch: false },
  // compute: tfjs backend, matmul, worker protocol and linalg tasks; knows no operation.
  { type: 'engine-compute', pattern: 'main/engine/compute/**', partialMatch: false },
  // The operations (apply, combine, extract, resize, ...) and the writers of their outputs (export).
  { type: 'engine-ops', pattern: 'main/engine/{ops,export}/**', partialMatch: false },
  // What runs operations: the graph and its node impls, the service, the worker threads' task registry, the demo files.
  { type: 'engine-runner', pattern: 'main/engine/{graph,service,workers,demo}/**', partialMatch: false },
  // Everything else of the engine sits below ops: tensor-io, adapters, naming, linalg, values, module-source,
  // merge-methods, errors.
  { type: 'engine', pattern: 'main/engine/**', partialMatch: false },
  // Code both shells use (Electron and browser mode): platform files, engine API, static files, headers.
  { type: 'shell', pattern: 'main/shell/**', partialMatch: false },
  { type: 'server', pattern: 'main/server/**', partialMatch: false },
  { type: 'electron', pattern: 'main/electron/**', partialMatch: false },
  { type: 'preload', pattern: 'main/preload/**', partialMatch: false },
  { type: 'cli', pattern: 'main/cli/**', partialMatch: false },
];

const ENGINE_ALL = ['engine', 'engine-compute', 'engine-ops', 'engine-runner'];

/** Which element types each may import (default: nothing else). */
export const LAYER_ALLOWED = {
  shared: ['shared'],
  renderer: ['renderer', 'shared'],
  'engine-compute': ['engine-compute', 'engine', 'shared'],
  engine: ['engine', 'engine-compute', 'shared'],
  'engine-ops': ['engine-ops', 'engine', 'engine-compute', 'shared'],
  'engine-runner': [...ENGINE_ALL, 'shared'],
  shell: ['shell', ...ENGINE_ALL, 'shared'],
  server: ['server', 'shell', ...ENGINE_ALL, 'shared'],
  electron: ['electron', 'shell', ...ENGINE_ALL, 'shared'],
  preload: ['preload', 'shared'],
  // The CLI is a shell over the graph: no ops or export (graph documents run through the engine's runner);
  // it shares the shell layer's files (graph files written as the app writes them).
  cli: ['cli', 'shell', 'engine', 'engine-compute', 'engine-runner', 'shared'],
};

/** The files that may import more than their layer: `lora-studio serve` is the one CLI file that starts browser mode. */
export const LAYER_EXCEPTIONS = [
  { files: ['main/cli/commands/serve.ts'], type: 'cli', allowed: ['cli', 'server', 'shell', 'engine', 'engine-compute', 'engine-runner', 'shared'] },
];

function dependencyRule(allowed) {
  return ['error', {
    default: 'disallow',
    policies: Object.entries(allowed).map(([from, to]) => ({
      from: { element: { type: from } },
      allow: { to: { element: { types: { anyOf: to } } } },
    })),
  }];
}

export const layerConfigs = [{
  files: ['main/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
  plugins: { boundaries },
  settings: {
    'boundaries/elements': LAYER_ELEMENTS,
    'boundaries/include': ['main/**', 'shared/**', 'renderer/**'],
    'import/resolver': { typescript: { alwaysTryTypes: false, project: 'tsconfig.json' } },
  },
  rules: { 'boundaries/dependencies': dependencyRule(LAYER_ALLOWED) },
},
...LAYER_EXCEPTIONS.map(({ files, type, allowed }) => ({
  files,
  rules: { 'boundaries/dependencies': dependencyRule({ ...LAYER_ALLOWED, [type]: allowed }) },
}))];
