/**
 * The CLI against hostile files and arguments: control characters in metadata and tensor names never reach
 * the terminal raw, the pickle-conversion hint is safe to paste into a shell, and `--set` refuses names
 * that objects inherit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeGraph } from '../../shared/graph/codec.js';
import { generateDemoFiles } from '../../main/engine/demo/index.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { runCliProcess } from '../helpers/cli.js';
import { writeSafetensors } from '../helpers/safetensors.js';
import { GraphBuilder, T } from '../unit/shared/builder.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-harden-cli-'));
// ESC (colour, OSC 52 clipboard write, OSC title), BEL, CR, and U+009B (C1 CSI).
const HOSTILE = 'a\x1b[31mred\x1b]52;c;ZXZpbA==\x07\x1b]0;title\x07\rover\u009b2Jz';
// eslint-disable-next-line no-control-regex -- looking for raw control characters is the point.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function hostileLora(): string {
  const file = path.join(dir, 'hostile.safetensors');
  writeSafetensors(file, [
    { name: 'lora_unet_mid_block_attentions_0_proj_in.lora_down.weight', shape: [2, 4], data: new Float32Array(8).fill(0.1) },
    { name: 'lora_unet_mid_block_attentions_0_proj_in.lora_up.weight', shape: [4, 2], data: new Float32Array(8).fill(0.1) },
    { name: `stray_${HOSTILE}`, shape: [1], data: [1] },
  ], { [`ss_${HOSTILE}`]: HOSTILE, format: 'pt' });
  return file;
}

describe('terminal safety', () => {
  it('inspect escapes control characters in metadata keys and values and tensor names (text and --json)', async () => {
    const file = hostileLora();
    const text = await runCliProcess(['inspect', file]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toMatch(RAW_CONTROL);
    expect(text.stderr).not.toMatch(RAW_CONTROL);
    expect(text.stdout).toContain('\\x1b[31mred');
    const json = await runCliProcess(['inspect', file, '--json']);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    const parsed = JSON.parse(json.stdout) as { metadata: Record<string, string> };
    expect(parsed.metadata[`ss_${HOSTILE}`]).toBe(HOSTILE);
  });

  it('an error that quotes a tensor name escapes it', async () => {
    const file = path.join(dir, 'bad-dtype.safetensors');
    const header = JSON.stringify({ [`w${HOSTILE}`]: { dtype: 'Q4', shape: [1], data_offsets: [0, 4] } });
    const bytes = Buffer.alloc(8 + header.length + 4);
    bytes.writeBigUInt64LE(BigInt(Buffer.byteLength(header)), 0);
    bytes.write(header, 8);
    writeFileSync(file, bytes.subarray(0, 8 + Buffer.byteLength(header) + 4));
    const r = await runCliProcess(['inspect', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown dtype');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it.skipIf(process.platform === 'win32')('the pickle-conversion hint quotes the file name for the shell: pasting it runs nothing else', async () => {
    const sub = mkdtempSync(path.join(dir, 'pickle-'));
    const name = "it's $(touch PWNED1) `touch PWNED2` \"q\" \\ !x.ckpt";
    const ckpt = path.join(sub, name);
    writeFileSync(ckpt, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60), Buffer.from('archive/data.pkl')]));
    const r = await runCliProcess(['inspect', ckpt]);
    expect(r.code).toBe(1);
    const line = r.stderr.split('\n').find((l) => l.trim().startsWith('python'));
    expect(line, r.stderr).toBeDefined();
    // Paste the command into a shell where `python` only records its arguments.
    const script = `python() { for a in "$@"; do printf '%s\\0' "$a"; done > args.bin; }\n${line!.trim()}\n`;
    execFileSync('sh', ['-c', script], { cwd: sub });
    expect(readdirSync(sub).filter((f) => f.startsWith('PWNED'))).toEqual([]);
    const args = readFileSync(path.join(sub, 'args.bin'), 'utf8').split('\0').slice(0, -1);
    expect(args[0]).toBe('-c');
    expect(args.slice(2)).toEqual([ckpt, ckpt.replace(/\.ckpt$/, '.safetensors')]);
  });
});

describe('--set with names every object inherits', () => {
  let graphFile: string;
  beforeAll(async () => {
    await generateDemoFiles(path.join(dir, 'demo'));
    const g = new GraphBuilder();
    const l = g.node(T.loadLora, { path: '../demo/style-lora.safetensors' }, { id: 'style' });
    const s = g.node(T.saveLora, { path: '../out/x.safetensors' }, { id: 'save' });
    g.edge(l, 'lora', s, 'lora');
    graphFile = path.join(dir, 'graphs', 'g.json');
    execFileSync('mkdir', ['-p', path.dirname(graphFile)]);
    writeFileSync(graphFile, serializeGraph(g.doc));
  });

  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    it(`--set save.${name}=1 is a usage error (exit 2)`, async () => {
      const r = await runCliProcess(['run', graphFile, '--set', `save.${name}=1`]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`has no param "${name}"`);
      expect(existsSync(path.join(dir, 'out', 'x.safetensors'))).toBe(false);
    });
  }
});

describe('NaN / Inf, rank 0 and alpha 0 through the CLI', () => {
  const M = 'lora_unet_mid_block_attentions_0_proj_in';
  function lora(name: string, down: number[], alpha?: number): string {
    const file = path.join(dir, name);
    writeSafetensors(file, [
      { name: `${M}.lora_down.weight`, shape: [2, 4], data: Float32Array.from(down) },
      { name: `${M}.lora_up.weight`, shape: [4, 2], data: new Float32Array(8).fill(0.25) },
      ...(alpha !== undefined ? [{ name: `${M}.alpha`, shape: [], data: [alpha] }] : []),
    ]);
    return file;
  }
  const nanFile = (): string => lora('nan.safetensors', [Number.NaN, 1, 2, 3, 4, 5, 6, 7]);

  it('combine refuses a LoRA with NaN before writing anything; --allow-nonfinite lets it through', async () => {
    const file = nanFile();
    const out = path.join(dir, 'nan-combined.safetensors');
    const refused = await runCliProcess(['combine', '--lora', file, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(file);
    expect(refused.stderr).toContain(M);
    expect(refused.stderr).toContain('--allow-nonfinite');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
    const allowed = await runCliProcess(['combine', '--lora', file, '--out', out, '--allow-nonfinite']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('inspect reports non-finite values', async () => {
    const r = await runCliProcess(['inspect', nanFile()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/non-finite values.*1 NaN/);
  });

  it('resize of an alpha-0 LoRA: no "Inverse iteration broke down"', async () => {
    const file = lora('alpha0.safetensors', [1, 2, 3, 4, 5, 6, 7, 8], 0);
    const r = await runCliProcess(['resize', '--lora', file, '--rank', '1', '--out', path.join(dir, 'alpha0-r1.safetensors')]);
    expect(r.stderr).not.toMatch(/Inverse iteration/);
    expect(r.code, r.stderr).toBe(0);
    // The zero delta stays zero: no NaN from the decomposition of a zero matrix.
    const f = await SafetensorsFile.open(path.join(dir, 'alpha0-r1.safetensors'));
    for (const e of f.entries) for (const v of await f.readFloat32(e.name)) expect(Number.isFinite(v)).toBe(true);
    await f.close();
  });

  it('the Load LoRA node refuses NaN unless its "Allow NaN / Inf" param is on', async () => {
    const file = nanFile();
    const g = new GraphBuilder();
    const l = g.node(T.loadLora, { path: file }, { id: 'nan' });
    const s = g.node(T.saveLora, { path: path.join(dir, 'node-out.safetensors') }, { id: 'save' });
    g.edge(l, 'lora', s, 'lora');
    const graph = path.join(dir, 'nan-graph.json');
    writeFileSync(graph, serializeGraph(g.doc));
    const refused = await runCliProcess(['run', graph]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NaN');
    const allowed = await runCliProcess(['run', graph, '--set', 'nan.allowNonFinite=true']);
    expect(allowed.code, allowed.stderr).toBe(0);
  });
});

describe('a stop that arrives after an output was renamed into place', () => {
  it('says which outputs were written in full instead of "no partial output"', async () => {
    const demo = path.join(dir, 'demo');
    if (!existsSync(demo)) await generateDemoFiles(demo);
    const g = new GraphBuilder();
    const l = g.node(T.loadLora, { path: path.join(demo, 'style-lora.safetensors') }, { id: 'load' });
    const a = g.node(T.saveLora, { path: path.join(dir, 'stop', 'first.safetensors') }, { id: 'first', title: 'First' });
    const b = g.node(T.saveLora, { path: path.join(dir, 'stop', 'second.safetensors') }, { id: 'second', title: 'Second' });
    g.edge(l, 'lora', a, 'lora');
    g.edge(l, 'lora', b, 'lora');
    const graph = path.join(dir, 'stop-graph.json');
    writeFileSync(graph, serializeGraph(g.doc));
    let sent = false;
    const r = await runCliProcess(['run', graph], {
      env: { LORA_STUDIO_DEBUG_DELAY_MS: '60' },
      onStderr: (text, kill) => {
        if (!sent && /✓ First \(first\)/.test(text)) {
          sent = true;
          kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(existsSync(path.join(dir, 'stop', 'first.safetensors'))).toBe(true);
    expect(existsSync(path.join(dir, 'stop', 'second.safetensors'))).toBe(false);
    expect(r.stderr).not.toContain('no partial output was left behind');
    expect(r.stderr).toMatch(/written in full: .*first\.safetensors/);
  });
});

describe('a run killed with SIGKILL', () => {
  it('leaves its temp file; the next run writing the same output removes it', async () => {
    const demo = path.join(dir, 'demo');
    if (!existsSync(demo)) await generateDemoFiles(demo);
    const outDir = mkdtempSync(path.join(dir, 'killed-'));
    const out = path.join(outDir, 'resized.safetensors');
    const args = ['resize', '--lora', path.join(demo, 'style-lora.safetensors'), '--rank', '2', '--out', out];
    let killed = false;
    const first = await runCliProcess(args, {
      env: { LORA_STUDIO_DEBUG_DELAY_MS: '200' },
      onStderr: (text, kill) => {
        if (!killed && /Save LoRA \(save-lora-1\)\s+\d/.test(text)) {
          killed = true;
          kill('SIGKILL');
        }
      },
    });
    expect(first.signal).toBe('SIGKILL');
    const leftovers = readdirSync(outDir).filter((f) => f.includes('.lora-studio-tmp-'));
    expect(leftovers.length).toBe(1);
    expect(existsSync(out)).toBe(false);
    const second = await runCliProcess(args);
    expect(second.code, second.stderr).toBe(0);
    expect(readdirSync(outDir)).toEqual(['resized.safetensors']);
  });
});
