/**
 * Benchmark for resize and extract (issue 3), through the real code paths with a two-worker pool:
 *
 * 1. resize: a rank-64 kohya LoRA of SDXL size (every attention and feed-forward module of the UNet, 722
 *    modules, fp16) to rank 32 (header first, streamed) and with sv_fro 0.9 capped at 64 (ranks decided while
 *    computing: spill file), written as kohya fp16. Wall time, peak RSS of this process, output size.
 * 2. extract: a full-size SDXL checkpoint header (sparse file: every weight zero) as the base, and a tuned
 *    copy where `--changed` full-size modules of each SDXL shape get a rank-16 ΔW plus small noise; extract at
 *    rank 32 (text encoders too): one pass comparing every weight pair and computing the randomized SVDs of the
 *    changed ones, kohya fp16 written.
 *
 *   node scripts/build.mjs main && npx tsx test/bench/resize-extract.bench.ts [--dir /tmp/x] [--keep] [--changed 2] [--no-extract] [--no-resize]
 *
 * Writes ~0.35 GB for resize and two sparse ~7 GB (apparent size) checkpoints for extract; removes them unless --keep.
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkerPool } from '../../main/engine/compute/worker-pool.js';
import { saveLora } from '../../main/engine/export/save-lora.js';
import { sdxlCheckpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { extractLora } from '../../main/engine/ops/extract/index.js';
import { loadLora, openBaseModel } from '../../main/engine/ops/load.js';
import { resizeLora } from '../../main/engine/ops/resize/index.js';
import { encodeFloat } from '../../main/engine/tensor-io/float-convert.js';
import type { RankRule } from '../../main/engine/values/lora-value.js';
import { writeSparseBase } from '../helpers/synthetic-base.js';
import { seeded, writeSyntheticKohyaLora } from './bench-util.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const dir = opt('dir', path.join(tmpdir(), 'lora-studio-resize-extract-bench'));
const keep = args.includes('--keep');
const changedPerShape = Number(opt('changed', '2'));
const RANK = 64;
const ALPHA = 32;
const MODULE = /^lora_unet_.+_(attn[12]_to_(q|k|v|out_0)|ff_net_0_proj|ff_net_2)$/;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

function sdxlKeyMap() {
  return buildKeyMap(sdxlCheckpoint({ size: 'full' }).map((t) => ({ name: t.key, shape: t.shape })));
}

/** A rank-64 kohya LoRA on every SDXL attention / feed-forward module, spectra decaying like trained ones. */
function writeLora(file: string): number {
  const targets = sdxlKeyMap()
    .modules.filter((m) => m.kohyaName !== undefined && MODULE.test(m.kohyaName))
    .map((m) => ({ kohya: m.kohyaName!, out: m.target.baseShape[0]!, in: m.target.baseShape[1]! }));
  writeSyntheticKohyaLora(file, targets, { rank: RANK, alpha: ALPHA, seed: 1 });
  return targets.length;
}

async function benchResize(pool: WorkerPool): Promise<void> {
  const input = path.join(dir, 'rank64.safetensors');
  const modules = writeLora(input);
  console.log(`\nresize: ${modules} modules, rank ${RANK}, alpha ${ALPHA}, fp16, ${mib(statSync(input).size)}`);
  const rules: [string, RankRule][] = [
    ['--rank 32', { type: 'fixed', rank: 32 }],
    ['--dynamic sv_fro --param 0.9 --rank 64', { type: 'dynamic', method: 'sv_fro', param: 0.9, maxRank: 64 }],
  ];
  for (const [label, rule] of rules) {
    const out = path.join(dir, 'resized.safetensors');
    rmSync(out, { force: true });
    peakRss = process.memoryUsage().rss;
    const t0 = performance.now();
    const { lora } = resizeLora(await loadLora(input), { rank: rule });
    const r = await saveLora(lora, { out, format: 'kohya', dtype: 'F16', pool });
    const seconds = (performance.now() - t0) / 1000;
    const ranks = r.modules.map((m) => m.rank ?? 0);
    const fro = r.modules.map((m) => m.compression?.frobeniusRetained ?? 1);
    console.log(
      `  ${label}: ${seconds.toFixed(2)} s (${r.spilled ? 'spilled' : 'header first'}), ranks ${Math.min(...ranks)}–${Math.max(...ranks)}, mean fro retained ${(100 * (fro.reduce((a, b) => a + b, 0) / fro.length)).toFixed(2)} %, output ${mib(statSync(out).size)}, peak RSS of the main process ${mib(peakRss)}`,
    );
  }
}

