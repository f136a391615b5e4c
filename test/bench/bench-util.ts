import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { llamaTensors, type LlamaConfig } from '../../main/engine/naming/architectures/llama.js';
import { encodeFloat } from '../../main/engine/tensor-io/float-convert.js';
import { safetensorsBytes } from '../helpers/safetensors.js';

/** Small helpers shared by the benchmarks: repeat and report best/median, seeded data. */
export interface Timing {
  best: number;
  median: number;
}

export async function timeIt(repeats: number, fn: () => unknown): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { best: times[0]!, median: times[Math.floor(times.length / 2)]! };
}

export function fmt(t: Timing, unit = 'ms'): string {
  return `best ${t.best.toFixed(2)} ${unit}, median ${t.median.toFixed(2)} ${unit}`;
}

/** Seeded uniform values in [−scale, scale). */
export function seeded(n: number, seed: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = (a / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

/** One module of a synthetic kohya LoRA: its kohya name and ΔW's out × in. */
export interface LoraTarget {
  kohya: string;
  out: number;
  in: number;
}

/**
 * A kohya LoRA (fp16) on every target, written tensor by tensor (header first, never all in memory). up's
 * columns decay like 1/√(j+1), so each module's spectrum decays as trained LoRAs' do; values seeded per file.
 * Returns the file's size.
 */
export function writeSyntheticKohyaLora(file: string, targets: readonly LoraTarget[], o: { rank: number; alpha: number; seed: number }): number {
  const header: Record<string, unknown> = {};
  let offset = 0;
  const add = (name: string, shape: number[]): void => {
    const bytes = shape.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype: 'F16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  };
  for (const t of targets) {
    add(`${t.kohya}.alpha`, []);
    add(`${t.kohya}.lora_down.weight`, [o.rank, t.in]);
    add(`${t.kohya}.lora_up.weight`, [t.out, o.rank]);
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const fd = openSync(file, 'w');
  try {
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
    writeSync(fd, prefix);
    writeSync(fd, json);
    targets.forEach((t, i) => {
      writeSync(fd, encodeFloat(Float32Array.of(o.alpha), 'F16'));
      writeSync(fd, encodeFloat(seeded(o.rank * t.in, o.seed * 100_000 + 2 * i, 1 / Math.sqrt(t.in)), 'F16'));
      const up = seeded(t.out * o.rank, o.seed * 100_000 + 2 * i + 1, 0.05);
      for (let r = 0; r < t.out; r++) for (let j = 0; j < o.rank; j++) up[r * o.rank + j]! /= Math.sqrt(j + 1);
      writeSync(fd, encodeFloat(up, 'F16'));
    });
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}

/** Bytes of fp16 / bf16 values in ±0.05 (seeded), reused as the data of every tensor of a synthetic checkpoint (content does not change the work). */
export function valuePool(bytes: number, dtype: 'F16' | 'BF16', seed = 12345): Uint8Array {
  return encodeFloat(seeded(bytes / 2, seed, 0.05), dtype);
}

/** Successive slices of `n` 16-bit values from `pool`, wrapping to its start when it runs out. */
export function poolSlices(pool: Uint8Array): (n: number) => Uint8Array {
  let p = 0;
  return (n) => {
    if (p + n * 2 > pool.byteLength) p = 0;
    const out = pool.slice(p, p + n * 2);
    p += n * 2;
    return out;
  };
}

/**
 * Writes a safetensors file whose 16-bit tensors take their bytes from `pool`, cycling, starting `phase`
 * bytes in (another phase gives every tensor other values: a "fine-tune" where every weight changed).
 * Never holds more than the pool in memory. Returns the file's size.
 */
export function writePooledSafetensors(file: string, specs: readonly { key: string; shape: readonly number[] }[], pool: Uint8Array, o: { dtype: 'F16' | 'BF16'; phase?: number; metadata?: Record<string, string> }): number {
  const header: Record<string, unknown> = o.metadata ? { __metadata__: o.metadata } : {};
  let offset = 0;
  for (const s of specs) {
    const bytes = s.shape.reduce((a, b) => a * b, 1) * 2;
    header[s.key] = { dtype: o.dtype, shape: s.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const fd = openSync(file, 'w');
  try {
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
    writeSync(fd, prefix);
    writeSync(fd, json);
    let left = offset;
    let p = (o.phase ?? 0) % pool.byteLength;
    while (left > 0) {
      const n = Math.min(left, pool.byteLength - p);
      writeSync(fd, pool, p, n);
      left -= n;
      p = (p + n) % pool.byteLength;
    }
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}

export interface TimedCommand {
  seconds: number;
  maxRssMB: number;
  /** CPU time of the command and its threads (GNU time's %U and %S). */
  userSeconds: number;
  sysSeconds: number;
  code: number | null;
  stderr: string;
}

/** Runs a command under GNU time: wall time, peak RSS and CPU time. */
export function timedCommand(cmd: string, cmdArgs: readonly string[], env: NodeJS.ProcessEnv = process.env): TimedCommand {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M CPU_USER=%U CPU_SYS=%S', cmd, ...cmdArgs], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  const m = /MAXRSS_KB=(\d+) CPU_USER=([\d.]+) CPU_SYS=([\d.]+)/.exec(r.stderr);
  return { seconds, maxRssMB: m ? Number(m[1]) / 1024 : Number.NaN, userSeconds: m ? Number(m[2]) : Number.NaN, sysSeconds: m ? Number(m[3]) : Number.NaN, code: r.status, stderr: r.stderr };
}

/** The linear layers of every Llama block a PEFT LoRA usually targets. */
export const LLAMA_LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;

/**
 * A PEFT adapter directory (adapter_config.json + bf16 adapter_model.safetensors) with a LoRA on every target of
 * every layer of the Llama-shaped model `cfg` (the shapes are llamaTensors'); values from a seeded pool.
 * Returns the bytes of adapter_model.safetensors.
 */
export function writeLlamaPeftAdapter(adapterDir: string, cfg: LlamaConfig, o: { rank: number; seed: number; poolBytes: number; config?: Record<string, unknown> }): number {
  const take = poolSlices(valuePool(o.poolBytes, 'BF16', o.seed));
  const targeted = new RegExp(`\\.(${LLAMA_LORA_TARGETS.join('|')})\\.weight$`);
  const tensors = llamaTensors(cfg)
    .filter((s) => targeted.test(s.key))
    .flatMap((s) => {
      const [out, inn] = [s.shape[0]!, s.shape[1]!];
      const key = `base_model.model.${s.key.replace(/\.weight$/, '')}`;
      return [
        { name: `${key}.lora_A.weight`, shape: [o.rank, inn], dtype: 'BF16' as const, data: take(o.rank * inn) },
        { name: `${key}.lora_B.weight`, shape: [out, o.rank], dtype: 'BF16' as const, data: take(out * o.rank) },
      ];
    });
  mkdirSync(adapterDir, { recursive: true });
  const bytes = safetensorsBytes(tensors);
  writeFileSync(path.join(adapterDir, 'adapter_model.safetensors'), bytes);
  writeFileSync(
    path.join(adapterDir, 'adapter_config.json'),
    JSON.stringify({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: o.rank, lora_alpha: 2 * o.rank, target_modules: LLAMA_LORA_TARGETS, ...o.config }),
  );
  return bytes.byteLength;
}
