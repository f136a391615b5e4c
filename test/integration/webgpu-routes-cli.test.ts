/**
 * Where the heavy operations ran, on the CLI's stderr (llvmpipe on CI): `combine --method svd --backend webgpu`
 * with one LoRA whose up factor has a column spanning 2^43 (1e-13 beside values near 1, fine in f32, past the
 * float-float Gram's 2^40): that Gram goes to the CPU and the last stderr line counts it with the reason, the
 * others on the GPU; under --backend wasm there is no such line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli.js';
import { randomValues, writeSafetensors, type FixtureTensor } from '../helpers/safetensors.js';
import { devicePattern, testGpu } from '../helpers/webgpu.js';
import { SD15, kohyaName } from '../unit/ops/combine/fixtures.js';

const found = await testGpu();
const dir = mkdtempSync(path.join(tmpdir(), 'ls-webgpu-routes-'));

interface Module {
  path: string;
  out: number;
  in: number;
  rank: number;
}

/** A kohya LoRA (fp32); `wide`: the module whose up factor's column 1 gets one value of 1e-13. */
function writeLora(file: string, modules: readonly Module[], seed: number, wide?: string): string {
  const tensors: FixtureTensor[] = modules.flatMap((m, i) => {
    const up = randomValues(m.out * m.rank, seed + 2 * i, 1);
    // Every other up value of column 1 stays near ±1 (randomValues: uniform in ±1), so the column spans ~2^43.
    if (m.path === wide) up[3 * m.rank + 1] = 1e-13;
    return [
      { name: `${kohyaName(m.path)}.lora_down.weight`, shape: [m.rank, m.in], data: randomValues(m.rank * m.in, seed + 2 * i + 1, 1) },
      { name: `${kohyaName(m.path)}.lora_up.weight`, shape: [m.out, m.rank], data: up },
      { name: `${kohyaName(m.path)}.alpha`, shape: [], data: [m.rank] },
    ];
  });
  return writeSafetensors(path.join(dir, file), tensors);
}

const A = writeLora('a.safetensors', [{ path: SD15.q, out: 40, in: 33, rank: 5 }, { path: SD15.ctxK, out: 40, in: 768, rank: 3 }], 1, SD15.q);
const B = writeLora('b.safetensors', [{ path: SD15.q, out: 40, in: 33, rank: 4 }, { path: SD15.ctxK, out: 40, in: 768, rank: 2 }], 9);

const combine = (backend: string): Promise<Awaited<ReturnType<typeof runCliProcess>>> =>
  runCliProcess(['combine', '--lora', `${A}:0.8`, '--lora', `${B}:-0.6`, '--method', 'svd', '--rank', '4', '--dtype', 'fp32', '--out', path.join(dir, `${backend}.safetensors`), '--no-hash', '--workers', '2', '--backend', backend]);

describe.skipIf(!found.gpu)(`the GPU-route line of the CLI (${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  it('combine --method svd --backend webgpu: the Gram the GPU refuses is counted on the CPU with its reason; wasm prints no such line', { timeout: 120_000 }, async () => {
    const g = await combine('webgpu');
    expect(g.code, g.stderr).toBe(0);
    const line = g.stderr.split('\n').find((l) => l.startsWith('gpu: '));
    // Two modules, two Grams each (upᵀ·up, down·downᵀ): three on the GPU, the wide up's on the CPU.
    expect(line).toMatch(new RegExp(`^gpu: (.+, )?3 Gram matrices(, .+)? on ${devicePattern(found.gpu!)} \\((software|hardware)\\); cpu fallback: 1 Gram matrix \\(a column spans more than 2\\^40\\)$`));
    const w = await combine('wasm');
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/compute: wasm /);
    expect(w.stderr).not.toMatch(/^gpu: /m);
  });
});
