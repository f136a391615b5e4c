/**
 * Benchmark for issue 3: combine three rank-64 kohya LoRAs of SDXL size (every attention and feed-forward
 * module of the SDXL UNet, fp16 files) to rank 64 with `svd`, through the real code path: loadLora,
 * planCombine, saveLora with a two-worker pool, output written (kohya, fp16). In the same run, the dense
 * route the anchors use (form ΣΔW, full SVD, truncate; here in fp64 with linalg's Golub–Kahan svd) on a
 * sample of modules of each shape, extrapolated to all modules by the shape counts; the sampled modules'
 * kept singular values are compared with the dense SVD's.
 *
 *   node scripts/build.mjs main && npx tsx test/bench/combine-svd.bench.ts [--dir /tmp/x] [--keep] [--samples 1] [--no-dense]
 *
 * Writes ~1 GB of inputs and ~0.3 GB of output; removes them afterwards unless --keep.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAdapter } from '../../main/engine/adapters/load-adapter.js';
import { readLoraFactors } from '../../main/engine/adapters/factors.js';
import { WorkerPool } from '../../main/engine/compute/worker-pool.js';
import { saveLora } from '../../main/engine/export/save-lora.js';
import { svd } from '../../main/engine/linalg/svd.js';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { sdxlCheckpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { planCombine } from '../../main/engine/ops/combine/index.js';
import { loadLora } from '../../main/engine/ops/load.js';
import { writeSyntheticKohyaLora } from './bench-util.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const dir = opt('dir', path.join(tmpdir(), 'lora-studio-combine-bench'));
const keep = args.includes('--keep');
const samplesPerShape = Number(opt('samples', '1'));
const dense = !args.includes('--no-dense');
const RANK = 64;
const ALPHA = 32;
const WEIGHTS = [1, 0.7, 0.5];
const MODULE = /^lora_unet_.+_(attn[12]_to_(q|k|v|out_0)|ff_net_0_proj|ff_net_2)$/;

interface Target {
  kohya: string;
  out: number;
  in: number;
}

function sdxlTargets(): Target[] {
  const km = buildKeyMap(sdxlCheckpoint({ size: 'full' }).map((t) => ({ name: t.key, shape: t.shape })));
  return km.modules
    .filter((m) => m.kohyaName !== undefined && MODULE.test(m.kohyaName))
    .map((m) => ({ kohya: m.kohyaName!, out: m.target.baseShape[0]!, in: m.target.baseShape[1]! }));
}


/** ΣΔW in fp64 from the files' factors: the dense matrix the anchors form. */
async function denseSum(files: readonly string[], kohya: string, out: number, inDim: number): Promise<Float64Array> {
  const sum = new Float64Array(out * inDim);
  for (const [i, file] of files.entries()) {
    const adapter = await loadAdapter(file);
    try {
      const m = adapter.modules.find((x) => x.name === kohya)!;
      const f = await readLoraFactors(adapter, m);
      const c = WEIGHTS[i]! * m.scale;
      for (let r = 0; r < out; r++) {
        for (let l = 0; l < f.rank; l++) {
          const a = c * f.up[r * f.rank + l]!;
          const row = r * inDim;
          const drow = l * inDim;
          for (let col = 0; col < inDim; col++) sum[row + col]! += a * f.down[drow + col]!;
        }
      }
    } finally {
      await adapter.source.close();
    }
  }
  return sum;
}

