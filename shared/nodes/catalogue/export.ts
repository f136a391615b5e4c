import { defineNode } from '../definition.js';
import { param } from '../params/index.js';
import { byteSizeProblem } from '../byte-size.js';
import { ifExists, JSON_FILES, SAFETENSORS } from './common.js';

export const saveModel = defineNode({
  type: 'lora-studio/save-model',
  title: 'Save Model',
  aliases: ['CheckpointSave', 'Save Checkpoint', 'ModelSave'],
  category: 'Export',
  description: 'Writes a model as safetensors, streaming tensor by tensor.',
  keywords: ['export', 'write', 'checkpoint', 'safetensors', 'bake', 'shard'],
  docs: `Streams the model to disk: the header first (every shape and dtype is known from the plan), then each
tensor: read from the base, converted to fp32, patches added, rounded once (to nearest even) to the output
dtype. Untouched tensors are copied byte for byte. Peak memory is about one tensor, whatever the model size.

The file is written to a temporary name in the target folder, fsynced and renamed: a failure or Stop leaves
no partial file. An output path that resolves to one of the inputs is refused. Metadata keeps the base's
\`__metadata__\` and adds \`modelspec.*\` basics and the recipe (inputs with their hashes, strengths, methods).
With a maximum shard size, shards and a \`.safetensors.index.json\` are written (Hugging Face layout).`,
  version: 1,
  sink: true,
  inputs: [{ name: 'model', label: 'Model', type: 'model', description: 'The model to write.', required: true, multiple: false }],
  outputs: [],
  params: {
    path: param.file({ label: 'Output', description: 'The .safetensors file to write (the extension is added when missing).', mode: 'save', filters: [SAFETENSORS], default: 'merged-model.safetensors' }),
    dtype: param.enumOf(
      [
        { value: 'same', label: 'Same as base', description: 'Each tensor keeps the base’s dtype.' },
        { value: 'fp32', label: 'fp32' },
        { value: 'fp16', label: 'fp16' },
        { value: 'bf16', label: 'bf16' },
        { value: 'fp8_e4m3', label: 'fp8 (e4m3)', description: 'Saturating; for inference only.' },
        { value: 'fp8_e5m2', label: 'fp8 (e5m2)', description: 'Wider range, fewer mantissa bits; for inference only.' },
      ] as const,
      { label: 'Dtype', description: 'Floating-point type of the written weights (integer tensors are copied).', default: 'same', inline: true },
    ),
    maxShardSize: param.text({
      label: 'Max shard size',
      description: 'Split into shards of at most this size (e.g. 5GB, 4GiB, 500MB); empty or 0 writes one file.',
      placeholder: '5GB',
      check: byteSizeProblem,
      advanced: true,
    }),
    allowOverflow: param.boolean({
      label: 'Allow overflow to Inf',
      description: 'Write fp16 / bf16 values that base + strength·ΔW pushes past the dtype’s range as ±Inf instead of stopping (refused by default: the model would hold Inf/NaN).',
      default: false,
      advanced: true,
    }),
    ifExists,
  },
});

export const saveLora = defineNode({
  type: 'lora-studio/save-lora',
  title: 'Save LoRA',
  category: 'Export',
  description: 'Writes a LoRA in kohya or PEFT format.',
  keywords: ['export', 'write', 'kohya', 'peft', 'adapter', 'convert', 'safetensors'],
  docs: `- **kohya**: one \`.safetensors\` with \`lora_down\` / \`lora_up\` / \`alpha\` per module and kohya module names
  for SD-family models, minimal \`ss_*\` metadata (\`ss_network_module\`, \`ss_network_dim\`, \`ss_network_alpha\`,
  \`ss_base_model_version\`) and \`sshs_*\` hashes.
- **PEFT**: a directory with \`adapter_model.safetensors\` and \`adapter_config.json\` (\`r\`, \`lora_alpha\`,
  \`target_modules\`, \`rank_pattern\` / \`alpha_pattern\` when ranks differ, \`fan_in_fan_out\` and
  \`modules_to_save\` preserved) that \`PeftModel.from_pretrained\` loads.

Written atomically (temporary file, fsync, rename); the recipe is recorded in the metadata.`,
  version: 1,
  sink: true,
  inputs: [{ name: 'lora', label: 'LoRA', type: 'lora', description: 'The LoRA to write.', required: true, multiple: false }],
  outputs: [],
  params: {
    path: param.file({
      label: 'Output',
      description: 'kohya: the .safetensors file (the extension is added when missing); PEFT: the directory to create.',
      mode: 'save',
      filters: [SAFETENSORS],
      default: 'merged-lora.safetensors',
    }),
    format: param.enumOf(
      [
        { value: 'kohya', label: 'kohya', description: 'One safetensors file, lora_down/lora_up/alpha.' },
        { value: 'peft', label: 'PEFT', description: 'A directory with adapter_model.safetensors and adapter_config.json.' },
        { value: 'auto', label: 'Auto', description: 'kohya for SD-family and Flux LoRAs, PEFT for transformers models.' },
      ] as const,
      { label: 'Format', description: 'File layout and key names.', default: 'kohya', inline: true },
    ),
    dtype: param.enumOf(
      [
        { value: 'same', label: 'Same as input' },
        { value: 'fp32', label: 'fp32' },
        { value: 'fp16', label: 'fp16' },
        { value: 'bf16', label: 'bf16' },
      ] as const,
      { label: 'Dtype', description: 'Floating-point type of the written factors.', default: 'same' },
    ),
    ifExists,
  },
});

export const saveReport = defineNode({
  type: 'lora-studio/save-report',
  title: 'Save Report',
  category: 'Export',
  description: 'Writes reports (Inspect, Probe, Resize, Extract) to a JSON file.',
  keywords: ['export', 'json', 'report', 'write'],
  docs: `Writes the connected reports as one JSON file: \`{ "reports": [...] }\` in connection order, each in the
shape the UI plots (shared/ipc reports). Useful for comparing runs or plotting elsewhere.`,
  version: 1,
  sink: true,
  inputs: [{ name: 'reports', label: 'Reports', type: 'report', description: 'The reports to write.', required: true, multiple: true }],
  outputs: [],
  params: {
    path: param.file({ label: 'Output', description: 'The .json file to write (the extension is added when missing).', mode: 'save', filters: [JSON_FILES], default: 'report.json' }),
    ifExists,
  },
});
