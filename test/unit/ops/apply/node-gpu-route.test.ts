/**
 * With node-gpu active (a stand-in package registering a 'tensorflow' tfjs backend, test/helpers/fake-tfjs-node-gpu.ts),
 * the low-rank bake goes through the MatMul seam in row blocks (the products on the tfjs backend) and its output
 * equals the fused WebAssembly kernel's within 1 ulp. Run on a real file through bakeTensor.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/compute/backend.js';
import type { MatMul } from '../../../../main/engine/compute/matmul.js';
import { tfjsMatMul } from '../../../../main/engine/compute/tfjs-matmul.js';
import { bakeTensor } from '../../../../main/engine/ops/apply/bake-tensor.js';
import type { TensorJob } from '../../../../main/engine/ops/apply/patch-spec.js';
import { openCheckpoint } from '../../../../main/engine/tensor-io/open-checkpoint.js';
import type { TensorSource } from '../../../../main/engine/tensor-io/tensor-source.js';
import { randomValues, writeSafetensors } from '../../../helpers/safetensors.js';
import { withinUlp } from '../../../helpers/webgpu.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-node-gpu-route-'));
const basePath = path.join(dir, 'base.safetensors');
const fake = path.resolve(import.meta.dirname, '../../../helpers/fake-tfjs-node-gpu.ts');
let base: TensorSource;

beforeAll(async () => {
  writeSafetensors(basePath, [{ name: 'conv', shape: [24, 8, 3, 3], data: randomValues(24 * 72, 1, 0.1), dtype: 'F16' }]);
  base = await openCheckpoint(basePath);
});

afterAll(async () => {
  await base.close();
  await selectBackend({ prefer: 'wasm' });
});

function job(): TensorJob {
  const entry = base.entries.find((e) => e.name === 'conv')!;
  const factors = { up: randomValues(24 * 4, 2, 0.1), down: randomValues(4 * 72, 3, 0.1), rank: 4, out: 24, inFlat: 72 };
  return {
    entry,
    outDtype: 'F16',
    patches: [{ type: 'delta', module: 'conv', source: { type: 'factors', factors, scale: 0.5 }, deltaShape: [24, 8, 3, 3], coefficient: 0.8, transpose: false, dora: false, lowRank: true }],
  } as unknown as TensorJob;
}

describe('the bake under node-gpu', () => {
  it('runs its products on the tfjs backend, in row blocks, and equals the WebAssembly kernel', async () => {
    const wasm = await selectBackend({ prefer: 'wasm' });
    expect(wasm.name).toBe('wasm');
    const t = job();
    const want = await bakeTensor(t, tfjsMatMul);
    const info = await selectBackend({ prefer: 'node-gpu', nativeModules: { 'node-gpu': fake } });
    expect(info.name).toBe('node-gpu');
    let products = 0;
    const counting: MatMul = { matmul: (...args) => (products++, tfjsMatMul.matmul(...args)) };
    const got = await bakeTensor(t, counting);
    expect(products).toBeGreaterThan(0);
    withinUlp(got, want, 'F16', 'conv under node-gpu');
  });
});
