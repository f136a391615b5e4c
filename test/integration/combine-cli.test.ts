/**
 * `lora-studio combine` end to end: real LoRA files on disk (a kohya and a diffusers attention-processor LoRA
 * for the same SD 1.5 modules, different ranks) through the bundled CLI, the written kohya file and PEFT
 * directory read back and checked against the formulas computed independently here (float64).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDemoFiles } from '../../main/engine/demo/index.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { runCliProcess } from '../helpers/cli.js';
import { randomValues, writeSafetensors } from '../helpers/safetensors.js';
import { SD15, kohyaName, writeAttnProcLora, writeKohyaLora, type WrittenModule } from '../unit/ops/combine/fixtures.js';
import { delta64, relativeMaxError, singularValues64, truncated64, weightedSum } from '../unit/ops/combine/helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-combine-cli-'));
const A = writeKohyaLora(dir, 'style.safetensors', [
  { path: SD15.q, out: 8, in: 8, rank: 2, alpha: 1 },
  { path: SD15.k, out: 8, in: 8, rank: 4, alpha: 2 },
  { path: SD15.ctxK, out: 8, in: 768, rank: 2, alpha: 4 },
]);
const B = writeAttnProcLora(dir, 'character.safetensors', [
  { path: SD15.q, out: 8, in: 8, rank: 3 },
  { path: SD15.out, out: 8, in: 8, rank: 2 },
  { path: SD15.ctxK, out: 8, in: 768, rank: 1 },
]);
const inputs = (): string[] => [A.file, B.file].map((f) => statSync(f).mtimeMs.toString());
const before = inputs();

const dense = (w: WrittenModule, scale: number): Float64Array => delta64({ up: w.up, down: w.down, rank: w.spec.rank, out: w.spec.out, inFlat: w.down.length / w.spec.rank }, scale);

/** ΔW of a kohya module of a written file, float64: (alpha/r)·up·down. */
async function kohyaDelta(f: SafetensorsFile, name: string): Promise<{ values: Float64Array; rank: number; alpha: number }> {
  const up = await f.readFloat32(`${name}.lora_up.weight`);
  const down = await f.readFloat32(`${name}.lora_down.weight`);
  const alpha = (await f.readFloat32(`${name}.alpha`))[0]!;
  const rank = f.get(`${name}.lora_down.weight`)!.shape[0]!;
  return { values: delta64({ up, down, rank, out: up.length / rank, inFlat: down.length / rank }, alpha / rank), rank, alpha };
}

