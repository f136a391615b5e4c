import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeModuleDelta } from '../../../../main/engine/adapters/delta.js';
import { loadAdapter } from '../../../../main/engine/adapters/load-adapter.js';
import { referenceMatMul } from '../../../../main/engine/compute/matmul.js';
import { buildKeyMap } from '../../../../main/engine/naming/key-map.js';
import { sd15Checkpoint } from '../../../../main/engine/naming/architectures/stable-diffusion.js';
import { combineLoras, planCombine } from '../../../../main/engine/ops/combine/index.js';
import { moduleDelta } from '../../../../main/engine/module-source/evaluate.js';
import { loadLora } from '../../../../main/engine/ops/load.js';
import { scaleLora, type LoraModuleValue, type LoraValue } from '../../../../main/engine/values/lora-value.js';
import { randomValues, writeSafetensors } from '../../../helpers/safetensors.js';
import { SD15, kohyaName, writeAttnProcLora, writeKohyaLora, type WrittenModule } from './fixtures.js';
import { delta64, relativeMaxError, truncated64, weightedSum } from './helpers.js';
import { tmpDir } from './helpers.js';

const mm = referenceMatMul;
const dir = tmpDir('op');
const canonical = (p: string): string => `unet.${p}`;
const moduleOf = (lora: LoraValue, name: string): LoraModuleValue => {
  const m = lora.modules.find((x) => x.name === name);
  if (!m) throw new Error(`no module ${name} in ${lora.modules.map((x) => x.name).join(', ')}`);
  return m;
};
const evaluate = async (m: LoraModuleValue): Promise<Float32Array> => {
  const d = await moduleDelta(m.source, mm);
  return m.strength === 1 ? d : d.map((v) => v * m.strength);
};
const dense = (w: WrittenModule, scale: number): Float64Array => delta64({ up: w.up, down: w.down, rank: w.spec.rank, out: w.spec.out, inFlat: w.down.length / w.spec.rank }, scale);

// A: kohya, B: diffusers attention processors; same SD 1.5 modules in part, different ranks.
const A = writeKohyaLora(dir, 'a-kohya.safetensors', [
  { path: SD15.q, out: 8, in: 8, rank: 2, alpha: 1 },
  { path: SD15.k, out: 8, in: 8, rank: 4, alpha: 2 },
  { path: SD15.ctxK, out: 8, in: 768, rank: 2, alpha: 4 },
]);
const B = writeAttnProcLora(dir, 'b-attnproc.safetensors', [
  { path: SD15.q, out: 8, in: 8, rank: 3 },
  { path: SD15.out, out: 8, in: 8, rank: 2 },
  { path: SD15.ctxK, out: 8, in: 768, rank: 1 },
]);

