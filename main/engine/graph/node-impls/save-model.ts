/**
 * Save Model: streams the model to a safetensors file (or shards) through the worker pool: header first,
 * untouched tensors copied byte for byte, patched ones computed and rounded once; temp file, fsync, rename,
 * so a failure or Stop leaves no partial file.
 */
import path from 'node:path';
import { saveModel } from '../../../../shared/nodes/catalogue/export.js';
import { EngineError } from '../../errors.js';
import { modelspecFor } from '../../export/modelspec.js';
import { saveModel as saveModelFile } from '../../export/save-model.js';
import { workerHasher } from '../../export/hash-file-task.js';
import { formatByteSize, parseByteSize } from '../../tensor-io/byte-size.js';
import { filesSize } from '../../tensor-io/files-size.js';
import { writableDTypeFromName, type WritableFloatDType } from '../../tensor-io/dtypes.js';
import { defineNodeImpl } from '../node-impl.js';
import { modelRecipe, modelRecipeWidth } from '../model-recipe.js';
import { outputTarget } from '../output-target.js';
import { ensureOutputDirectory } from '../../tensor-io/output-guard.js';

export const saveModelImpl = defineNodeImpl(saveModel, async ({ node, inputs, params, run, pool, options, upstream }) => {
  const model = inputs.one('model', 'model');
  const out = outputTarget(node, params.path, params.ifExists, options);
  await ensureOutputDirectory(out);
  const shardBytes = parseByteSize(params.maxShardSize);
  const maxShardSize = shardBytes > 0 ? shardBytes : undefined;
  const recipeParams = { dtype: params.dtype, ...(maxShardSize ? { maxShardSize } : {}), graph: upstream() };
  const hash = options.hashInputs !== false;
  // Input hashes are computed on a worker while the others write the model (the slot is reserved in the header).
  const workers = await pool();
  const recipe = modelRecipe(model, recipeParams, hash, run.signal, workerHasher(workers));
  recipe.catch(() => undefined);
  const result = await saveModelFile(
    model,
    {
      out,
      dtype: outputDtype(params.dtype),
      ...(maxShardSize ? { maxShardSize } : {}),
      ...(params.allowOverflow ? { allowOverflow: true } : {}),
      pool: workers,
      recipe,
      recipeWidth: modelRecipeWidth(model, recipeParams),
      ...(options.windowBytes ? { windowBytes: options.windowBytes } : {}),
      ...(options.debugDelayMs ? { debugDelayMs: options.debugDelayMs } : {}),
      modelspec: modelspecFor(model.base.keyMap.architecture, path.basename(out).replace(/\.safetensors$/i, ''), false),
    },
    run,
  );
  const main = result.files.find((f) => f.endsWith('.index.json')) ?? result.files[0] ?? out;
  const bytes = await filesSize(result.files);
  return {
    summary: `written ${formatByteSize(bytes)}: ${result.patched} tensors patched, ${result.copied} copied${result.files.length > 1 ? `, ${result.files.length} files` : ''}`,
    files: [{ nodeId: node.id, kind: 'model', path: main, bytes, files: result.files }],
  };
});

/** A dtype param ("same", "fp16", …) as the writers take it. */
export function outputDtype(name: string): WritableFloatDType | 'same' {
  if (name === 'same') return 'same';
  const d = writableDTypeFromName(name);
  if (!d) throw new EngineError('bad-dtype', `Unknown output dtype "${name}".`, { hint: 'Use same, fp32, fp16, bf16 or fp8_e4m3.' });
  return d;
}
