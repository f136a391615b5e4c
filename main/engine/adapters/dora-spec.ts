/**
 * Which DoRA convention a module's magnitude tensor follows, decided from its key and shape (in module
 * orientation, the shape of ΔW before any transpose):
 * - PEFT `lora_magnitude_vector`: one value per output row, norm of W + s·ΔW without epsilon. For conv its
 *   stored shape is [1, out, 1, 1]; for embeddings the rows are B·A's rows (PEFT builds DoraEmbeddingLayer
 *   with fan_in_fan_out=True, i.e. one norm per embedding dimension).
 * - LyCORIS `dora_scale`: [out, 1, …] = wd_on_out (per output row), [1, in, …] = per input channel over every
 *   row and kernel tap; ComfyUI tests `dora_scale.shape[0] == weight.shape[0]` first, and so do we. The norm gets
 *   torch.finfo(float32).eps added (ComfyUI and LyCORIS compute in fp32).
 */
import { elementCount } from '../tensor-io/dtypes.js';
import { fmt, type ModuleStructure, type ModuleTensors } from './module-tensors.js';
import type { DoraSpec } from './types.js';

export const FP32_EPSILON = 2 ** -23;

export function doraSpec(t: ModuleTensors, s: ModuleStructure): DoraSpec | undefined {
  if (t.has('magnitude') && t.has('doraScale')) {
    throw t.error('duplicate-param', `has both lora_magnitude_vector ("${t.key('magnitude')}") and dora_scale ("${t.key('doraScale')}").`, t.key('doraScale'));
  }
  if (!t.has('magnitude') && !t.has('doraScale')) return undefined;
  if (s.params.kind === 'full' || s.deltaShape.length < 2) {
    const role = t.has('magnitude') ? 'magnitude' : 'doraScale';
    throw t.error('unsupported', 'has a DoRA magnitude but no low-rank delta to decompose.', t.key(role));
  }
  const out = s.deltaShape[0]!;
  if (t.has('magnitude')) {
    const shape = t.shape('magnitude');
    if (elementCount(shape) !== out) {
      throw t.error('shape-mismatch', `lora_magnitude_vector has shape ${fmt(shape)}; DoRA needs one value per output row (${out}).`, t.key('magnitude'));
    }
    return { key: t.key('magnitude'), norm: 'rows', epsilon: 0, convention: 'peft' };
  }
  const shape = t.shape('doraScale');
  const n = elementCount(shape);
  const key = t.key('doraScale');
  if (shape[0] === out && n === out) return { key, norm: 'rows', epsilon: FP32_EPSILON, convention: 'lycoris' };
  // LoHa/LoKr on conv without Tucker have a flattened [out, in·k·k] delta, so only divisibility can be checked.
  const flattenedConv = s.deltaShape.length === 2 && (s.params.kind === 'loha' || s.params.kind === 'lokr');
  const inCh = s.deltaShape[1]!;
  const fitsCols = flattenedConv ? inCh % n === 0 : n === inCh;
  if (shape.length >= 2 && shape[0] === 1 && fitsCols) return { key, norm: 'cols', epsilon: FP32_EPSILON, convention: 'lycoris' };
  throw t.error('shape-mismatch', `dora_scale has shape ${fmt(shape)}; for a delta of shape ${fmt(s.deltaShape)} it must be [${out}, 1, …] (per output) or [1, ${inCh}, …] (per input).`, key);
}