describe('combineLoras: alignment', () => {
  it('aligns a kohya and a diffusers LoRA for the same SD 1.5 modules by canonical name, across ranks; modules of one input stay', async () => {
    const [a, b] = [await loadLora(A.file), await loadLora(B.file)];
    expect(a.architecture.family).toBe('sd1');
    expect(b.architecture.family).toBe('sd1');
    const plan = planCombine([{ lora: a, weight: 0.7 }, { lora: b, weight: -0.4 }], { method: 'concat' });
    const out = plan.lora;
    expect(out.modules.map((m) => m.name).sort()).toEqual([SD15.q, SD15.k, SD15.ctxK, SD15.out].map(canonical).sort());
    expect(plan.shared).toBe(2);
    expect(out.architecture.family).toBe('sd1');
    expect(out.inputs).toEqual([A.file, B.file]);
    const q = moduleOf(out, canonical(SD15.q));
    expect(q).toMatchObject({ kind: 'lora', rank: 5, scale: 1, strength: 1, dora: false, deltaShape: [8, 8], block: 'IN01' });
    const expectedQ = weightedSum([{ x: dense(A.modules[0]!, 0.5), c: 0.7 }, { x: dense(B.modules[0]!, 1), c: -0.4 }], 64, 8);
    expect(relativeMaxError(await evaluate(q), expectedQ)).toBeLessThan(1e-6);
    const ctx = moduleOf(out, canonical(SD15.ctxK));
    expect(ctx.rank).toBe(3);
    const expectedCtx = weightedSum([{ x: dense(A.modules[2]!, 2), c: 0.7 }, { x: dense(B.modules[2]!, 1), c: -0.4 }], 8 * 768, 768);
    expect(relativeMaxError(await evaluate(ctx), expectedCtx)).toBeLessThan(1e-6);
    // Modules in only one input: its own delta times its weight.
    const onlyB = moduleOf(out, canonical(SD15.out));
    expect(onlyB.rank).toBe(2);
    expect(relativeMaxError(await evaluate(onlyB), weightedSum([{ x: dense(B.modules[1]!, 1), c: -0.4 }], 64, 8))).toBeLessThan(1e-6);
  });

  it('names output modules by canonical name, which a base of the family resolves', async () => {
    const out = combineLoras([{ lora: await loadLora(A.file), weight: 1 }, { lora: await loadLora(B.file), weight: 1 }], {});
    const km = buildKeyMap(sd15Checkpoint().map((t) => ({ name: t.key, shape: t.shape })));
    for (const m of out.modules) expect(km.resolve(m.name)?.baseKey, m.name).toMatch(/^model\.diffusion_model\.input_blocks\.1\.1\./);
  });

  it('one LoRA at weight 1 through concat is unchanged', async () => {
    const a = await loadLora(A.file);
    const out = combineLoras([{ lora: a, weight: 1 }], { method: 'concat' });
    const adapter = await loadAdapter(A.file);
    try {
      for (const spec of A.modules) {
        const original = await computeModuleDelta(adapter, adapter.modules.find((m) => m.name === kohyaName(spec.spec.path))!, mm);
        const combined = moduleOf(out, canonical(spec.spec.path));
        expect(combined.rank).toBe(spec.spec.rank);
        expect(relativeMaxError(await evaluate(combined), original)).toBeLessThan(1e-6);
      }
    } finally {
      await adapter.source.close();
    }
  });

  it('keeps the inputs\' files and their recipe roles (an extracted LoRA\'s checkpoints stay base and tuned)', async () => {
    const a = await loadLora(A.file);
    const extracted: LoraValue = { ...a, inputs: ['/m/base.safetensors', '/m/tuned.safetensors'], inputRoles: { '/m/base.safetensors': 'base', '/m/tuned.safetensors': 'tuned' } };
    const out = combineLoras([{ lora: a, weight: 1 }, { lora: extracted, weight: 1 }], { method: 'concat' });
    expect(out.inputs).toEqual([A.file, '/m/base.safetensors', '/m/tuned.safetensors']);
    expect(out.inputRoles).toEqual({ '/m/base.safetensors': 'base', '/m/tuned.safetensors': 'tuned' });
  });

  it('carries Scale / Block Weights strengths of the inputs into the coefficients', async () => {
    const a = await loadLora(A.file);
    const viaStrength = combineLoras([{ lora: scaleLora(a, (m) => (m.name.endsWith('to_q') ? 0.25 : 1)), weight: 2 }], {});
    const q = moduleOf(viaStrength, canonical(SD15.q));
    expect(q.strength).toBe(1);
    expect(relativeMaxError(await evaluate(q), dense(A.modules[0]!, 0.5 * 0.25 * 2))).toBeLessThan(1e-6);
  });
});

