/**
 * `lora-studio merge --backend webgpu` end to end on whatever adapter Dawn finds (llvmpipe on CI): the fused
 * bake runs in the worker threads on the GPU and equals `--backend wasm` (F16 within 1 ulp) on linear and conv
 * weights with two LoRAs; the stderr lines name the adapter and count the weights baked there (and those the
 * GPU bake did not take, with the reason); `auto` never takes a software adapter; a stop in the middle leaves
 * no partial file.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { runCliProcess } from '../helpers/cli.js';
import { randomValues, writeSafetensors, type FixtureTensor } from '../helpers/safetensors.js';
import { writeSyntheticBase } from '../helpers/synthetic-base.js';
import { devicePattern, testGpu, withinUlp } from '../helpers/webgpu.js';

const found = await testGpu();
const dir = mkdtempSync(path.join(tmpdir(), 'ls-webgpu-merge-'));
const basePath = path.join(dir, 'base.safetensors');
const loras = [path.join(dir, 'a.safetensors'), path.join(dir, 'b.safetensors')];
const patchedKeys: string[] = [];

beforeAll(() => {
  const specs = sd15Checkpoint({ size: 'tiny' });
  writeSyntheticBase(basePath, specs, { dtype: 'F16' });
  const km = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape })));
  const kinds = [/attn1_to_q$/, /attn2_to_k$/, /proj_in$/, /self_attn_v_proj$/, /resnets_0_conv1$/];
  const picked = kinds.flatMap((re) => km.modules.filter((m) => m.kohyaName && re.test(m.kohyaName)).slice(0, 2));
  expect(picked.some((m) => m.target.baseShape.length === 4)).toBe(true);
  loras.forEach((file, l) => {
    const rank = l === 0 ? 4 : 7;
    const tensors: FixtureTensor[] = [];
    picked.forEach((m, i) => {
      const shape = m.target.baseShape;
      const inFlat = shape.slice(1).reduce((a, b) => a * b, 1);
      tensors.push({ name: `${m.kohyaName}.lora_down.weight`, shape: [rank, ...shape.slice(1)], data: randomValues(rank * inFlat, 10 + i + 100 * l), dtype: 'F16' });
      tensors.push({ name: `${m.kohyaName}.lora_up.weight`, shape: [shape[0]!, rank, ...shape.slice(2).map(() => 1)], data: randomValues(shape[0]! * rank, 50 + i + 100 * l), dtype: 'F16' });
      tensors.push({ name: `${m.kohyaName}.alpha`, shape: [], data: [rank / 2], dtype: 'F16' });
      if (l === 0) patchedKeys.push(m.target.baseKey);
    });
    writeSafetensors(file, tensors, { ss_network_module: 'networks.lora', ss_network_dim: String(rank) });
  });
});

async function readAll(file: string): Promise<Map<string, { dtype: string; bytes: Uint8Array }>> {
  const f = await SafetensorsFile.open(file);
  const out = new Map<string, { dtype: string; bytes: Uint8Array }>();
  for (const e of f.entries) out.set(e.name, { dtype: e.dtype, bytes: await f.readBytes(e.name) });
  await f.close();
  return out;
}

const mergeArgs = (out: string, backend: string): string[] => ['merge', '--base', basePath, '--lora', `${loras[0]}:0.8`, '--lora', `${loras[1]}:-0.6`, '--out', out, '--no-hash', '--workers', '2', '--backend', backend];

describe.skipIf(!found.gpu)(`lora-studio merge --backend webgpu (${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  it('equals --backend wasm (F16 within 1 ulp), linear and conv weights, two LoRAs; stderr names the adapter', { timeout: 180_000 }, async () => {
    const wasmOut = path.join(dir, 'wasm.safetensors');
    const gpuOut = path.join(dir, 'gpu.safetensors');
    const w = await runCliProcess(mergeArgs(wasmOut, 'wasm'));
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/compute: wasm /);
    const g = await runCliProcess(mergeArgs(gpuOut, 'webgpu'));
    expect(g.code, g.stderr).toBe(0);
    expect(g.stderr).toMatch(/compute: webgpu \(WebGPU on .+ \((software|hardware)\); tfjs ops on wasm[;)]/);
    expect(g.stderr).toContain(found.gpu!.adapter.device);
    // Every patched weight baked on the GPU, nothing sent back to the CPU; no such line under wasm.
    expect(g.stderr).toMatch(new RegExp(`^gpu: ${patchedKeys.length} baked weights on ${devicePattern(found.gpu!)} \\((software|hardware)\\)$`, 'm'));
    expect(w.stderr).not.toMatch(/^gpu: /m);
    const a = await readAll(wasmOut);
    const b = await readAll(gpuOut);
    expect([...b.keys()]).toEqual([...a.keys()]);
    let differing = 0;
    for (const [name, t] of a) {
      const u = b.get(name)!;
      expect(u.dtype).toBe(t.dtype);
      if (!patchedKeys.includes(name)) expect(Buffer.compare(Buffer.from(u.bytes), Buffer.from(t.bytes)), name).toBe(0);
      else differing += withinUlp(u.bytes, t.bytes, 'F16', name).differing;
    }
    const total = patchedKeys.reduce((s, k) => s + a.get(k)!.bytes.byteLength / 2, 0);
    expect(differing).toBeLessThan(0.05 * total);
  });

  it('weights the GPU bake does not take are counted on the CPU with the reason (LORA_STUDIO_BAKE_KERNEL=js)', { timeout: 120_000 }, async () => {
    const res = await runCliProcess(mergeArgs(path.join(dir, 'js-kernel.safetensors'), 'webgpu'), { env: { LORA_STUDIO_BAKE_KERNEL: 'js' } });
    expect(res.code, res.stderr).toBe(0);
    // The JS path still forms each ΔW = up·down on the GPU's MatMul seam (one product per LoRA and weight).
    expect(res.stderr).toMatch(new RegExp(`^gpu: ${2 * patchedKeys.length} matrix products on .+; cpu fallback: ${patchedKeys.length} baked weights \\(LORA_STUDIO_BAKE_KERNEL=js\\)$`, 'm'));
  });

  it('auto does not take a software adapter, and says why', async () => {
    if (!found.gpu!.adapter.software) return;
    const res = await runCliProcess([...mergeArgs(path.join(dir, 'auto.safetensors'), 'auto'), '--quiet']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/compute: webgpu/);
  });

  it('a stop in the middle of a GPU run exits 130 and leaves no partial file', async () => {
    const outPath = path.join(dir, 'stopped.safetensors');
    const res = await runCliProcess([...mergeArgs(outPath, 'webgpu'), '--workers', '1'], {
      env: { LORA_STUDIO_DEBUG_DELAY_MS: '50' },
      onStderr: (text, kill) => {
        if (text.includes('tensor ') && !text.includes('SIGINT')) kill('SIGINT');
      },
    });
    expect(res.stderr).toMatch(/compute: webgpu/);
    expect(res.code === 130 || res.signal === 'SIGINT').toBe(true);
    expect(existsSync(outPath)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
  });

  it('--backend rejects an unknown name', async () => {
    const res = await runCliProcess(mergeArgs(path.join(dir, 'x.safetensors'), 'cuda'));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/expected one of auto, webgpu, node-gpu, node, wasm, cpu/);
  });
});

/** Per kohya module of a LoRA file: ΔW = (alpha/rank)·up·down in fp64 (rows × inFlat). */
async function loraDeltas(file: string): Promise<Map<string, Float64Array>> {
  const f = await SafetensorsFile.open(file);
  const out = new Map<string, Float64Array>();
  for (const e of f.entries) {
    if (!e.name.endsWith('.lora_up.weight')) continue;
    const name = e.name.slice(0, -'.lora_up.weight'.length);
    const up = await f.readFloat32(e.name);
    const downEntry = f.entries.find((d) => d.name === `${name}.lora_down.weight`)!;
    const down = await f.readFloat32(downEntry.name);
    const rank = downEntry.shape[0]!;
    const alpha = f.entries.some((d) => d.name === `${name}.alpha`) ? (await f.readFloat32(`${name}.alpha`))[0]! : rank;
    const rows = up.length / rank;
    const cols = down.length / rank;
    const d = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let t = 0; t < rank; t++) {
      const u = (up[i * rank + t]! * alpha) / rank;
      for (let j = 0; j < cols; j++) d[i * cols + j]! += u * down[t * cols + j]!;
    }
    out.set(name, d);
  }
  await f.close();
  return out;
}

