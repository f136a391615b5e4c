import { defineNode, type NodeCheckIssue } from '../definition.js';
import { param } from '../params/index.js';
import { patterns, strength } from './common.js';

const section = (label: string, description: string) => param.boolean({ label, description, default: true });

export const inspect = defineNode({
  type: 'lora-studio/inspect',
  title: 'Inspect',
  category: 'Inspect',
  description: 'A report on LoRAs (and how they map onto a model): ranks, norms, spectra, coverage, sign conflicts.',
  keywords: ['report', 'analyse', 'analyze', 'spectrum', 'singular values', 'norm', 'coverage', 'mapping', 'conflict'],
  docs: `Computes, for each connected LoRA (in connection order):
- **Per module**: block, rank, alpha, scale, ‖ΔW‖_F (from the factors, without forming ΔW) and the effective
  rank \`exp(H(p))\`, \`pᵢ = σᵢ / Σσ\` (Roy & Vetterli).
- **Per block**: ‖ΔW‖_F summed in quadrature over the block's modules, one series per LoRA (plotted side by side).
- **Spectra**: the singular values of the chosen modules (log-scale plot); with no pattern, the modules
  with the largest ‖ΔW‖.
- **Mapping** (with a model connected): matched modules per block and every unmatched tensor with the reason.
- **Sign conflicts** (two or more LoRAs): per module, the fraction of entries where the deltas' signs
  disagree, i.e. what TIES' sign election would resolve.

With only a model connected, it reports the model's architecture, tensors per block and dtypes.`,
  version: 1,
  sink: true,
  inputs: [
    { name: 'loras', label: 'LoRAs', type: 'lora', description: 'LoRAs to inspect, compared side by side.', required: false, multiple: true },
    { name: 'model', label: 'Model', type: 'model', description: 'For mapping coverage, or to inspect a model.', required: false, multiple: false },
  ],
  outputs: [{ name: 'report', label: 'Report', type: 'report', description: 'The report (also shown in the UI and by the CLI).' }],
  params: {
    perModule: section('Per module', 'Rank, alpha, ‖ΔW‖ and effective rank of every module.'),
    perBlock: section('Per block', '‖ΔW‖ per block, for each LoRA.'),
    spectra: section('Spectra', 'Singular values of chosen modules.'),
    mapping: section('Mapping', 'How the LoRAs map onto the model (needs a model).'),
    signConflicts: section('Sign conflicts', 'Sign disagreement between LoRAs (needs two or more).'),
    spectraModules: {
      ...patterns('Modules whose spectra are plotted; empty picks the largest ones.'),
      label: 'Spectra of',
      showIf: { param: 'spectra', oneOf: [true] },
    },
    maxSpectra: param.integer({
      label: 'Max spectra',
      description: 'At most this many spectra per LoRA.',
      default: 8,
      min: 1,
      max: 256,
      advanced: true,
      showIf: { param: 'spectra', oneOf: [true] },
    }),
  },
  check: (_p, ctx): NodeCheckIssue[] =>
    (ctx.connected.loras ?? 0) === 0 && (ctx.connected.model ?? 0) === 0
      ? [{ code: 'needs-input', message: 'connect at least one LoRA or a model', port: 'loras' }]
      : [],
});

export const probe = defineNode({
  type: 'lora-studio/probe',
  title: 'Probe',
  category: 'Inspect',
  description: 'Runs a seeded random input through one layer: base, base + unfused LoRA branch, fused weight.',
  keywords: ['test', 'verify', 'equivalence', 'fuse', 'unfused', 'forward', 'layer'],
  docs: `For one layer W with LoRA factors A (down), B (up) and scale s, and a seeded random batch X (N(0, 1)):
- base: \`Y₀ = W·X\`
- unfused: \`Y₁ = W·X + m·s·B·(A·X)\` (the LoRA branch as trained)
- fused: \`Y₂ = (W + m·s·B·A)·X\` (what Apply LoRA bakes)

The report gives max |Y₁ − Y₂| and ‖Y₁ − Y₂‖ / ‖Y₁‖ (they agree to fp32 rounding: fusing is exact) and
‖Y₁ − Y₀‖ / ‖Y₀‖ (how much the LoRA changes that layer; 0 for a freshly initialised LoRA).
Conv layers are probed as their unfolded matrix.`,
  version: 1,
  sink: true,
  inputs: [
    { name: 'model', label: 'Model', type: 'model', description: 'Gives W.', required: true, multiple: false },
    { name: 'lora', label: 'LoRA', type: 'lora', description: 'Gives A, B and s.', required: true, multiple: false },
  ],
  outputs: [{ name: 'report', label: 'Report', type: 'report', description: 'The three outputs’ differences.' }],
  params: {
    layer: param.text({
      label: 'Layer',
      description: 'A module name or pattern; the first LoRA module that matches (and maps onto the model) is probed. Empty: the first mapped module.',
      placeholder: 'down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q',
      monospace: true,
      inline: true,
    }),
    strength: strength('Strength', 'Multiplier m on the branch.', false),
    batch: param.integer({ label: 'Batch', description: 'Number of random input vectors.', default: 4, min: 1, max: 1024 }),
    seed: param.seed({ label: 'Seed', description: 'Same seed, same input batch.' }),
  },
});