describe('combineLoras: methods', () => {
  it('svd: the best rank-k approximation of the weighted sum, rank capped by the stacked rank', async () => {
    const [a, b] = [await loadLora(A.file), await loadLora(B.file)];
    const out = combineLoras([{ lora: a, weight: 1 }, { lora: b, weight: 0.5 }], { method: 'svd', rank: 2 });
    const q = moduleOf(out, canonical(SD15.q));
    expect(q.rank).toBe(2);
    const sum = weightedSum([{ x: dense(A.modules[0]!, 0.5), c: 1 }, { x: dense(B.modules[0]!, 1), c: 0.5 }], 64, 8);
    expect(relativeMaxError(await evaluate(q), truncated64(sum, 8, 8, 2))).toBeLessThan(1e-5);
    // Only B has to_out (rank 2): the requested rank 3 would add nothing, so the module is declared rank 2.
    expect(combineLoras([{ lora: b, weight: 1 }], { method: 'svd', rank: 3 }).modules.find((m) => m.name === canonical(SD15.out))!.rank).toBe(2);
  });

  it('task-vector methods keep the weight out of τ and in the merge; rank is the declared rank', async () => {
    const [a, b] = [await loadLora(A.file), await loadLora(B.file)];
    const out = combineLoras([{ lora: a, weight: 1 }, { lora: b, weight: 1 }], { method: 'ties', density: 1, rank: 8 });
    const q = moduleOf(out, canonical(SD15.q));
    expect(q.rank).toBe(8);
    expect(q.source.type).toBe('task-merge');
    // density 1: ties averages the agreeing values, so where both signs agree the result is the mean.
    const tA = dense(A.modules[0]!, 0.5);
    const tB = dense(B.modules[0]!, 1);
    const got = await evaluate(q);
    const expected = tA.map((x, i) => {
      const y = tB[i]!;
      const elected = x + y >= 0 ? 1 : -1;
      const agree = [x, y].filter((v) => Math.sign(v) === elected);
      return agree.reduce((s, v) => s + v, 0) / Math.max(1, agree.length);
    });
    expect(relativeMaxError(got, expected)).toBeLessThan(1e-5);
  });

  it('kohya: equal ranks only (sd-scripts asserts); kohya_concat takes any; scale is base_alpha/rank', async () => {
    const [a, b] = [await loadLora(A.file), await loadLora(B.file)];
    expect(() => combineLoras([{ lora: a, weight: 1 }, { lora: b, weight: 1 }], { method: 'kohya' })).toThrow(
      expect.objectContaining({ code: 'kohya-merge-rank-mismatch', module: canonical(SD15.q), message: expect.stringMatching(/a-kohya\.safetensors: 2, b-attnproc\.safetensors: 3/) }),
    );
    const out = combineLoras([{ lora: a, weight: 1 }, { lora: b, weight: 1 }], { method: 'kohya_concat' });
    const q = moduleOf(out, canonical(SD15.q));
    expect(q.rank).toBe(5);
    // base alpha = first input's alpha (1), over Σr = 5.
    expect(q.scale).toBeCloseTo(1 / 5, 12);
    // Σ ratio·|ratio|·(alpha_i/Σr)·up_i·down_i with alpha_B = its rank (no alpha stored): 3.
    const expected = weightedSum([{ x: dense(A.modules[0]!, 1 / 5), c: 1 }, { x: dense(B.modules[0]!, 3 / 5), c: 1 }], 64, 8);
    expect(relativeMaxError(await evaluate(q), expected)).toBeLessThan(1e-6);
  });

  it('a LoCon 3×3 conv module concatenates with its flattened down ([r, in·9])', async () => {
    const c1 = writeKohyaLora(dir, 'conv-a.safetensors', [{ path: SD15.conv, out: 6, in: 4, rank: 2, alpha: 2, kernel: 3 }, { path: SD15.ctxK, out: 4, in: 768, rank: 1 }]);
    const c2 = writeKohyaLora(dir, 'conv-b.safetensors', [{ path: SD15.conv, out: 6, in: 4, rank: 3, alpha: 1, kernel: 3 }, { path: SD15.ctxK, out: 4, in: 768, rank: 1 }]);
    const out = combineLoras([{ lora: await loadLora(c1.file), weight: 1 }, { lora: await loadLora(c2.file), weight: 2 }], {});
    const conv = moduleOf(out, canonical(SD15.conv));
    expect(conv.deltaShape).toEqual([6, 4, 3, 3]);
    expect(conv.rank).toBe(5);
    const expected = weightedSum([{ x: dense(c1.modules[0]!, 1), c: 1 }, { x: dense(c2.modules[0]!, 1 / 3), c: 2 }], 6 * 36, 36);
    expect(relativeMaxError(await evaluate(conv), expected)).toBeLessThan(1e-6);
  });

  it('a LoHa input has no factors: concat refuses it, svd compresses its dense delta with the others', async () => {
    const L = kohyaName(SD15.q);
    const w = { w1a: randomValues(16, 1), w1b: randomValues(16, 2), w2a: randomValues(16, 3), w2b: randomValues(16, 4) };
    const file = writeSafetensors(path.join(dir, 'loha.safetensors'), [
      { name: `${L}.hada_w1_a`, shape: [8, 2], data: w.w1a },
      { name: `${L}.hada_w1_b`, shape: [2, 8], data: w.w1b },
      { name: `${L}.hada_w2_a`, shape: [8, 2], data: w.w2a },
      { name: `${L}.hada_w2_b`, shape: [2, 8], data: w.w2b },
      { name: `${L}.alpha`, shape: [], data: [1] },
    ]);
    const [a, loha] = [await loadLora(A.file), await loadLora(file)];
    expect(() => combineLoras([{ lora: a, weight: 1 }, { lora: loha, weight: 1 }], { method: 'concat' })).toThrow(
      expect.objectContaining({ code: 'combine-no-factors', module: L, message: expect.stringMatching(/LOHA module/), hint: expect.stringMatching(/--method svd/) }),
    );
    const out = combineLoras([{ lora: a, weight: 1 }, { lora: loha, weight: 1 }], { method: 'svd', rank: 8 });
    const q = moduleOf(out, canonical(SD15.q));
    const h1 = delta64({ up: w.w1a, down: w.w1b, rank: 2, out: 8, inFlat: 8 });
    const h2 = delta64({ up: w.w2a, down: w.w2b, rank: 2, out: 8, inFlat: 8 });
    const lohaDelta = h1.map((v, i) => v * h2[i]! * 0.5);
    const expected = weightedSum([{ x: dense(A.modules[0]!, 0.5), c: 1 }, { x: lohaDelta, c: 1 }], 64, 8);
    expect(relativeMaxError(await evaluate(q), expected)).toBeLessThan(1e-5);
  });
});

