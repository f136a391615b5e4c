/**
 * LLM-scale bake: a Llama-3-8B-shaped bf16 checkpoint in Hugging Face shards (~16 GB, 5 GB shards + index)
 * with a PEFT LoRA on every linear layer of every block (q/k/v/o, gate/up/down), merged by the real CLI into
 * sharded output. Prints, in one run: `cp` + `sync` of the shards, the merge's wall time and peak RSS (GNU
 * time), with and without input hashing (hash cache cold), and their ratios.
 *
 *   node scripts/build.mjs main && npx tsx test/bench/merge-llm.bench.ts [--layers 32] [--rank 16] [--dir /tmp/x] [--keep] [--repeat 2]
 *
 * Needs about twice the checkpoint's size free on disk at once (base + output; the cp copy is removed before
 * the merge runs). --layers 4 gives a ~4 GB model with the same embedding and head (1 GB each), the tensors
 * that decide peak memory. Everything generated is removed afterwards unless --keep.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MISTRAL_7B, llamaTensors, type LlamaConfig } from '../../main/engine/naming/architectures/llama.js';
import { elementCountOf, type TensorSpec } from '../../main/engine/naming/architectures/spec.js';
import { cliPath } from '../helpers/cli.js';
import { LLAMA_LORA_TARGETS, timedCommand, valuePool, writeLlamaPeftAdapter, writePooledSafetensors } from './bench-util.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const layers = Number(opt('layers', '32'));
const rank = Number(opt('rank', '16'));
const repeat = Math.max(1, Number(opt('repeat', '1')));
const dir = opt('dir', path.join(tmpdir(), 'lora-studio-bench-llm'));
const keep = args.includes('--keep');
const SHARD_BYTES = 5e9;
/** Llama-3-8B: Mistral-7B's layer shapes (GQA 32/8, intermediate 14336) with a 128256-token vocabulary. */
const LLAMA3_8B: LlamaConfig = { ...MISTRAL_7B, vocab: 128256, layers };

/** Greedy 5 GB shards in spec order, named as transformers names them, and the index. Returns the total bytes. */
function writeShards(specs: readonly TensorSpec[]): number {
  const shards: TensorSpec[][] = [[]];
  let size = 0;
  for (const s of specs) {
    const bytes = elementCountOf(s.shape) * 2;
    if (size + bytes > SHARD_BYTES && shards.at(-1)!.length > 0) {
      shards.push([]);
      size = 0;
    }
    shards.at(-1)!.push(s);
    size += bytes;
  }
  const pool = valuePool(64 * 1024 * 1024, 'BF16');
  const weightMap: Record<string, string> = {};
  let total = 0;
  shards.forEach((list, i) => {
    const name = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
    for (const s of list) weightMap[s.key] = name;
    total += list.reduce((a, s) => a + elementCountOf(s.shape) * 2, 0);
    writePooledSafetensors(path.join(dir, 'base', name), list, pool, { dtype: 'BF16', metadata: { format: 'pt' } });
  });
  writeFileSync(path.join(dir, 'base', 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2));
  return total;
}



const dirBytes = (d: string): number => readdirSync(d).reduce((a, f) => a + statSync(path.join(d, f)).size, 0);
const warm = (d: string): void => void spawnSync('sh', ['-c', `cat "${d}"/*.safetensors > /dev/null`]);

mkdirSync(path.join(dir, 'base'), { recursive: true });
console.log(`LLM merge benchmark in ${dir} (${process.arch}, node ${process.version}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')})`);
try {
  const specs = llamaTensors(LLAMA3_8B);
  const params = specs.reduce((a, s) => a + elementCountOf(s.shape), 0);
  console.log(`Llama-3-8B shapes, ${layers} layers: ${(params / 1e9).toFixed(2)} B parameters, bf16`);
  if (!existsSync(path.join(dir, 'base', 'model.safetensors.index.json'))) {
    const t0 = performance.now();
    const bytes = writeShards(specs);
    console.log(`  base: ${(bytes / 1e9).toFixed(2)} GB in ${readdirSync(path.join(dir, 'base')).length - 1} shards, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  console.log(`  adapter: PEFT rank ${rank} on ${LLAMA_LORA_TARGETS.join(', ')} of ${layers} layers, ${(writeLlamaPeftAdapter(path.join(dir, 'adapter'), LLAMA3_8B, { rank, seed: 7, poolBytes: 16 * 1024 * 1024, config: { base_model_name_or_path: 'synthetic-llama-3-8b' } }) / 1e6).toFixed(1)} MB`);
  const out = path.join(dir, 'out');
  const copy = path.join(dir, 'cp');
  // Each round: cp + sync of the shards, then the merge without and with input hashing (cold cache), so a
  // first run's cost over a later one is measured under the same disk conditions.
  const firstRunCost: string[] = [];
  for (let round = 1; round <= repeat; round++) {
    rmSync(copy, { recursive: true, force: true });
    warm(path.join(dir, 'base'));
    spawnSync('sync');
    const cp = timedCommand('cp', ['-r', path.join(dir, 'base'), copy]);
    const t0 = performance.now();
    spawnSync('sync');
    const cpSync = cp.seconds + (performance.now() - t0) / 1000;
    rmSync(copy, { recursive: true, force: true });
    spawnSync('sync');
    console.log(`  round ${round}: cp ${cp.seconds.toFixed(2)} s (page cache only); cp + sync ${cpSync.toFixed(2)} s`);
    const seconds: number[] = [];
    for (const variant of [['--no-hash'], []]) {
      rmSync(out, { recursive: true, force: true });
      warm(path.join(dir, 'base'));
      const cacheDir = path.join(dir, `hash-cache-${Date.now()}`);
      const label = variant.length === 0 ? 'with input hashing (hash cache cold)' : 'without input hashing';
      const m = timedCommand(
        process.execPath,
        [cliPath, 'merge', '--base', path.join(dir, 'base', 'model.safetensors.index.json'), '--lora', path.join(dir, 'adapter'), '--out', path.join(out, 'model.safetensors'), '--max-shard-size', '5GB', '--quiet', ...variant],
        { ...process.env, LORA_STUDIO_CACHE_DIR: cacheDir },
      );
      if (m.code !== 0) {
        console.log(m.stderr);
        throw new Error(`merge failed (${m.code})`);
      }
      const outBytes = dirBytes(out);
      spawnSync('sync');
      rmSync(out, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
      seconds.push(m.seconds);
      console.log(
        `    merge ${label}: ${m.seconds.toFixed(2)} s (${(m.seconds / cpSync).toFixed(2)}× cp + sync), peak RSS ${m.maxRssMB.toFixed(0)} MB, ` +
          `CPU ${m.userSeconds.toFixed(1)} s user + ${m.sysSeconds.toFixed(1)} s system, ${(outBytes / 1e9).toFixed(2)} GB written`,
      );
    }
    firstRunCost.push((seconds[1]! / seconds[0]!).toFixed(2));
  }
  console.log(`  cost of a first run (cold hash cache) over a later one, per round: ${firstRunCost.join(' / ')}`);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
