/**
 * Two kohya LoRAs (fp32, SD 1.5 names, modules attn1.to_q and attn2.to_k in both) for `combine --method svd`
 * under webgpu where exactly one Gram goes to the CPU: column 1 of the first LoRA's to_q up factor holds one
 * 1e-13 beside values near ±1, a span of about 2^43, past the float-float Gram's 2^40 (and fine in f32). The
 * other three Grams (to_q's down, to_k's up and down) fit.
 */
import path from 'node:path';
import { SD15, kohyaName } from '../unit/ops/combine/fixtures.js';
import { randomValues, writeSafetensors, type FixtureTensor } from './safetensors.js';

interface Module {
  path: string;
  out: number;
  in: number;
  rank: number;
}

function writeLora(file: string, modules: readonly Module[], seed: number, wide?: string): string {
  const tensors: FixtureTensor[] = modules.flatMap((m, i) => {
    const up = randomValues(m.out * m.rank, seed + 2 * i, 1);
    if (m.path === wide) up[3 * m.rank + 1] = 1e-13;
    return [
      { name: `${kohyaName(m.path)}.lora_down.weight`, shape: [m.rank, m.in], data: randomValues(m.rank * m.in, seed + 2 * i + 1, 1) },
      { name: `${kohyaName(m.path)}.lora_up.weight`, shape: [m.out, m.rank], data: up },
      { name: `${kohyaName(m.path)}.alpha`, shape: [], data: [m.rank] },
    ];
  });
  return writeSafetensors(file, tensors);
}

/** a.safetensors (the wide column) and b.safetensors in `dir`. */
export function writeWideGramLoras(dir: string): { a: string; b: string } {
  const a = writeLora(path.join(dir, 'a.safetensors'), [{ path: SD15.q, out: 40, in: 33, rank: 5 }, { path: SD15.ctxK, out: 40, in: 768, rank: 3 }], 1, SD15.q);
  const b = writeLora(path.join(dir, 'b.safetensors'), [{ path: SD15.q, out: 40, in: 33, rank: 4 }, { path: SD15.ctxK, out: 40, in: 768, rank: 2 }], 9);
  return { a, b };
}

/** `combine --method svd` of the two (rank 4, fp32) into `out`, without the run options. */
export const wideGramCombineArgs = (loras: { a: string; b: string }, out: string): string[] => ['combine', '--lora', `${loras.a}:0.8`, '--lora', `${loras.b}:-0.6`, '--method', 'svd', '--rank', '4', '--dtype', 'fp32', '--out', out];