describe('combineLoras: fused and sliced targets (Flux)', () => {
  const h = 6;
  const fluxKohya = (file: string) =>
    writeSafetensors(path.join(dir, file), [
      { name: 'lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight', shape: [2, h], data: randomValues(2 * h, 11) },
      { name: 'lora_unet_double_blocks_0_img_attn_qkv.lora_up.weight', shape: [3 * h, 2], data: randomValues(6 * h, 12) },
    ]);
  const fluxDiffusers = (file: string, proj: string, s: number) =>
    writeSafetensors(path.join(dir, file), [
      { name: `transformer.transformer_blocks.0.attn.${proj}.lora_A.weight`, shape: [1, h], data: randomValues(h, s) },
      { name: `transformer.transformer_blocks.0.attn.${proj}.lora_B.weight`, shape: [h, 1], data: randomValues(h, s + 1) },
    ]);

  it('a part (diffusers to_k) joins the fused qkv module of another input at its rows [h, 2h)', async () => {
    const fused = await loadLora(fluxKohya('flux-fused.safetensors'));
    const part = await loadLora(fluxDiffusers('flux-to-k.safetensors', 'to_k', 20));
    expect(fused.architecture.family).toBe('flux');
    // A few Flux diffusers modules alone could be SD3 too: the part takes the family the fused input gives.
    expect(part.architecture.family).toBe('unknown');
    const out = combineLoras([{ lora: fused, weight: 1 }, { lora: part, weight: 0.5 }], {});
    expect(out.modules).toHaveLength(1);
    const m = out.modules[0]!;
    expect(m).toMatchObject({ name: 'flux.double_blocks.0.img_attn.qkv', deltaShape: [3 * h, h], rank: 3 });
    const fusedDelta = await moduleDelta(fused.modules[0]!.source, mm);
    const partDelta = await moduleDelta(part.modules[0]!.source, mm);
    const expected = weightedSum([{ x: fusedDelta, c: 1 }, { x: partDelta, c: 0.5, rowStart: h }], 3 * h * h, h);
    expect(relativeMaxError(await evaluate(m), expected)).toBeLessThan(1e-6);
  });

  it('a part whose fused module no input has stays a part, also when the family is known', async () => {
    const fused = await loadLora(fluxKohya('flux-fused-2.safetensors'));
    const part = await loadLora(
      writeSafetensors(path.join(dir, 'flux-block1-q.safetensors'), [
        { name: 'transformer.transformer_blocks.1.attn.to_q.lora_A.weight', shape: [1, h], data: randomValues(h, 60) },
        { name: 'transformer.transformer_blocks.1.attn.to_q.lora_B.weight', shape: [h, 1], data: randomValues(h, 61) },
      ]),
    );
    const out = combineLoras([{ lora: fused, weight: 1 }, { lora: part, weight: 1 }], {});
    expect(out.architecture.family).toBe('flux');
    expect(out.modules.map((m) => [m.name, m.canonical, m.block, m.deltaShape])).toEqual([
      ['flux.double_blocks.0.img_attn.qkv', 'flux.double_blocks.0.img_attn.qkv', 'D00', [3 * h, h]],
      ['transformer.transformer_blocks.1.attn.to_q', undefined, 'D01', [h, h]],
    ]);
  });

  it('parts without a fused input stay parts, named as diffusers names them (no canonical: that is the fused module)', async () => {
    const q1 = await loadLora(fluxDiffusers('flux-q1.safetensors', 'to_q', 30));
    const q2 = await loadLora(fluxDiffusers('flux-q2.safetensors', 'to_q', 40));
    const k = await loadLora(fluxDiffusers('flux-k.safetensors', 'to_k', 50));
    const out = combineLoras([{ lora: q1, weight: 1 }, { lora: q2, weight: 1 }, { lora: k, weight: 1 }], {});
    expect(out.modules.map((m) => [m.name, m.canonical, m.rank, m.deltaShape])).toEqual([
      ['transformer.transformer_blocks.0.attn.to_q', undefined, 2, [h, h]],
      ['transformer.transformer_blocks.0.attn.to_k', undefined, 1, [h, h]],
    ]);
  });
});

