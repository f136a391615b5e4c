/**
 * Save Model: streams the model to a safetensors file (or shards) through the worker pool: header first,
 * untouched tensors copied byte for byte, patched ones computed and rounded once; temp file, fsync, rename,
 * so a failure or Stop leaves no partial file.
 */
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { saveModel } from '../../../../shared/nodes/catalogue/export.js';
import { EngineError } from '../../errors.js';
import { modelspecFor } from '../../export/modelspec.js';
import { startStreamedHashes } from '../../export/recipe.js';
import { saveModel as saveModelFile } from '../../export/save-model.js';
import { formatByteSize, parseByteSize } from '../../tensor-io/byte-size.js';
import { writableDTypeFromName, type WritableFloatDType } from '../../tensor-io/dtypes.js';
import { defineKernel } from '../kernel.js';
import { modelRecipe } from '../model-recipe.js';

export function refuseExisting(out: string, ifExists: 'overwrite' | 'error', node: { id: string; title: string }): void {
  if (ifExists === 'error' && existsSync(out)) {
    throw new EngineError('output-exists', `${node.title}: “${out}” already exists and this node is set to stop rather than overwrite it.`, {
      node: node.id,
      file: out,
      hint: 'Choose another name, delete the file, or set “If the file exists” to Overwrite.',
    });
  }
}

export const saveModelKernel = defineKernel(saveModel, async ({ node, inputs, params, run, pool, options, upstream }) => {
  const model = inputs.one('model', 'model');
  const out = params.path;
  refuseExisting(out, params.ifExists, node);
  await mkdir(path.dirname(out), { recursive: true });
  const maxShardSize = params.maxShardSize.trim() === '' ? undefined : parseByteSize(params.maxShardSize);
  const hash = options.hashInputs !== false;
  // The base's hashes come from the bytes the save reads anyway (a cold cache costs no second pass).
  const streamedHashes = hash ? await startStreamedHashes(model.base.source.files) : [];
  const recipe = modelRecipe(model, { dtype: params.dtype, ...(maxShardSize ? { maxShardSize } : {}), graph: upstream() }, hash, run.signal, streamedHashes);
  recipe.catch(() => undefined);
  const result = await saveModelFile(
    model,
    {
      out,
      dtype: outputDtype(params.dtype),
      ...(maxShardSize ? { maxShardSize } : {}),
      pool: await pool(),
      recipe,
      streamedHashes,
      ...(options.windowBytes ? { windowBytes: options.windowBytes } : {}),
      ...(options.debugDelayMs ? { debugDelayMs: options.debugDelayMs } : {}),
      modelspec: modelspecFor(model.base.keyMap.architecture, path.basename(out).replace(/\.safetensors$/i, ''), false),
    },
    run,
  );
  const main = result.files.find((f) => f.endsWith('.index.json')) ?? result.files[0] ?? out;
  return {
    summary: `written ${formatByteSize(result.bytes)}: ${result.patched} tensors patched, ${result.copied} copied${result.files.length > 1 ? `, ${result.files.length} files` : ''}`,
    files: [{ nodeId: node.id, kind: 'model', path: main, bytes: result.bytes, files: result.files }],
  };
});

/** A dtype param ("same", "fp16", …) as the writers take it. */
export function outputDtype(name: string): WritableFloatDType | 'same' {
  if (name === 'same') return 'same';
  const d = writableDTypeFromName(name);
  if (!d) throw new EngineError('bad-dtype', `Unknown output dtype "${name}".`, { hint: 'Use same, fp32, fp16, bf16 or fp8_e4m3.' });
  return d;
}
