/**
 * Benchmark for issue 2: bake a rank-32 kohya LoRA (every attention and feed-forward module) into an
 * SDXL-sized fp16 UNet checkpoint with SGM key names (or SD 1.5's UNet: --sizes sd15), through the real CLI. Prints, per model size
 * and round (--repeat): the time of `cp` and of `cp` + `sync` of the base, then the merge's wall time and peak RSS
 * (GNU time) without and with input hashing (cold hash cache); with several rounds, the medians and each round's ratios.
 *
 *   node scripts/build.mjs main && npx tsx test/bench/merge-sdxl.bench.ts [--sizes full,small,sd15] [--dir /tmp/x] [--keep] [--repeat 5]
 *
 * Generates ~5 GB (full) + ~1.6 GB (small) of base, the same again for outputs and cp copies; removes them
 * afterwards unless --keep.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { sd15Checkpoint, sdxlCheckpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { elementCountOf, type TensorSpec } from '../../main/engine/naming/architectures/spec.js';
import { float32ToFloat16Bits } from '../../main/engine/tensor-io/float-convert.js';
import { cliPath } from '../helpers/cli.js';
import { safetensorsBytes } from '../helpers/safetensors.js';
import { timedCommand, poolSlices, valuePool, writePooledSafetensors, type TimedCommand } from './bench-util.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const sizes = opt('sizes', 'small,full').split(',');
const dir = opt('dir', path.join(tmpdir(), 'lora-studio-bench'));
const keep = args.includes('--keep');
const repeat = Math.max(1, Number(opt('repeat', '1')));
const RANK = 32;

/** Writes the base: fp16 values from a 64 MiB pool; returns its size. */
function writeBase(file: string, specs: readonly TensorSpec[]): number {
  return writePooledSafetensors(file, specs, valuePool(64 * 1024 * 1024, 'F16'), { dtype: 'F16' });
}

function writeLora(file: string, specs: readonly TensorSpec[]): number {
  const keyMap = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape })));
  const targets = keyMap.modules.filter((m) => m.component === 'unet' && /(attn[12]_to_(q|k|v|out_0)|ff_net_0_proj|ff_net_2)$/.test(m.kohyaName ?? ''));
  const take = poolSlices(valuePool(8 * 1024 * 1024, 'F16'));
  const tensors = targets.flatMap((m) => {
    const [out, inn] = [m.target.baseShape[0]!, m.target.baseShape[1]!];
    return [
      { name: `${m.kohyaName}.lora_down.weight`, shape: [RANK, inn], dtype: 'F16' as const, data: take(RANK * inn) },
      { name: `${m.kohyaName}.lora_up.weight`, shape: [out, RANK], dtype: 'F16' as const, data: take(out * RANK) },
      { name: `${m.kohyaName}.alpha`, shape: [], dtype: 'F16' as const, data: new Uint8Array(new Uint16Array([float32ToFloat16Bits(16)]).buffer) },
    ];
  });
  const bytes = safetensorsBytes(tensors, { ss_network_module: 'networks.lora', ss_network_dim: String(RANK) });
  const fd = openSync(file, 'w');
  writeSync(fd, bytes);
  closeSync(fd);
  console.log(`  LoRA: ${targets.length} modules, rank ${RANK}, ${(bytes.byteLength / 1e6).toFixed(1)} MB`);
  return targets.length;
}


function modelSpecs(size: string): TensorSpec[] {
  const unet = (specs: TensorSpec[]): TensorSpec[] => specs.filter((s) => s.key.startsWith('model.diffusion_model.'));
  // SD 1.5's UNet (0.86 B parameters, 1.7 GB fp16), LDM key names.
  if (size === 'sd15') return unet(sd15Checkpoint({ size: 'full' }));
  if (size === 'full') return unet(sdxlCheckpoint({ size: 'full' }));
  // Same architecture, shallower transformer stacks: about a third of the parameters.
  return unet(sdxlCheckpoint({ size: 'full', unetTransformerDepth: [0, 2, 2] }));
}

