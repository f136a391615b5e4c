/**
 * One front door: for a matrix of flags of merge, combine, resize and extract (strengths, dtypes, methods, block
 * weights, ranks, PEFT / kohya output), the command's output and the output of `lora-studio run` on the document
 * its `--print-graph` prints hold the same tensors, byte for byte (and the same adapter_config.json).
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { openCheckpoint } from '../../main/engine/tensor-io/open-checkpoint.js';
import { runCliProcess } from '../helpers/cli.js';
import { randomValues, writeSafetensors, type FixtureTensor } from '../helpers/safetensors.js';
import { writeSyntheticBase } from '../helpers/synthetic-base.js';
import { SD15, writeAttnProcLora, writeKohyaLora } from '../unit/ops/combine/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-cli-graph-'));
const base = path.join(dir, 'base.safetensors');
const loraA = path.join(dir, 'a.safetensors');
const loraB = path.join(dir, 'b.safetensors');
const tuned = path.join(dir, 'tuned.safetensors');
// LoRAs whose SD 1.x architecture is recognised without a base (attn2.to_k reads 768 wide): for combine and resize.
const C = writeKohyaLora(dir, 'c.safetensors', [
  { path: SD15.q, out: 8, in: 8, rank: 2, alpha: 1 },
  { path: SD15.k, out: 8, in: 8, rank: 4, alpha: 2 },
  { path: SD15.ctxK, out: 8, in: 768, rank: 3, alpha: 4 },
]).file;
const D = writeAttnProcLora(dir, 'd.safetensors', [
  { path: SD15.q, out: 8, in: 8, rank: 3 },
  { path: SD15.out, out: 8, in: 8, rank: 2 },
  { path: SD15.ctxK, out: 8, in: 768, rank: 2 },
]).file;

function writeLora(file: string, seed: number, rank: number, pattern: RegExp): void {
  const km = buildKeyMap(sd15Checkpoint({ size: 'tiny' }).map((s) => ({ name: s.key, shape: s.shape })));
  const tensors: FixtureTensor[] = [];
  const picked = km.modules.filter((m) => m.kohyaName && pattern.test(m.kohyaName));
  // Mostly UNet modules (so the architecture is recognised), and two of the text encoder.
  [...picked.filter((m) => m.kohyaName!.startsWith('lora_unet_')).slice(0, 8), ...picked.filter((m) => m.kohyaName!.startsWith('lora_te_')).slice(0, 2)].forEach((m, i) => {
      const shape = m.target.baseShape;
      const inFlat = shape.slice(1).reduce((a, b) => a * b, 1);
      tensors.push({ name: `${m.kohyaName}.lora_down.weight`, shape: [rank, ...shape.slice(1)], data: randomValues(rank * inFlat, seed + i) });
      tensors.push({ name: `${m.kohyaName}.lora_up.weight`, shape: [shape[0]!, rank, ...shape.slice(2).map(() => 1)], data: randomValues(shape[0]! * rank, seed + 50 + i) });
      tensors.push({ name: `${m.kohyaName}.alpha`, shape: [], data: [rank / 2] });
  });
  writeSafetensors(file, tensors, { ss_network_module: 'networks.lora', ss_network_dim: String(rank) });
}

beforeAll(async () => {
  writeSyntheticBase(base, sd15Checkpoint({ size: 'tiny' }), { dtype: 'F16' });
  writeLora(loraA, 10, 4, /attn1_to_q$|attn2_to_k$|proj_in$|self_attn_v_proj$/);
  writeLora(loraB, 90, 3, /attn1_to_q$|attn2_to_v$|proj_out$|self_attn_q_proj$/);
  const res = await runCliProcess(['merge', '--base', base, '--lora', `${loraA}:0.9`, '--out', tuned, '--quiet', '--no-hash', '--dtype', 'fp32']);
  expect(res.code, res.stderr).toBe(0);
}, 120_000);

/** Tensors by name (dtype + bytes), and the adapter config of a PEFT directory. */
async function contents(out: string): Promise<{ tensors: Map<string, string>; config?: string }> {
  const isDir = existsSync(out) && statSync(out).isDirectory();
  const source = await openCheckpoint(isDir ? path.join(out, 'adapter_model.safetensors') : out);
  const tensors = new Map<string, string>();
  try {
    for (const e of source.entries) tensors.set(e.name, `${e.dtype}:${Buffer.from(await source.readBytes(e.name)).toString('base64')}`);
  } finally {
    await source.close();
  }
  return { tensors, ...(isDir ? { config: readFileSync(path.join(out, 'adapter_config.json'), 'utf8') } : {}) };
}

