/**
 * Extract from a full SDXL fine-tune where every weight changed, end to end through the real CLI
 * (`lora-studio extract --rank 32`, text encoders included, two workers): wall time and peak RSS of the whole
 * process (GNU time; the workers are threads of it). The base and the tuned checkpoint are full-size SDXL
 * (UNet + both text encoders, fp16, ~5.1 + 1.6 GB each) whose tensors take their bytes from one value pool at
 * two phases, so every weight differs (a dense ΔW everywhere: the worst case for the scan and the SVDs).
 *
 *   node scripts/build.mjs main && npx tsx test/bench/extract-full.bench.ts [--dir /tmp/x] [--keep] [--workers 2] [--hash]
 *
 * Needs ~14 GB free; removes both checkpoints and the output afterwards unless --keep. Without --hash the
 * run passes --no-hash (the recipe's input hashes read both checkpoints once more).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { sdxlCheckpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { elementCountOf } from '../../main/engine/naming/architectures/spec.js';
import { cliPath } from '../helpers/cli.js';
import { valuePool, writePooledSafetensors } from './bench-util.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const dir = opt('dir', path.join(tmpdir(), 'lora-studio-extract-full-bench'));
const workers = opt('workers', '2');
const keep = args.includes('--keep');
const hash = args.includes('--hash');

mkdirSync(dir, { recursive: true });
console.log(`extract benchmark in ${dir}: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
const basePath = path.join(dir, 'sdxl-base.safetensors');
const tunedPath = path.join(dir, 'sdxl-tuned.safetensors');
const out = path.join(dir, 'extracted.safetensors');
try {
  const specs = sdxlCheckpoint({ size: 'full' });
  const params = specs.reduce((a, s) => a + elementCountOf(s.shape), 0);
  if (!existsSync(basePath) || !existsSync(tunedPath)) {
    const t0 = performance.now();
    const pool = valuePool(64 * 1024 * 1024, 'F16');
    writePooledSafetensors(basePath, specs, pool, { dtype: 'F16' });
    // Another phase of the same pool: every tensor gets other values (a dense ΔW of the weights' own size).
    writePooledSafetensors(tunedPath, specs, pool, { dtype: 'F16', phase: 12_345_678 });
    console.log(`SDXL checkpoints: ${(params / 1e9).toFixed(2)} B parameters, ${(statSync(basePath).size / 1e9).toFixed(2)} GB each, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  rmSync(out, { force: true });
  const t0 = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'MAXRSS_KB=%M USER_S=%U SYS_S=%S', process.execPath, cliPath, 'extract', '--base', basePath, '--tuned', tunedPath, '--rank', '32', '--out', out, '--workers', workers, ...(hash ? [] : ['--no-hash'])],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LORA_STUDIO_CACHE_DIR: path.join(dir, 'hash-cache') } },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    console.log(r.stderr);
    throw new Error(`extract failed (${r.status})`);
  }
  const rss = Number(/MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1]) / 1024;
  const user = Number(/USER_S=([\d.]+)/.exec(r.stderr)?.[1]);
  const sys = Number(/SYS_S=([\d.]+)/.exec(r.stderr)?.[1]);
  const lines = r.stderr.split(/[\r\n]+/).filter((l) => /compare .*done|extract .*done|weights compared|modules written|kept /.test(l));
  for (const l of lines) console.log(`  ${l.trim()}`);
  console.log(`extract --rank 32 (${workers} workers${hash ? ', inputs hashed' : ', --no-hash'}): ${seconds.toFixed(1)} s (${(seconds / 60).toFixed(2)} min; goal ≤ 3 min), CPU ${user.toFixed(1)} s user + ${sys.toFixed(1)} s sys, peak RSS ${rss.toFixed(0)} MB (goal < 1536), output ${(statSync(out).size / 1e6).toFixed(1)} MB; load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
