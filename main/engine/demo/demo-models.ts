/**
 * The demo bases: a tiny SD 1.5 checkpoint (every real key name of the LDM single-file layout, tiny widths),
 * its "fine-tuned" sibling (low-rank changes on the UNet attention layers, for Extract LoRA), and a tiny
 * DistilBERT (Hugging Face names) for the PEFT adapters.
 */
import { CLIP_L, SD15_UNET, clipTextTensors, distilbertTensors, tinyClip, tinyUnet, unetLdmTensors, type BertConfig, type TensorSpec } from '../naming/architectures/index.js';
import { buildKeyMap } from '../naming/key-map.js';
import { elementCount } from '../tensor-io/dtypes.js';
import { uniformValues } from './demo-random.js';
import type { DemoTensor } from './write-tensors.js';

export const DEMO_DISTILBERT: BertConfig = { vocab: 128, positions: 32, tokenTypes: 2, hidden: 32, layers: 2, intermediate: 64 };

function intBuffer(n: number): Uint8Array {
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt(i);
  return new Uint8Array(out.buffer);
}

export function baseTensors(specs: readonly TensorSpec[], seed: number, dtype: 'F16' | 'F32'): DemoTensor[] {
  return specs.map((s) => {
    const n = elementCount(s.shape);
    if (s.dtype !== undefined) return { name: s.key, shape: s.shape, dtype: s.dtype, data: intBuffer(n) };
    // Norm weights near 1, everything else small: a plausible checkpoint, not just noise.
    const isNormWeight = s.shape.length === 1 && /norm.*\.weight$|ln_.*\.weight$|LayerNorm\.weight$/i.test(s.key);
    const values = uniformValues(n, isNormWeight ? 0.05 : 0.1, seed, s.key);
    if (isNormWeight) for (let i = 0; i < n; i++) values[i]! += 1;
    return { name: s.key, shape: s.shape, dtype, data: values };
  });
}

/**
 * SD 1.5's single-file layout with every real key name, the UNet at tiny widths, but the text encoder (one
 * layer) and the cross-attention context at CLIP-L's real width 768: that width is how LoRA files are told to
 * be SD 1.x (not 2.x), so the demo LoRAs get their architecture, block labels and kohya names as real ones do.
 */
export const sd15Specs = (): TensorSpec[] => [
  ...unetLdmTensors(tinyUnet(SD15_UNET, CLIP_L.width)),
  ...clipTextTensors({ ...tinyClip(CLIP_L, CLIP_L.width), layers: 1 }, 'cond_stage_model.transformer.'),
];
export const distilbertSpecs = (): TensorSpec[] => distilbertTensors(DEMO_DISTILBERT);

/** The base plus rank-`rank` changes on every UNet attention projection: what a small fine-tune leaves. */
export function tunedTensors(base: readonly DemoTensor[], rank: number, seed: number): DemoTensor[] {
  const keyMap = buildKeyMap(base.map((t) => ({ name: t.name, shape: t.shape })));
  const changed = new Set(keyMap.modules.filter((m) => m.component === 'unet' && /attn[12]\.(to_q|to_k|to_v|to_out\.0)$/.test(m.canonical)).map((m) => m.target.baseKey));
  return base.map((t) => {
    if (!changed.has(t.name) || !(t.data instanceof Float32Array)) return t;
    const out = t.shape[0]!;
    const inFlat = elementCount(t.shape) / out;
    const up = uniformValues(out * rank, 0.2, seed, `${t.name}.up`);
    const down = uniformValues(rank * inFlat, 0.2, seed, `${t.name}.down`);
    const data = Float32Array.from(t.data);
    for (let o = 0; o < out; o++) for (let i = 0; i < inFlat; i++) {
      let d = 0;
      for (let r = 0; r < rank; r++) d += up[o * rank + r]! * down[r * inFlat + i]!;
      data[o * inFlat + i]! += d;
    }
    return { ...t, data };
  });
}
