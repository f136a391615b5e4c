/**
 * `lora-studio combine --method svd --backend webgpu` end to end on whatever adapter Dawn finds (llvmpipe on
 * CI): the Grams of the low-rank SVD run on the GPU in float-float (test/unit/compute/webgpu/svd-combine-gpu
 * checks that they are taken there) and the written LoRA is the same ΔW as `--backend wasm` to 1e-4, on odd
 * shapes, a conv module and modules only one input has.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { runCliProcess } from '../helpers/cli.js';
import { testGpu } from '../helpers/webgpu.js';
import { SD15, kohyaName, writeAttnProcLora, writeKohyaLora } from '../unit/ops/combine/fixtures.js';
import { delta64, relativeMaxError } from '../unit/ops/combine/helpers.js';

const found = await testGpu();
const dir = mkdtempSync(path.join(tmpdir(), 'ls-webgpu-combine-'));
const A = writeKohyaLora(dir, 'style.safetensors', [
  { path: SD15.q, out: 40, in: 33, rank: 9, alpha: 3 },
  { path: SD15.k, out: 17, in: 29, rank: 4, alpha: 2 },
  { path: SD15.ctxK, out: 40, in: 768, rank: 5, alpha: 4 },
  { path: SD15.conv, out: 19, in: 7, rank: 6, alpha: 6, kernel: 3 },
]);
const B = writeAttnProcLora(dir, 'character.safetensors', [
  { path: SD15.q, out: 40, in: 33, rank: 7 },
  { path: SD15.out, out: 23, in: 40, rank: 3 },
  { path: SD15.ctxK, out: 40, in: 768, rank: 3 },
]);

/** Every module's ΔW = (alpha/r)·up·down of a written kohya file, float64. */
async function deltas(file: string): Promise<Map<string, Float64Array>> {
  const f = await SafetensorsFile.open(file);
  try {
    const out = new Map<string, Float64Array>();
    for (const e of f.entries.filter((t) => t.name.endsWith('.lora_down.weight'))) {
      const name = e.name.slice(0, -'.lora_down.weight'.length);
      const up = await f.readFloat32(`${name}.lora_up.weight`);
      const down = await f.readFloat32(e.name);
      const alpha = (await f.readFloat32(`${name}.alpha`))[0]!;
      const rank = e.shape[0]!;
      out.set(name, delta64({ up, down, rank, out: up.length / rank, inFlat: down.length / rank }, alpha / rank));
    }
    return out;
  } finally {
    await f.close();
  }
}

const combineArgs = (out: string, backend: string): string[] => ['combine', '--lora', `${A.file}:0.8`, '--lora', `${B.file}:-0.6`, '--method', 'svd', '--rank', '6', '--dtype', 'fp32', '--out', out, '--no-hash', '--backend', backend];

describe.skipIf(!found.gpu)(`lora-studio combine --method svd --backend webgpu (${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  it('writes the same ΔW as --backend wasm (1e-4), odd shapes, a conv module, modules of one input', { timeout: 120_000 }, async () => {
    const wasmOut = path.join(dir, 'wasm.safetensors');
    const gpuOut = path.join(dir, 'gpu.safetensors');
    const w = await runCliProcess(combineArgs(wasmOut, 'wasm'));
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/compute: wasm /);
    const g = await runCliProcess(combineArgs(gpuOut, 'webgpu'));
    expect(g.code, g.stderr).toBe(0);
    expect(g.stderr).toMatch(/compute: webgpu \(WebGPU on /);
    const a = await deltas(wasmOut);
    const b = await deltas(gpuOut);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    expect([...a.keys()].sort()).toEqual([SD15.q, SD15.k, SD15.out, SD15.ctxK, SD15.conv].map(kohyaName).sort());
    for (const [name, want] of a) expect(relativeMaxError(b.get(name)!, want), name).toBeLessThan(1e-4);
  });
});
