/**
 * bakeTensor on real files: which jobs take the fused low-rank kernel, and that they give the same bytes as
 * the JS path (LORA_STUDIO_BAKE_KERNEL=js) with the scalars (alpha/r, coefficient) folded the same way; under an
 * active GPU device (llvmpipe on CI), which jobs the GPU bake takes and why the others stay on the CPU (route log).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapter } from '../../../../main/engine/adapters/load-adapter.js';
import { initBackend } from '../../../../main/engine/compute/backend.js';
import { tfjsMatMul } from '../../../../main/engine/compute/tfjs-matmul.js';
import { closeCachedAdapters } from '../../../../main/engine/adapters/adapter-cache.js';
import { bakeTensor, bakeTensorTo } from '../../../../main/engine/ops/apply/bake-tensor.js';
import { bakeLowRankJob, takesLowRankKernel } from '../../../../main/engine/ops/apply/kernels/low-rank-job.js';
import { applyLoraToModel } from '../../../../main/engine/ops/apply/apply-lora.js';
import { planBake } from '../../../../main/engine/ops/apply/plan-bake.js';
import { loadLora, modelFromBase, openBaseModel } from '../../../../main/engine/ops/load.js';
import { buildKeyMap } from '../../../../main/engine/naming/key-map.js';
import { sd15Checkpoint } from '../../../../main/engine/naming/architectures/stable-diffusion.js';
import { writeSyntheticBase } from '../../../helpers/synthetic-base.js';
import type { DeltaPatch, TensorJob } from '../../../../main/engine/ops/apply/patch-spec.js';
import type { DType } from '../../../../main/engine/tensor-io/dtypes.js';
import { castTensorBytes } from '../../../../main/engine/tensor-io/float-convert.js';
import { openCheckpoint } from '../../../../main/engine/tensor-io/open-checkpoint.js';
import type { TensorSource } from '../../../../main/engine/tensor-io/tensor-source.js';
import type { ModuleSource } from '../../../../main/engine/values/lora-value.js';
import { randomValues, writeSafetensors } from '../../../helpers/safetensors.js';
import { testGpu } from '../../../helpers/webgpu.js';
import { resetRouteLog, routeLog } from '../../../../main/engine/compute/route-log.js';
import { setActiveGpu } from '../../../../main/engine/compute/webgpu/gpu-device.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-bake-kernel-'));
const basePath = path.join(dir, 'base.safetensors');
const loraPath = path.join(dir, 'lora.safetensors');
let base: TensorSource;
const moduleNames = new Map<string, string>();

beforeAll(async () => {
  await initBackend();
  writeSafetensors(basePath, [
    { name: 'linear', shape: [40, 27], data: randomValues(40 * 27, 1, 0.1), dtype: 'F16' },
    { name: 'conv', shape: [16, 8, 3, 3], data: randomValues(16 * 72, 2, 0.1), dtype: 'BF16' },
    { name: 'fused', shape: [30, 12], data: randomValues(30 * 12, 3, 0.1), dtype: 'F16' },
    { name: 'full', shape: [9, 10], data: randomValues(90, 4, 0.1), dtype: 'F32' },
  ]);
  const lora = (name: string, out: number, inShape: number[], rank: number, seed: number): Parameters<typeof writeSafetensors>[1] => [
    { name: `lora_unet_${name}.lora_down.weight`, shape: [rank, ...inShape], data: randomValues(rank * inShape.reduce((a, b) => a * b, 1), seed, 0.1), dtype: 'F16' },
    { name: `lora_unet_${name}.lora_up.weight`, shape: [out, rank, ...inShape.slice(1).map(() => 1)], data: randomValues(out * rank, seed + 1, 0.1), dtype: 'F16' },
    { name: `lora_unet_${name}.alpha`, shape: [], data: [rank / 2], dtype: 'F16' },
  ];
  writeSafetensors(loraPath, [
    ...lora('linear', 40, [27], 4, 10),
    ...lora('conv', 16, [8, 3, 3], 3, 20),
    ...lora('q', 10, [12], 2, 30),
    ...lora('v', 10, [12], 5, 40),
    ...lora('full', 9, [10], 1, 50),
  ]);
  const adapter = await loadAdapter(loraPath);
  for (const m of adapter.modules) moduleNames.set(m.name.replace(/^lora_unet_/, ''), m.name);
  await adapter.source.close();
  base = await openCheckpoint(basePath);
});

afterAll(async () => {
  await base.close();
  await closeCachedAdapters();
});

afterEach(() => {
  delete process.env.LORA_STUDIO_BAKE_KERNEL;
});

function fileSource(short: string): ModuleSource {
  return { type: 'file', path: loraPath, module: moduleNames.get(short)! };
}

function delta(module: string, source: ModuleSource, coefficient: number, extra: Partial<DeltaPatch> = {}): DeltaPatch {
  return { type: 'delta', module, source, deltaShape: [], coefficient, transpose: false, dora: false, ...extra };
}

function job(name: string, outDtype: DType, patches: DeltaPatch[]): TensorJob {
  return { entry: base.get(name)!, outDtype, patches };
}

async function viaJs(j: TensorJob): Promise<Uint8Array> {
  process.env.LORA_STUDIO_BAKE_KERNEL = 'js';
  try {
    return await bakeTensor(j, tfjsMatMul);
  } finally {
    delete process.env.LORA_STUDIO_BAKE_KERNEL;
  }
}

async function expectKernelEqualsJs(j: TensorJob): Promise<void> {
  const kernel = await bakeLowRankJob(j, j.patches as DeltaPatch[], tfjsMatMul);
  expect(kernel, 'the job takes the kernel').toBeInstanceOf(Uint8Array);
  const js = await viaJs(j);
  expect(Buffer.compare(Buffer.from(kernel!), Buffer.from(js))).toBe(0);
  expect(Buffer.compare(Buffer.from(await bakeTensor(j, tfjsMatMul)), Buffer.from(js))).toBe(0);
}

describe('bakeTensor through the fused low-rank kernel', () => {
  it('a kohya LoRA from a file (alpha/r and strength folded into up), F16 → F16, BF16 and F32', async () => {
    for (const out of ['F16', 'BF16', 'F32'] as const) await expectKernelEqualsJs(job('linear', out, [delta('linear', fileSource('linear'), 0.7)]));
  });

  it('a 3×3 conv LoRA on a BF16 weight', async () => {
    await expectKernelEqualsJs(job('conv', 'BF16', [delta('conv', fileSource('conv'), -1.3)]));
  });

  it('q and v slices of a fused weight (k untouched) plus in-memory factors over the whole weight', async () => {
    const factors = { up: randomValues(30 * 3, 60, 0.1), down: randomValues(3 * 12, 61, 0.1), rank: 3, out: 30, inFlat: 12 };
    await expectKernelEqualsJs(
      job('fused', 'F16', [
        delta('q', fileSource('q'), 1, { slice: { start: 0, length: 10 } }),
        delta('v', fileSource('v'), 0.5, { slice: { start: 20, length: 10 } }),
        delta('all', { type: 'factors', factors, scale: 0.25 }, 2),
      ]),
    );
  });

  it('an F32 weight rounded to BF16, and a cast-only job', async () => {
    await expectKernelEqualsJs(job('full', 'BF16', [delta('full', fileSource('full'), 1)]));
    const cast = job('fused', 'BF16', []);
    const bytes = await bakeTensor(cast, tfjsMatMul);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(castTensorBytes(await base.readBytes('fused'), 'F16', 'BF16')))).toBe(0);
  });

  it('writes into a buffer it is given (of the output size), else into a new one', async () => {
    const j = job('linear', 'F16', [delta('linear', fileSource('linear'), 1)]);
    const into = new Uint8Array(40 * 27 * 2);
    const got = await bakeTensor(j, tfjsMatMul, undefined, into);
    expect(got).toBe(into);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(await viaJs(j)))).toBe(0);
    expect(await bakeTensor(j, tfjsMatMul, undefined, new Uint8Array(10))).not.toHaveLength(10);
  });

  it('bakeTensorTo gives a sink the same bytes in order: block by block from the kernel, in one piece from the JS path', async () => {
    const kernelJobs = [job('fused', 'BF16', [delta('q', fileSource('q'), 1, { slice: { start: 0, length: 10 } })]), job('conv', 'F32', [delta('conv', fileSource('conv'), 2)])];
    const jsJob = job('full', 'F16', [delta('full', fileSource('full'), 1, { transpose: true })]);
    for (const j of [...kernelJobs, jsJob]) {
      const want = await bakeTensor(j, tfjsMatMul);
      const got = new Uint8Array(want.byteLength);
      const pieces: number[] = [];
      let next = 0;
      await bakeTensorTo(j, tfjsMatMul, (bytes, offset) => {
        expect(offset).toBe(next);
        next += bytes.byteLength;
        got.set(bytes, offset);
        pieces.push(bytes.byteLength);
      });
      expect(next).toBe(want.byteLength);
      expect(Buffer.compare(Buffer.from(got), Buffer.from(want))).toBe(0);
      if (j === jsJob) expect(pieces).toHaveLength(1);
    }
  });

  it('leaves transposed targets, dense deltas, fp8 outputs and LORA_STUDIO_BAKE_KERNEL=js to the JS path', async () => {
    const transposed = job('full', 'F32', [delta('full', fileSource('full'), 1, { transpose: true })]);
    const dense = job('full', 'F32', [delta('full', { type: 'dense', delta: randomValues(90, 5) }, 1)]);
    const fp8 = job('linear', 'F8_E4M3', [delta('linear', fileSource('linear'), 1)]);
    for (const j of [transposed, dense, fp8]) expect(await bakeLowRankJob(j, j.patches as DeltaPatch[], tfjsMatMul)).toBeUndefined();
    process.env.LORA_STUDIO_BAKE_KERNEL = 'js';
    const plain = job('linear', 'F16', [delta('linear', fileSource('linear'), 1)]);
    expect(await bakeLowRankJob(plain, plain.patches as DeltaPatch[], tfjsMatMul)).toBeUndefined();
  });

  it('a LoRA that does not fit the weight still fails with the JS path\'s message', async () => {
    const j = job('fused', 'F16', [delta('linear', fileSource('linear'), 1)]);
    await expect(bakeTensor(j, tfjsMatMul)).rejects.toThrow(/needs 30×12/);
  });
});

describe('which jobs the plan sends to the kernel', () => {
  it('a kohya LoRA on an SD checkpoint: every patched tensor, with the patches marked low-rank', async () => {
    const specs = sd15Checkpoint({ size: 'tiny' });
    const sdBase = writeSyntheticBase(path.join(dir, 'sd.safetensors'), specs, { dtype: 'F16' });
    const km = buildKeyMap(specs.map((sp) => ({ name: sp.key, shape: sp.shape })));
    const picked = km.modules.filter((m) => m.kohyaName && /attn1_to_q$|resnets_0_conv1$/.test(m.kohyaName)).slice(0, 4);
    const sdLora = writeSafetensors(
      path.join(dir, 'sd-lora.safetensors'),
      picked.flatMap((m, i) => {
        const [out, ...rest] = m.target.baseShape;
        const inFlat = rest.reduce((a, b) => a * b, 1);
        return [
          { name: `${m.kohyaName}.lora_down.weight`, shape: [2, ...rest], data: randomValues(2 * inFlat, 70 + i, 0.1), dtype: 'F16' as const },
          { name: `${m.kohyaName}.lora_up.weight`, shape: [out!, 2, ...rest.slice(1).map(() => 1)], data: randomValues(out! * 2, 80 + i, 0.1), dtype: 'F16' as const },
        ];
      }),
    );
    const model = applyLoraToModel(modelFromBase(await openBaseModel(sdBase)), await loadLora(sdLora), 0.8);
    const patched = planBake(model, { dtype: 'same' }).filter((j) => j.patches.length > 0);
    expect(patched).toHaveLength(picked.length);
    for (const j of patched) {
      expect(j.patches.every((p) => p.type === 'delta' && p.lowRank === true)).toBe(true);
      expect(takesLowRankKernel(j)).toBe(true);
    }
    expect(planBake(model, { dtype: 'F8_E4M3' }).filter((j) => j.patches.length > 0).some(takesLowRankKernel)).toBe(false);
    const transposed = { ...patched[0]!, patches: patched[0]!.patches.map((p) => ({ ...p, transpose: true })) };
    expect(takesLowRankKernel(transposed)).toBe(false);
    const unmarked = { ...patched[0]!, patches: patched[0]!.patches.map((p) => ({ ...p, lowRank: undefined })) };
    expect(takesLowRankKernel(unmarked)).toBe(false);
    process.env.LORA_STUDIO_BAKE_KERNEL = 'js';
    expect(takesLowRankKernel(patched[0]!)).toBe(false);
  });
});

const found = await testGpu();

describe.skipIf(!found.gpu)(`the bake's GPU route, counted in the route log (${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  afterEach(() => {
    setActiveGpu(undefined);
    resetRouteLog();
  });

  it('on the GPU; a transposed target, an fp8 output and factors past a lowered binding limit on the CPU with the reason; casts not counted', async () => {
    const gpu = found.gpu!;
    setActiveGpu(gpu);
    resetRouteLog();
    await bakeTensor(job('linear', 'F16', [delta('linear', fileSource('linear'), 0.7)]), tfjsMatMul);
    await bakeTensor(job('full', 'F16', [delta('full', fileSource('full'), 1, { transpose: true })]), tfjsMatMul);
    await bakeTensor(job('linear', 'F8_E4M3', [delta('linear', fileSource('linear'), 0.7)]), tfjsMatMul);
    await bakeTensor(job('fused', 'BF16', []), tfjsMatMul);
    // conv's down is 3 × 72 fp32 = 864 bytes: past 512, so the WebAssembly kernel, with the same bytes as the JS path.
    setActiveGpu({ ...gpu, maxBinding: 512 });
    const conv = job('conv', 'BF16', [delta('conv', fileSource('conv'), -1.3)]);
    const onCpu = await bakeTensor(conv, tfjsMatMul);
    expect(routeLog()).toEqual([
      {
        op: 'bake',
        gpu: 1,
        cpu: [
          { reason: 'a transposed target', count: 1, detail: 'a transposed target' },
          { reason: 'F16 to F8_E4M3 (the GPU bake takes F16, BF16, F32)', count: 1, detail: 'F16 to F8_E4M3 (the GPU bake takes F16, BF16, F32)' },
          { reason: "factors past the adapter's largest storage binding", count: 1, detail: "the factors (864 bytes) exceed the adapter's largest storage binding (512)" },
        ],
      },
    ]);
    setActiveGpu(undefined);
    expect(Buffer.compare(Buffer.from(onCpu), Buffer.from(await viaJs(conv)))).toBe(0);
  });
});