/** The dense route on one module: form, full SVD (fp64, vectors), truncate to rank-64 factors. */
async function denseRoute(files: readonly string[], t: Target): Promise<{ seconds: number; S: Float64Array }> {
  const t0 = performance.now();
  const a = await denseSum(files, t.kohya, t.out, t.in);
  const r = svd({ rows: t.out, cols: t.in, data: a });
  const up = new Float32Array(t.out * RANK);
  const down = new Float32Array(RANK * t.in);
  for (let j = 0; j < RANK; j++) {
    for (let i = 0; i < t.out; i++) up[i * RANK + j] = r.U!.data[i * r.U!.cols + j]! * r.S[j]!;
    for (let c = 0; c < t.in; c++) down[j * t.in + c] = r.V!.data[c * r.V!.cols + j]!;
  }
  return { seconds: (performance.now() - t0) / 1000, S: r.S };
}

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const targets = sdxlTargets();
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
  console.log(`SDXL UNet attention + feed-forward modules: ${targets.length}; three rank-${RANK} kohya LoRAs (alpha ${ALPHA}, fp16), weights ${WEIGHTS.join(', ')}`);
  const files = [0, 1, 2].map((i) => path.join(dir, `lora-${i}.safetensors`));
  const tw = performance.now();
  const sizes = files.map((f, i) => writeSyntheticKohyaLora(f, targets, { rank: RANK, alpha: ALPHA, seed: i + 1 }));
  console.log(`inputs written: ${sizes.map((s) => `${(s / 2 ** 20).toFixed(0)} MiB`).join(', ')} (${((performance.now() - tw) / 1000).toFixed(1)} s, not timed below)`);
  const out = path.join(dir, 'combined.safetensors');
  rmSync(out, { force: true });

  const load0 = os.loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const pool = new WorkerPool({ size: 2 });
  let result;
  try {
    await pool.ready();
    const loras = [];
    for (const f of files) loras.push(await loadLora(f));
    const plan = planCombine(
      loras.map((lora, i) => ({ lora, weight: WEIGHTS[i]! })),
      { method: 'svd', rank: RANK },
    );
    result = await saveLora(plan.lora, { out, format: 'kohya', dtype: 'F16', pool });
  } finally {
    await pool.terminate();
  }
  const total = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`\ncombine --method svd --rank ${RANK} (real path: load, plan, 2 workers, kohya fp16 written): ${total.toFixed(2)} s for ${result.modules.length} modules, output ${(statSync(out).size / 2 ** 20).toFixed(0)} MiB`);
  console.log(`  CPU time of the process (all threads): ${cpuSeconds.toFixed(1)} s (${(cpuSeconds / total).toFixed(2)} cores busy on average); load average ${load0.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after`);
  console.log(`  saveLora alone: ${result.seconds.toFixed(2)} s; goal < 30 s: ${total < 30 ? 'met' : 'NOT met'}`);

  if (dense) {
    const shapes = new Map<string, Target[]>();
    for (const t of targets) shapes.set(`${t.out}×${t.in}`, [...(shapes.get(`${t.out}×${t.in}`) ?? []), t]);
    const byName = new Map(result.modules.map((m) => [m.name, m]));
    let denseTotal = 0;
    let worst = 0;
    console.log(`\ndense route (form ΣΔW in fp64, full Golub–Kahan SVD with vectors, truncate), ${samplesPerShape} module(s) per shape, one thread:`);
    for (const [shape, list] of shapes) {
      let seconds = 0;
      let shapeWorst = 0;
      for (const t of list.slice(0, samplesPerShape)) {
        const d = await denseRoute(files, t);
        seconds += d.seconds;
        const ours = byName.get(t.kohya)?.compression?.singularValues;
        if (!ours) throw new Error(`no compression statistics for ${t.kohya}`);
        for (let j = 0; j < RANK; j++) shapeWorst = Math.max(shapeWorst, Math.abs(ours[j]! - d.S[j]!) / d.S[j]!);
      }
      const per = seconds / Math.min(samplesPerShape, list.length);
      denseTotal += per * list.length;
      worst = Math.max(worst, shapeWorst);
      console.log(`  ${shape.padEnd(11)} ×${String(list.length).padStart(3)}: ${per.toFixed(2)} s each → ${(per * list.length).toFixed(1)} s; max relative error of the ${RANK} kept σ: ${shapeWorst.toExponential(2)}`);
    }
    console.log(`  extrapolated dense total (one thread): ${denseTotal.toFixed(0)} s; on two threads at best: ${(denseTotal / 2).toFixed(0)} s`);
    console.log(`\nspeed-up vs the dense route: ${(denseTotal / total).toFixed(0)}× (one dense thread), ${(denseTotal / 2 / total).toFixed(0)}× (two); goal ≥ 20×`);
    console.log(`max relative error of kept singular values vs the dense SVD: ${worst.toExponential(2)} (goal ≤ 1e-5)`);
  }
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

await main();
