/** Sample payloads in the contract's shapes, shared by the IPC tests. */
import type { BackendInfo, EngineEvent, InspectionResult, Report } from '../../../shared/ipc/index.js';

export const report: Report = {
  nodeId: 'inspect-1',
  nodeType: 'lora-studio/inspect',
  title: 'Inspect',
  createdAt: 1_700_000_000_000,
  sections: [
    { kind: 'summary', title: 'Overview', items: [{ label: 'Modules', value: 264 }, { label: 'Size', value: 151.1, unit: 'MB' }] },
    {
      kind: 'table',
      title: 'Per module',
      columns: [
        { key: 'module', label: 'Module', type: 'text' },
        { key: 'rank', label: 'Rank', type: 'integer' },
        { key: 'norm', label: '‖ΔW‖', type: 'number' },
      ],
      rows: [{ module: 'IN04.attn1.to_q', rank: 32, norm: 0.81 }, { module: 'IN04.attn1.to_k', rank: 32, norm: null }],
    },
    { kind: 'spectra', title: 'Spectra', series: [{ source: 'style', module: 'IN04.attn1.to_q', block: 'IN04', values: [3, 1, 0.2], keptRank: 2 }] },
    { kind: 'block-norms', title: 'Per block', blocks: ['TE', 'IN04', 'MID'], series: [{ source: 'style', values: [0.1, 0.5, null] }, { source: 'character', values: [0.2, 0.4, 0.3] }] },
    {
      kind: 'mapping',
      title: 'Mapping',
      entries: [{ source: 'style', architecture: 'sd1', matched: 190, unmatched: [{ module: 'lora_unet_foo', reason: 'no base tensor named foo' }], perBlock: [{ block: 'IN04', matched: 10 }] }],
    },
    { kind: 'sign-conflicts', title: 'Sign conflicts', sources: ['style', 'character'], overall: 0.31, modules: [{ module: 'IN04.attn1.to_q', block: 'IN04', fraction: 0.4, entries: 409600 }] },
    {
      kind: 'probe',
      title: 'Probe',
      layer: 'IN04.attn1.to_q',
      baseKey: 'model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn1.to_q.weight',
      shape: [320, 320],
      batch: 4,
      seed: 0,
      strength: 1,
      outputs: [{ name: 'base', norm: 12.5 }, { name: 'unfused', norm: 12.9 }, { name: 'fused', norm: 12.9 }],
      comparisons: [{ a: 'unfused', b: 'fused', maxAbsDiff: 2e-7, relativeL2: 1e-8 }],
    },
    { kind: 'notes', title: 'Notes', lines: [{ level: 'warning', text: '3 modules were skipped' }] },
  ],
};

export const backendInfo: BackendInfo = {
  active: 'wasm',
  detail: 'WebAssembly SIMD, 1 thread per worker',
  candidates: [
    { backend: 'tfjs-node-gpu', status: 'skipped', reason: 'not installed' },
    { backend: 'tfjs-node', status: 'skipped', reason: 'not installed' },
    { backend: 'wasm', status: 'active' },
    { backend: 'cpu', status: 'available' },
  ],
  workers: 2,
  cpu: { model: 'Test CPU', cores: 2 },
  memory: { totalBytes: 8e9, freeBytes: 4e9 },
  platform: 'linux-x64',
  nodeVersion: 'v20.19.0',
};

export const inspection: InspectionResult = {
  path: '/loras/style.safetensors',
  kind: 'lora',
  container: 'safetensors',
  files: ['/loras/style.safetensors'],
  bytes: 151_000_000,
  tensorCount: 792,
  parameterCount: 37_000_000,
  dtypes: [{ dtype: 'F16', tensors: 792, bytes: 74_000_000 }],
  architecture: { family: 'sd1', layout: 'ldm', components: ['unet', 'te'], evidence: ['lora_unet_down_blocks_0 with 320 channels'] },
  lora: {
    dialects: ['kohya'],
    moduleCount: 264,
    kinds: [{ kind: 'lora', count: 264 }],
    ranks: [{ rank: 32, count: 264 }],
    alphas: [{ alpha: 16, count: 200 }, { alpha: null, count: 64 }],
    rsLora: false,
    dora: false,
    conv: false,
    modulesPerBlock: [{ block: 'TE', count: 72 }, { block: 'IN01', count: 16 }],
    unusedKeys: [],
  },
  metadata: { ss_network_dim: '32', ss_network_alpha: '16' },
  hashes: { sha256: 'ab'.repeat(32), autoV2: 'ababababab', sshsModelHash: 'cd'.repeat(32) },
  warnings: [],
};

export const events: EngineEvent[] = [
  { type: 'run-started', runId: 'r1', at: 1, nodes: [{ nodeId: 'load-lora-1', title: 'Load LoRA', type: 'lora-studio/load-lora' }], pruned: [], warnings: [], backend: 'wasm', memory: { estimatedPeakBytes: 1e8, availableBytes: 4e9 } },
  { type: 'node-started', runId: 'r1', at: 2, nodeId: 'load-lora-1', title: 'Load LoRA' },
  { type: 'node-progress', runId: 'r1', at: 3, nodeId: 'load-lora-1', fraction: 0.5, etaMs: 1200, message: 'tensor 396/792' },
  { type: 'node-progress', runId: 'r1', at: 3, nodeId: 'load-lora-1', fraction: 0, etaMs: null },
  { type: 'node-finished', runId: 'r1', at: 4, nodeId: 'load-lora-1', ms: 12, cached: false, summary: 'kohya, rank 32' },
  { type: 'node-finished', runId: 'r1', at: 4, nodeId: 'inspect-1', ms: 80, cached: true, report },
  { type: 'node-failed', runId: 'r1', at: 5, nodeId: 'save-model-1', title: 'Save Model', message: 'Disk full', code: 'write-failed', hint: 'Free some space.' },
  { type: 'node-cancelled', runId: 'r1', at: 6, nodeId: 'save-model-1' },
  {
    type: 'run-finished',
    runId: 'r1',
    at: 7,
    status: 'failed',
    ms: 100,
    outputs: { files: [{ nodeId: 'save-lora-1', kind: 'lora', path: '/out/x.safetensors', bytes: 1000, files: ['/out/x.safetensors'] }], reports: [report] },
    error: { code: 'write-failed', message: 'Disk full', nodeId: 'save-model-1' },
  },
  { type: 'log', runId: null, at: 8, level: 'info', message: 'engine ready' },
];