const CASES: [string, string, () => string[]][] = [
  ['merge', 'one LoRA at 0.7, fp16', () => ['--base', base, '--lora', `${loraA}:0.7`, '--dtype', 'fp16']],
  ['merge', 'two LoRAs, strengths 0.8 / −0.3, bf16, block weights INALL with TE 0.5', () => ['--base', base, '--lora', `${loraA}:0.8`, '--lora', `${loraB}:-0.3`, '--dtype', 'bf16', '--block-weights', 'INALL', '--te-strength', '0.5']],
  ['merge', 'TIES at density 0.6, frequency sign election', () => ['--base', base, '--lora', loraA, '--lora', `${loraB}:0.5`, '--method', 'ties', '--density', '0.6', '--majority', 'frequency']],
  ['merge', 'DARE linear, seed by default', () => ['--base', base, '--lora', loraA, '--lora', loraB, '--method', 'dare_linear', '--density', '0.5']],
  ['combine', 'concat with weights 0.7 / −0.4 (kohya)', () => ['--lora', `${C}:0.7`, '--lora', `${D}:-0.4`]],
  ['combine', 'svd rank 2 to PEFT fp16', () => ['--lora', C, '--lora', D, '--method', 'svd', '--rank', '2', '--format', 'peft', '--dtype', 'fp16']],
  ['combine', 'dare_ties density 0.5 seed 3 rank 3, per-LoRA block weights', () => ['--lora', C, '--lora', D, '--method', 'dare_ties', '--density', '0.5', '--seed', '3', '--rank', '3', '--unet-strength', '0.5', '--unet-strength', '-']],
  ['resize', 'fixed rank 2', () => ['--lora', C, '--rank', '2']],
  ['resize', 'sv_fro 0.9 to PEFT', () => ['--lora', C, '--dynamic', 'sv_fro', '--param', '0.9', '--format', 'peft']],
  ['extract', 'rank 4 (kohya)', () => ['--base', base, '--tuned', tuned, '--rank', '4']],
  ['extract', 'rank 2 to PEFT bf16', () => ['--base', base, '--tuned', tuned, '--rank', '2', '--format', 'peft', '--dtype', 'bf16']],
];

describe('a command and `run` of its --print-graph write the same tensors', () => {
  it.each(CASES.map(([cmd, what, args], i) => [`${cmd}: ${what}`, cmd, args, i] as const))('%s', async (_name, cmd, args, i) => {
    const peft = args().includes('peft');
    const direct = path.join(dir, `direct-${i}${peft ? '' : '.safetensors'}`);
    const viaGraph = path.join(dir, `graph-${i}${peft ? '' : '.safetensors'}`);
    const ran = await runCliProcess([cmd, ...args(), '--out', direct, '--quiet', '--no-hash']);
    expect(ran.code, ran.stderr).toBe(0);

    const printed = await runCliProcess([cmd, ...args(), '--out', viaGraph, '--print-graph']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(existsSync(viaGraph)).toBe(false);
    const graphFile = path.join(dir, `graph-${i}.json`);
    writeFileSync(graphFile, printed.stdout);
    const run = await runCliProcess(['run', graphFile, '--quiet', '--no-hash']);
    expect(run.code, run.stderr).toBe(0);

    const [a, b] = [await contents(direct), await contents(viaGraph)];
    expect(a.tensors.size).toBeGreaterThan(0);
    expect([...b.tensors.keys()]).toEqual([...a.tensors.keys()]);
    for (const [name, bytes] of a.tensors) expect(b.tensors.get(name) === bytes, name).toBe(true);
    expect(b.config).toEqual(a.config);
  });
});