describe('lora-studio combine', () => {
  it('concat (default) writes a kohya file whose modules are exactly Σ w_i·s_i·ΔW_i, ranks added, alpha = rank', async () => {
    const out = path.join(dir, 'concat.safetensors');
    const res = await runCliProcess(['combine', '--lora', `${A.file}:0.7`, '--lora', `${B.file}:-0.4`, '--out', out, '--quiet']);
    // The Combine LoRAs node's summary line (the command runs the graph it compiles to).
    expect(res.stderr).toMatch(/Combine LoRAs \(combine-loras-1\) [\d.]+s: concat, 2 LoRAs → 4 modules \(2 shared\)/);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(out);
    const f = await SafetensorsFile.open(out);
    try {
      const q = await kohyaDelta(f, kohyaName(SD15.q));
      expect(q.rank).toBe(5);
      expect(q.alpha).toBe(5);
      const expectedQ = weightedSum([{ x: dense(A.modules[0]!, 0.5), c: 0.7 }, { x: dense(B.modules[0]!, 1), c: -0.4 }], 64, 8);
      expect(relativeMaxError(q.values, expectedQ)).toBeLessThan(1e-6);
      const out0 = await kohyaDelta(f, kohyaName(SD15.out));
      expect(relativeMaxError(out0.values, weightedSum([{ x: dense(B.modules[1]!, 1), c: -0.4 }], 64, 8))).toBeLessThan(1e-6);
      expect(f.entries.map((e) => e.name).filter((n) => n.endsWith('.alpha')).sort()).toEqual([SD15.q, SD15.k, SD15.ctxK, SD15.out].map((p) => `${kohyaName(p)}.alpha`).sort());
      expect(new Set(f.entries.map((e) => e.dtype))).toEqual(new Set(['F32']));
      // One recipe shape: the graph the command ran, with the weights on Combine LoRAs' connections.
      const recipe = JSON.parse(f.metadata['lora_studio.recipe']!) as GraphRecipe & { inputs: { path: string; files: { sha256: string }[] }[] };
      expect(recipe.operation).toBe('graph');
      const combine = recipeNode(recipe, 'lora-studio/combine-loras');
      expect(combine.params).toMatchObject({ method: 'concat' });
      expect(combine.inputs.loras!.map((l) => l.params?.weight)).toEqual([0.7, -0.4]);
      expect(recipe.inputs.map((i) => i.path)).toEqual([A.file, B.file]);
      expect(recipe.inputs[0]!.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(f.metadata.ss_network_module).toBe('networks.lora');
    } finally {
      await f.close();
    }
    expect(inputs()).toEqual(before);
  });

  it('PEFT inputs without --format write a PEFT directory at --out as given (no extension added to a folder)', async () => {
    const demo = path.join(dir, 'demo');
    await generateDemoFiles(demo);
    const out = path.join(dir, 'merged_adapter');
    const res = await runCliProcess(['combine', '--lora', path.join(demo, 'peft-task-a'), '--lora', path.join(demo, 'peft-task-b'), '--out', out, '--quiet', '--no-hash']);
    expect(res.code, res.stderr).toBe(0);
    expect(existsSync(path.join(out, 'adapter_config.json'))).toBe(true);
    expect(existsSync(`${out}.safetensors`)).toBe(false);
  });

  it('svd --rank 2 --format peft writes a PEFT directory with the best rank-2 approximation of the weighted sum', async () => {
    const out = path.join(dir, 'svd-peft');
    const res = await runCliProcess(['combine', '--lora', A.file, '--lora', `${B.file}:0.5`, '--method', 'svd', '--rank', '2', '--format', 'peft', '--dtype', 'fp32', '--out', out, '--json', '--quiet']);
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout) as { ok: boolean; method: string; files: string[] };
    expect(json).toMatchObject({ ok: true, method: 'svd' });
    expect(json.files.map((f) => path.basename(f)).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    const config = JSON.parse(readFileSync(path.join(out, 'adapter_config.json'), 'utf8')) as { r: number; lora_alpha: number; target_modules: string[] };
    expect(config.r).toBe(2);
    expect(config.lora_alpha).toBe(2);
    const peftName = `unet.${SD15.q}`;
    const f = await SafetensorsFile.open(path.join(out, 'adapter_model.safetensors'));
    try {
      const a = await f.readFloat32(`${peftName}.lora_A.weight`);
      const b = await f.readFloat32(`${peftName}.lora_B.weight`);
      const got = delta64({ up: b, down: a, rank: 2, out: 8, inFlat: 8 });
      const sum = weightedSum([{ x: dense(A.modules[0]!, 0.5), c: 1 }, { x: dense(B.modules[0]!, 1), c: 0.5 }], 64, 8);
      expect(relativeMaxError(got, truncated64(sum, 8, 8, 2))).toBeLessThan(1e-5);
    } finally {
      await f.close();
    }
  });

  it('svd --dynamic sv_fro --param 0.9 --rank 4 chooses each rank from the spectrum of the sum (kohya rule, capped)', async () => {
    const out = path.join(dir, 'dynamic.safetensors');
    const res = await runCliProcess(['combine', '--lora', A.file, '--lora', `${B.file}:0.5`, '--method', 'svd', '--dynamic', 'sv_fro', '--param', '0.9', '--rank', '4', '--out', out, '--quiet', '--no-hash']);
    expect(res.code).toBe(0);
    const sum = weightedSum([{ x: dense(A.modules[0]!, 0.5), c: 1 }, { x: dense(B.modules[0]!, 1), c: 0.5 }], 64, 8);
    const s = singularValues64(sum, 8, 8);
    const total = s.reduce((a, v) => a + v * v, 0);
    let k = 0;
    for (let acc = 0; acc / total < 0.81; ) acc += s[k++]! ** 2;
    expect(k).toBeLessThan(4); // the rule decides here, not the cap
    const f = await SafetensorsFile.open(out);
    try {
      const q = await kohyaDelta(f, kohyaName(SD15.q));
      expect(q.rank).toBe(Math.min(k, 4));
      expect(relativeMaxError(q.values, truncated64(sum, 8, 8, Math.min(k, 4)))).toBeLessThan(1e-5);
    } finally {
      await f.close();
    }
  });

  it('dare_linear with --density records its options, the seed defaulting to 0', async () => {
    const out = path.join(dir, 'dare.safetensors');
    const res = await runCliProcess(['combine', '--lora', A.file, '--lora', B.file, '--method', 'dare_linear', '--density', '0.5', '--rank', '4', '--out', out, '--quiet', '--no-hash']);
    expect(res.code).toBe(0);
    const f = await SafetensorsFile.open(out);
    const recipe = JSON.parse(f.metadata['lora_studio.recipe']!) as GraphRecipe;
    await f.close();
    expect(recipeNode(recipe, 'lora-studio/combine-loras').params).toMatchObject({ method: 'dare_linear', density: 0.5, seed: 0, rank: 4, dynamic: 'fixed' });
  });

  it('--block-weights per LoRA (LBW 17-vector: IN01 is the second value) weighs that LoRA\'s modules by block', async () => {
    const out = path.join(dir, 'lbw.safetensors');
    const zeroIn01 = '1,0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1';
    const res = await runCliProcess(['combine', '--lora', A.file, '--lora', B.file, '--block-weights', zeroIn01, '--block-weights', '-', '--out', out, '--quiet', '--no-hash']);
    expect(res.code).toBe(0);
    const f = await SafetensorsFile.open(out);
    try {
      // Every module here is in IN01: A contributes nothing, B is unchanged.
      const q = await kohyaDelta(f, kohyaName(SD15.q));
      expect(relativeMaxError(q.values, dense(B.modules[0]!, 1))).toBeLessThan(1e-6);
      const recipe = JSON.parse(f.metadata['lora_studio.recipe']!) as GraphRecipe;
      const weighted = recipe.params.graph.filter((n) => n.type === 'lora-studio/block-weights');
      expect(weighted.map((n) => [n.params.preset, (n.params.weights as number[]).join(',')])).toEqual([['custom', zeroIn01]]);
    } finally {
      await f.close();
    }
  });

  it('usage errors exit 2 before reading anything: unknown method (with the list), rank missing, flags of other methods, density range', async () => {
    const out = path.join(dir, 'never.safetensors');
    const cases: [string[], RegExp][] = [
      [['--method', 'average'], /Unknown combine method "average".*concat, svd, task_arithmetic/],
      [['--rank', '4'], /--rank only applies to --method svd\|task_arithmetic/],
      [['--method', 'ties', '--density', '0.5', '--seed', '3'], /--seed only applies to --method dare_linear\|dare_ties/],
      [['--method', 'ties', '--rank', '4', '--density', '1.5'], /--density 1\.5: .*must be at most 1/],
      [['--method', 'svd', '--rank', '0'], /--rank 0: .*must be at least 1/],
      [['--method', 'svd', '--rank', '4', '--clamp-quantile', '2'], /--clamp-quantile 2: .*must be at most 1/],
      [['--method', 'svd', '--rank', 'x'], /--rank x: "x" is not a number/],
    ];
    for (const [args, message] of cases) {
      const res = await runCliProcess(['combine', '--lora', A.file, '--lora', B.file, '--out', out, ...args]);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('engine errors exit 1 naming the files: LoRAs for different architectures', async () => {
    const sdxl = writeSafetensors(path.join(dir, 'sdxl.safetensors'), [
      { name: 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_down.weight', shape: [1, 2048], data: randomValues(2048, 5) },
      { name: 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_up.weight', shape: [640, 1], data: randomValues(640, 6) },
    ]);
    const out = path.join(dir, 'mismatch.safetensors');
    const res = await runCliProcess(['combine', '--lora', A.file, '--lora', sdxl, '--out', out]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/style\.safetensors is a SD 1\.x LoRA but sdxl\.safetensors is a SDXL LoRA/i);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to write over an input and leaves it unchanged', async () => {
    const size = statSync(A.file).size;
    const res = await runCliProcess(['combine', '--lora', A.file, '--lora', B.file, '--out', A.file, '--quiet']);
    expect(res.code).toBe(1);
    expect(statSync(A.file).size).toBe(size);
    expect(inputs()).toEqual(before);
  });

  it('Ctrl-C stops the combine, exits 130 and leaves no partial file', async () => {
    const out = path.join(dir, 'stopped.safetensors');
    const res = await runCliProcess(['combine', '--lora', A.file, '--lora', B.file, '--out', out, '--workers', '1', '--no-hash'], {
      env: { LORA_STUDIO_DEBUG_DELAY_MS: '200' },
      onStderr: (text, kill) => {
        if (text.includes('Combine LoRAs (combine-loras-1)') && !text.includes('SIGINT')) kill('SIGINT');
      },
    });
    expect(res.stderr).toMatch(/stop/i);
    expect(res.code === 130 || res.signal === 'SIGINT').toBe(true);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
  });
});

interface GraphRecipe {
  operation: string;
  params: { graph: { id: string; type: string; params: Record<string, unknown>; inputs: Record<string, { from: string; params?: Record<string, unknown> }[]> }[] };
}

function recipeNode(recipe: GraphRecipe, type: string): GraphRecipe['params']['graph'][number] {
  const node = recipe.params.graph.find((n) => n.type === type);
  if (!node) throw new Error(`no ${type} in the recipe`);
  return node;
}
