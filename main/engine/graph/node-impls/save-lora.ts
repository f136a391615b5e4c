/**
 * Save LoRA: a kohya file or a PEFT directory (export/save-lora.ts), streamed a module at a time through the
 * pool, written atomically; the recipe records the inputs and what made the LoRA.
 */
import { saveLora } from '../../../../shared/nodes/catalogue/export.js';
import { EngineError } from '../../errors.js';
import { saveLora as saveLoraFiles, type LoraDtype } from '../../export/save-lora.js';
import { workerHasher } from '../../export/hash-file-task.js';
import { isHfFamily } from '../../naming/components.js';
import { formatByteSize } from '../../tensor-io/byte-size.js';
import { filesSize } from '../../tensor-io/files-size.js';
import { defineNodeImpl } from '../node-impl.js';
import { loraRecipe, loraRecipeWidth } from '../lora-recipe.js';
import { outputTarget } from '../output-target.js';
import { ensureOutputDirectory } from '../../tensor-io/output-guard.js';

const DTYPES: Readonly<Record<string, LoraDtype | 'same'>> = { same: 'same', fp32: 'F32', fp16: 'F16', bf16: 'BF16' };

export const saveLoraImpl = defineNodeImpl(saveLora, async ({ node, inputs, params, run, pool, options, upstream }) => {
  const lora = inputs.one('lora', 'lora');
  const dtype = DTYPES[params.dtype];
  if (!dtype) throw new EngineError('bad-dtype', `${node.title}: unknown dtype "${params.dtype}".`, { node: node.id });
  if (lora.modules.length === 0) throw new EngineError('empty-lora', `${node.title}: ${lora.label} has no module to write.`, { node: node.id, hint: 'Check the selection upstream.' });
  const format = params.format === 'auto' ? (isHfFamily(lora.architecture.family) ? 'peft' : 'kohya') : params.format;
  // The extension follows the format written (a PEFT directory gets none), so `auto` is resolved first.
  const out = outputTarget({ ...node, params: { ...node.params, format } }, params.path, params.ifExists, options);
  await ensureOutputDirectory(out);
  const recipeParams = { format, dtype: params.dtype, graph: upstream() };
  // Input hashes are computed on a worker while the others compute and write the LoRA.
  const workers = await pool();
  const recipe = loraRecipe(lora, recipeParams, options.hashInputs !== false, run.signal, workerHasher(workers));
  recipe.catch(() => undefined);
  const result = await saveLoraFiles(
    lora,
    {
      out,
      format,
      dtype,
      pool: workers,
      recipe,
      recipeWidth: loraRecipeWidth(lora, recipeParams),
      ...(options.windowBytes ? { windowBytes: options.windowBytes } : {}),
      ...(options.debugDelayMs ? { debugDelayMs: options.debugDelayMs } : {}),
    },
    run,
  );
  const ranks = [...new Set(result.modules.flatMap((m) => (m.rank !== undefined ? [m.rank] : [])))].sort((a, b) => a - b);
  const rankText = ranks.length === 0 ? '' : ranks.length <= 3 ? `, rank ${ranks.join('/')}` : `, ranks ${ranks[0]}–${ranks[ranks.length - 1]}`;
  const bytes = await filesSize(result.files);
  return {
    summary: `${format} ${result.dtype}, ${result.modules.length} modules${rankText}, written ${formatByteSize(bytes)}`,
    files: [{ nodeId: node.id, kind: 'lora', path: result.out, bytes, files: [...result.files] }],
  };
});