mkdirSync(dir, { recursive: true });
console.log(`merge benchmark in ${dir} (machine: ${process.arch}, node ${process.version})`);
for (const size of sizes) {
  const specs = modelSpecs(size);
  const params = specs.reduce((a, s) => a + elementCountOf(s.shape), 0);
  const base = path.join(dir, `sdxl-${size}.safetensors`);
  const lora = path.join(dir, `lora-${size}.safetensors`);
  const out = path.join(dir, `merged-${size}.safetensors`);
  const copy = path.join(dir, `cp-${size}.safetensors`);
  console.log(`\n[${size}] ${size === 'sd15' ? 'SD 1.5' : 'SDXL'} UNet, ${(params / 1e9).toFixed(3)} B parameters, fp16`);
  if (!existsSync(base)) {
    const t0 = performance.now();
    const bytes = writeBase(base, specs);
    console.log(`  base: ${(bytes / 1e9).toFixed(2)} GB written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  writeLora(lora, specs);
  // Each round: cp + sync of the base, then the merge without and with input hashing, alternated so that
  // the disk's and the page cache's moods (they vary a lot on a VM) hit all three alike; medians at the end.
  const rows: { cp: number; cpSync: number; merges: TimedCommand[] }[] = [];
  for (let round = 1; round <= repeat; round++) {
    // Warm the page cache the same way for both (cat to /dev/null), so cp and merge read from the same state.
    spawnSync('sh', ['-c', `cat "${base}" > /dev/null`]);
    rmSync(copy, { force: true });
    spawnSync('sync');
    const cp = timedCommand('cp', [base, copy]);
    const t0 = performance.now();
    spawnSync('sync');
    const cpSync = cp.seconds + (performance.now() - t0) / 1000;
    rmSync(copy, { force: true });
    spawnSync('sync');
    // Our writer fsyncs its output (a crash never leaves a half-written model): cp + sync is the like-for-like baseline.
    console.log(`  round ${round}: cp ${cp.seconds.toFixed(2)} s (page cache only); cp + sync ${cpSync.toFixed(2)} s`);
    const merges: TimedCommand[] = [];
    for (const variant of [['--no-hash'], []] as const) {
      rmSync(out, { force: true });
      spawnSync('sh', ['-c', `cat "${base}" > /dev/null`]);
      spawnSync('sync');
      const env = variant.length === 0 ? 'with input hashing (hash cache cold)' : 'without input hashing';
      const cacheDir = path.join(dir, `hash-cache-${Date.now()}`);
      process.env.LORA_STUDIO_CACHE_DIR = cacheDir;
      const m = timedCommand(process.execPath, [cliPath, 'merge', '--base', base, '--lora', lora, '--out', out, '--quiet', ...variant]);
      if (m.code !== 0) {
        console.log(m.stderr);
        throw new Error(`merge failed (${m.code})`);
      }
      spawnSync('sync');
      rmSync(cacheDir, { recursive: true, force: true });
      merges.push(m);
      console.log(`    merge ${env}: ${m.seconds.toFixed(2)} s (${(m.seconds / cp.seconds).toFixed(2)}× cp, ${(m.seconds / cpSync).toFixed(2)}× cp + sync), peak RSS ${m.maxRssMB.toFixed(0)} MB, CPU ${m.userSeconds.toFixed(2)} s user + ${m.sysSeconds.toFixed(2)} s system`);
    }
    rows.push({ cp: cp.seconds, cpSync, merges });
  }
  if (repeat > 1) {
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const cpSync = median(rows.map((r) => r.cpSync));
    const [plain, hashed] = [0, 1].map((i) => median(rows.map((r) => r.merges[i]!.seconds)));
    const ratios = (i: number): string => rows.map((r) => (r.merges[i]!.seconds / r.cpSync).toFixed(2)).join(' / ');
    console.log(`  medians of ${repeat} rounds: cp + sync ${cpSync.toFixed(2)} s; merge ${plain!.toFixed(2)} s without hashing, ${hashed!.toFixed(2)} s with a cold hash cache`);
    console.log(`  per-round ratios to that round's cp + sync: without hashing ${ratios(0)}; with hashing ${ratios(1)}`);
    console.log(`  per-round cost of a first run (cold hash cache) over a later one: ${rows.map((r) => (r.merges[1]!.seconds / r.merges[0]!.seconds).toFixed(2)).join(' / ')}`);
    // The fastest of each: what the disk and the CPU allow when nothing else gets in the way.
    const best = (xs: number[]): number => Math.min(...xs);
    const bestCpSync = best(rows.map((r) => r.cpSync));
    const [bestPlain, bestHashed] = [0, 1].map((i) => best(rows.map((r) => r.merges[i]!.seconds)));
    console.log(
      `  fastest of ${repeat} rounds: cp + sync ${bestCpSync.toFixed(2)} s; merge ${bestPlain!.toFixed(2)} s without hashing (${(bestPlain! / bestCpSync).toFixed(2)}×), ` +
        `${bestHashed!.toFixed(2)} s with a cold hash cache (${(bestHashed! / bestCpSync).toFixed(2)}×; ${(bestHashed! / bestPlain!).toFixed(2)}× the run without hashing)`,
    );
  }
  rmSync(out, { force: true });
  if (!keep) {
    rmSync(base, { force: true });
    rmSync(lora, { force: true });
  }
}