/** Writes `rows`-major fp16 data into a sparse checkpoint at a tensor's offset. */
function overwrite(file: string, offset: number, values: Float32Array): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, encodeFloat(values, 'F16'), 0, values.length * 2, offset);
  } finally {
    closeSync(fd);
  }
}

async function benchExtract(pool: WorkerPool): Promise<void> {
  const specs = sdxlCheckpoint({ size: 'full' });
  const basePath = writeSparseBase(path.join(dir, 'sdxl-base.safetensors'), specs, 'F16');
  const tunedPath = writeSparseBase(path.join(dir, 'sdxl-tuned.safetensors'), specs, 'F16');
  const tuned = await openBaseModel(tunedPath);
  const byShape = new Map<string, { key: string; out: number; inDim: number }[]>();
  for (const m of tuned.keyMap.modules) {
    if (!m.kohyaName || !MODULE.test(m.kohyaName)) continue;
    const [out, inDim] = m.target.baseShape as [number, number];
    const k = `${out}×${inDim}`;
    const list = byShape.get(k) ?? [];
    if (list.length < changedPerShape) list.push({ key: m.target.baseKey, out, inDim });
    byShape.set(k, list);
  }
  let changed = 0;
  for (const list of byShape.values()) {
    for (const t of list) {
      const e = tuned.source.get(t.key)!;
      const r = 16;
      const a = seeded(t.out * r, 7 + changed, 0.05);
      const b = seeded(r * t.inDim, 1007 + changed, 0.05);
      const d = seeded(t.out * t.inDim, 5000 + changed, 1e-4);
      for (let i = 0; i < t.out; i++) for (let l = 0; l < r; l++) for (let j = 0; j < t.inDim; j++) d[i * t.inDim + j]! += a[i * r + l]! * b[l * t.inDim + j]!;
      overwrite(tunedPath, e.dataOffset, d);
      changed++;
    }
  }
  await tuned.source.close();
  console.log(`\nextract: SDXL checkpoints (${specs.length} tensors, ${mib(statSync(basePath).size)} apparent each, sparse), ${changed} modules changed (${[...byShape.keys()].join(', ')})`);
  const base = await openBaseModel(basePath);
  const tunedModel = await openBaseModel(tunedPath);
  try {
    peakRss = process.memoryUsage().rss;
    const t0 = performance.now();
    const { lora, report, modules } = await extractLora(base, tunedModel, { rank: { type: 'fixed', rank: 32 } }, { pool });
    const pass = (performance.now() - t0) / 1000;
    const out = path.join(dir, 'extracted.safetensors');
    rmSync(out, { force: true });
    const r = await saveLora(lora, { out, format: 'kohya', dtype: 'F16', pool });
    const total = (performance.now() - t0) / 1000;
    const fro = modules.map((m) => m.compression?.frobeniusRetained ?? 1);
    console.log(`  one pass over ${report.modules.length} weight pairs (compare, randomized SVDs at rank 32): ${pass.toFixed(2)} s; ${lora.modules.length} extracted, ${report.skipped.length} skipped`);
    console.log(`  write: ${r.seconds.toFixed(2)} s for ${r.modules.length} modules; total ${total.toFixed(2)} s; min fro retained ${(100 * Math.min(...fro)).toFixed(3)} %; peak RSS of the main process ${mib(peakRss)}`);
  } finally {
    await base.source.close();
    await tunedModel.source.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
  const pool = new WorkerPool({ size: 2 });
  try {
    await pool.ready();
    console.log(`RSS with the pool started (workers share the process): ${mib(process.memoryUsage().rss)}`);
    if (!args.includes('--no-resize')) await benchResize(pool);
    if (!args.includes('--no-extract')) await benchExtract(pool);
  } finally {
    await pool.terminate();
    clearInterval(sampler);
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