function sameDeltas(a: Map<string, Float64Array>, b: Map<string, Float64Array>, tol: number): void {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  expect(a.size).toBeGreaterThan(0);
  for (const [name, x] of a) {
    const y = b.get(name)!;
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
      scale = Math.max(scale, Math.abs(x[i]!));
    }
    expect(diff / scale, name).toBeLessThan(tol);
  }
}

describe.skipIf(!found.gpu)('the other heavy ops on --backend webgpu equal --backend wasm', () => {
  it('merge --method ties (dense ΔW per LoRA through the GPU matmul): F16 within 1 ulp', { timeout: 180_000 }, async () => {
    const outs = await Promise.all(
      ['wasm', 'webgpu'].map(async (backend) => {
        const out = path.join(dir, `ties-${backend}.safetensors`);
        const res = await runCliProcess([...mergeArgs(out, backend), '--method', 'ties', '--density', '0.5', '--quiet']);
        expect(res.code, res.stderr).toBe(0);
        return readAll(out);
      }),
    );
    const [a, b] = outs as [Map<string, { dtype: string; bytes: Uint8Array }>, Map<string, { dtype: string; bytes: Uint8Array }>];
    for (const key of patchedKeys) withinUlp(b.get(key)!.bytes, a.get(key)!.bytes, 'F16', `ties ${key}`);
  });

  async function sameOnBothBackends(op: 'resize' | 'extract', args: string[]): Promise<void> {
    const deltas = [];
    for (const backend of ['wasm', 'webgpu']) {
      const out = path.join(dir, `${op}-${backend}.safetensors`);
      const res = await runCliProcess([op, ...args, '--out', out, '--dtype', 'fp32', '--no-hash', '--workers', '2', '--backend', backend]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toContain(`compute: ${backend}`);
      deltas.push(await loraDeltas(out));
    }
    sameDeltas(deltas[0]!, deltas[1]!, 1e-4);
  }

  it('resize (low-rank SVD products): the same ΔW to 1e-4', async () => {
    await sameOnBothBackends('resize', ['--lora', loras[1]!, '--rank', '3']);
  }, 180_000);

  it('extract (randomized SVD products): the same ΔW to 1e-4', async () => {
    const tuned = path.join(dir, 'tuned.safetensors');
    expect((await runCliProcess(['merge', '--base', basePath, '--lora', loras[0]!, '--out', tuned, '--no-hash', '--quiet', '--dtype', 'fp32'])).code).toBe(0);
    const base32 = path.join(dir, 'base32.safetensors');
    expect((await runCliProcess(['merge', '--base', basePath, '--lora', `${loras[0]!}:0`, '--out', base32, '--no-hash', '--quiet', '--dtype', 'fp32'])).code).toBe(0);
    await sameOnBothBackends('extract', ['--base', base32, '--tuned', tuned, '--rank', '4']);
  }, 180_000);
});