describe('combineLoras: PEFT adapters of a transformers model', () => {
  it('aligns PEFT paths with and without base_model.model. and keeps the first PEFT config', async () => {
    const q = 'model.layers.0.self_attn.q_proj';
    const v = 'model.layers.0.self_attn.v_proj';
    const peftDir = path.join(dir, 'llama-peft');
    writeSafetensors(path.join(peftDir, 'adapter_model.safetensors'), [
      { name: `base_model.model.${q}.lora_A.weight`, shape: [2, 16], data: randomValues(32, 70) },
      { name: `base_model.model.${q}.lora_B.weight`, shape: [16, 2], data: randomValues(32, 71) },
      { name: `base_model.model.${v}.lora_A.weight`, shape: [2, 16], data: randomValues(32, 72) },
      { name: `base_model.model.${v}.lora_B.weight`, shape: [8, 2], data: randomValues(16, 73) },
    ]);
    writeFileSync(path.join(peftDir, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj'], task_type: 'CAUSAL_LM', base_model_name_or_path: 'meta-llama/Llama-2-7b-hf' }));
    const bare = writeSafetensors(path.join(dir, 'llama-bare.safetensors'), [
      { name: `${q}.lora_A.weight`, shape: [1, 16], data: randomValues(16, 74) },
      { name: `${q}.lora_B.weight`, shape: [16, 1], data: randomValues(16, 75) },
    ]);
    const [x, y] = [await loadLora(peftDir), await loadLora(bare)];
    expect(x.architecture.family).toBe('llama');
    const plan = planCombine([{ lora: x, weight: 1 }, { lora: y, weight: 1 }], {});
    expect(plan.lora.modules.map((m) => [m.name, m.rank])).toEqual([
      [q, 3],
      [v, 2],
    ]);
    expect(plan.shared).toBe(1);
    expect(plan.lora.peftConfig).toMatchObject({ task_type: 'CAUSAL_LM', base_model_name_or_path: 'meta-llama/Llama-2-7b-hf' });
    const got = await evaluate(plan.lora.modules[0]!);
    const expected = weightedSum([{ x: await moduleDelta(x.modules[0]!.source, mm), c: 1 }, { x: await moduleDelta(y.modules[0]!.source, mm), c: 1 }], 256, 16);
    expect(relativeMaxError(got, expected)).toBeLessThan(1e-6);
  });
});

describe('combineLoras: bad input', () => {
  it('unknown method lists the valid ones; density outside (0, 1]; rank < 1; rank missing', async () => {
    const a = await loadLora(A.file);
    const inputs = [{ lora: a, weight: 1 }];
    expect(() => combineLoras(inputs, { method: 'average' })).toThrow(
      expect.objectContaining({ code: 'combine-unknown-method', message: expect.stringMatching(/concat, svd, task_arithmetic, magnitude_prune, ties, dare_linear, dare_ties, kohya, kohya_concat/) }),
    );
    for (const density of [0, -0.5, 1.5, Number.NaN]) {
      expect(() => combineLoras(inputs, { method: 'ties', density, rank: 4 })).toThrow(expect.objectContaining({ code: 'merge-density-range' }));
    }
    expect(() => combineLoras(inputs, { method: 'svd', rank: 0 })).toThrow(expect.objectContaining({ code: 'bad-rank' }));
    expect(() => combineLoras(inputs, { method: 'svd' })).toThrow(expect.objectContaining({ code: 'combine-rank-required' }));
    expect(() => combineLoras(inputs, { method: 'dare_ties', density: 0.5, rank: 4, seed: -1 })).toThrow(expect.objectContaining({ code: 'merge-seed-invalid' }));
    expect(() => combineLoras(inputs, { method: 'svd', rank: 4, clampQuantile: 2 })).toThrow(expect.objectContaining({ code: 'bad-clamp-quantile' }));
    expect(() => combineLoras([], {})).toThrow(expect.objectContaining({ code: 'combine-no-inputs' }));
    expect(() => combineLoras([{ lora: a, weight: Number.POSITIVE_INFINITY }], {})).toThrow(expect.objectContaining({ code: 'combine-weight-invalid' }));
  });

  it('refuses LoRAs for different architectures, naming both', async () => {
    const sdxl = writeSafetensors(path.join(dir, 'sdxl.safetensors'), [
      { name: 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_down.weight', shape: [1, 2048], data: randomValues(2048, 5) },
      { name: 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_up.weight', shape: [640, 1], data: randomValues(640, 6) },
    ]);
    const x = await loadLora(sdxl);
    expect(x.architecture.family).toBe('sdxl');
    const a = await loadLora(A.file);
    expect(() => combineLoras([{ lora: a, weight: 1 }, { lora: x, weight: 1 }], {})).toThrow(
      expect.objectContaining({ code: 'combine-architecture-mismatch', file: sdxl, message: expect.stringMatching(/a-kohya\.safetensors is a SD 1\.x LoRA but sdxl\.safetensors is a SDXL LoRA/i) }),
    );
  });

  it('refuses inputs of unknown architecture that share no module', async () => {
    const odd = (file: string, name: string) =>
      writeSafetensors(path.join(dir, file), [
        { name: `${name}.lora_A.weight`, shape: [1, 4], data: randomValues(4, 7) },
        { name: `${name}.lora_B.weight`, shape: [4, 1], data: randomValues(4, 8) },
      ]);
    const x = await loadLora(odd('odd-x.safetensors', 'encoder.block_a.proj'));
    const y = await loadLora(odd('odd-y.safetensors', 'decoder.block_b.proj'));
    expect(x.architecture.family).toBe('unknown');
    expect(() => combineLoras([{ lora: x, weight: 1 }, { lora: y, weight: 1 }], {})).toThrow(expect.objectContaining({ code: 'combine-nothing-in-common' }));
    // The same names align by name.
    const x2 = await loadLora(odd('odd-x2.safetensors', 'encoder.block_a.proj'));
    expect(combineLoras([{ lora: x, weight: 1 }, { lora: x2, weight: 1 }], {}).modules).toMatchObject([{ name: 'encoder.block_a.proj', rank: 2 }]);
  });

  it('refuses DoRA in a linear combination, naming the file and module', async () => {
    const K = kohyaName(SD15.q);
    const file = writeSafetensors(path.join(dir, 'dora.safetensors'), [
      { name: `${K}.lora_down.weight`, shape: [2, 8], data: randomValues(16, 9) },
      { name: `${K}.lora_up.weight`, shape: [8, 2], data: randomValues(16, 10) },
      { name: `${K}.dora_scale`, shape: [8, 1], data: randomValues(8, 11) },
    ]);
    const [a, dora] = [await loadLora(A.file), await loadLora(file)];
    for (const method of ['concat', 'svd', 'ties', 'kohya']) {
      expect(() => combineLoras([{ lora: a, weight: 1 }, { lora: dora, weight: 1 }], { method, rank: 4, density: 0.5 })).toThrow(
        expect.objectContaining({ code: 'combine-dora', file, module: K, hint: expect.stringMatching(/lora-studio merge/) }),
      );
    }
  });

  it('refuses the same module with different shapes, naming both inputs', async () => {
    const wide = writeKohyaLora(dir, 'wide.safetensors', [{ path: SD15.q, out: 8, in: 16, rank: 1 }, { path: SD15.ctxK, out: 8, in: 768, rank: 1 }]);
    const [a, w] = [await loadLora(A.file), await loadLora(wide.file)];
    expect(() => combineLoras([{ lora: a, weight: 1 }, { lora: w, weight: 1 }], {})).toThrow(
      expect.objectContaining({ code: 'combine-shape-mismatch', message: expect.stringMatching(/wide\.safetensors .* has ΔW \[8, 16\] but a-kohya\.safetensors .* has \[8, 8\]/) }),
    );
  });
});

const real = path.resolve(__dirname, '../../../../../shared/fixtures/real');
const realFile = path.join(real, 'sd15-diffusers-attnproc-lora.safetensors');

describe.skipIf(!existsSync(realFile))('combining the real SD 1.5 attention-processor LoRA with a synthetic kohya LoRA', () => {
  it('aligns all 128 modules (real key names both sides) and concatenates them exactly', async () => {
    const realLora = await loadLora(realFile);
    expect(realLora.modules).toHaveLength(128);
    // A kohya LoRA for the same modules: kohya names from the canonical names, shapes from the real file.
    const specs = realLora.modules.map((m, i) => ({ path: m.canonical!.slice('unet.'.length), out: m.deltaShape[0]!, in: m.deltaShape[1]!, rank: 1 + (i % 3), alpha: 1 }));
    const synthetic = writeKohyaLora(dir, 'kohya-for-real.safetensors', specs);
    const kohya = await loadLora(synthetic.file);
    expect(kohya.architecture.family).toBe('sd1');
    const plan = planCombine([{ lora: realLora, weight: 0.8 }, { lora: kohya, weight: 0.6 }], { method: 'concat' });
    expect(plan.lora.modules).toHaveLength(128);
    expect(plan.shared).toBe(128);
    for (const i of [0, 57, 127]) {
      const m = plan.lora.modules.find((x) => x.canonical === realLora.modules[i]!.canonical)!;
      expect(m.rank).toBe(4 + specs[i]!.rank);
      const realDelta = await moduleDelta(realLora.modules[i]!.source, mm);
      const expected = weightedSum([{ x: realDelta, c: 0.8 }, { x: dense(synthetic.modules[i]!, 1 / specs[i]!.rank), c: 0.6 }], realDelta.length, specs[i]!.in);
      expect(relativeMaxError(await evaluate(m), expected)).toBeLessThan(1e-5);
    }
  });
});
