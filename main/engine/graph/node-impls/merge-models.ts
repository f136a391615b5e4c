/**
 * Merge Models: a checkpoint merge as a model step (weighted sum or add difference), computed per tensor while
 * Save Model streams. Tensors B (or C) lacks keep A's values and are logged; differing shapes stop the run here,
 * before anything is written.
 */
import { mergeModels } from '../../../../shared/nodes/catalogue/model.js';
import { EngineError } from '../../errors.js';
import { isFloatDType } from '../../tensor-io/dtypes.js';
import type { ModelValue } from '../../values/model-value.js';
import { defineNodeImpl } from '../node-impl.js';

function compare(a: ModelValue, other: ModelValue, role: string): { missing: string[]; mismatched: string[] } {
  const missing: string[] = [];
  const mismatched: string[] = [];
  for (const e of a.base.source.entries) {
    if (!isFloatDType(e.dtype)) continue;
    const o = other.base.source.get(e.name);
    if (!o) missing.push(e.name);
    else if (o.shape.length !== e.shape.length || o.shape.some((d, i) => d !== e.shape[i])) mismatched.push(`${e.name}: [${e.shape.join(', ')}] in A, [${o.shape.join(', ')}] in ${role}`);
  }
  return { missing, mismatched };
}

export const mergeModelsImpl = defineNodeImpl(mergeModels, async ({ node, inputs, params, run }) => {
  const a = inputs.one('a', 'model');
  const b = inputs.one('b', 'model');
  const c = params.mode === 'add_difference' ? inputs.one('c', 'model') : undefined;
  const others: [string, ModelValue][] = c ? [['B', b], ['C', c]] : [['B', b]];
  let missingTotal = 0;
  for (const [role, other] of others) {
    const { missing, mismatched } = compare(a, other, role);
    if (mismatched.length > 0) {
      const list = mismatched.slice(0, 8).map((m) => `  - ${m}`).join('\n');
      throw new EngineError('merge-shape-mismatch', `${node.title}: ${mismatched.length} tensors differ in shape between A and ${role}:\n${list}${mismatched.length > 8 ? `\n  … and ${mismatched.length - 8} more` : ''}`, {
        node: node.id,
        hint: 'Only models of the same architecture and size can be merged.',
      });
    }
    missingTotal += missing.length;
    if (missing.length > 0) run.log?.(`warning: ${node.title}: ${missing.length} tensors of A are missing from ${role} and keep A's values: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  }
  const factor = params.mode === 'weighted_sum' ? params.alpha : params.multiplier;
  const model: ModelValue = {
    ...a,
    steps: [...a.steps, { type: 'merge-models', mode: params.mode, factor, b, ...(c ? { c } : {}) }],
    label: params.mode === 'weighted_sum' ? `${a.label} ⊕ ${b.label} (α ${factor})` : `${a.label} + ${factor}·(${b.label} − ${c?.label ?? 'C'})`,
  };
  const formula = params.mode === 'weighted_sum' ? `(1 − ${factor})·A + ${factor}·B` : `A + ${factor}·(B − C)`;
  return { outputs: { model }, summary: `${formula}${missingTotal > 0 ? `, ${missingTotal} tensors kept from A` : ''}` };
});
