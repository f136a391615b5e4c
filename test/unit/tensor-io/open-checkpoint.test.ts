import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../../main/engine/tensor-io/open-checkpoint.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { ShardedCheckpoint } from '../../../main/engine/tensor-io/sharded-checkpoint.js';
import { safetensorsBytes, writeSafetensors } from '../../helpers/safetensors.js';
import { expectIOError, rawSafetensors, realFixtures, tempDir } from './helpers.js';

const root = tempDir('open');
let n = 0;
function freshDir(): string {
  const d = path.join(root, `d${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
}

/** A 3-shard checkpoint written by hand (the reader must not trust our writer). */
function writeSharded(dir: string, opts: { indexName?: string; weightMap?: Record<string, string>; metadata?: unknown } = {}): string {
  writeSafetensors(path.join(dir, 'model-00001-of-00002.safetensors'), [
    { name: 'a.weight', shape: [2], data: [1, 2] },
    { name: 'b.weight', shape: [2], data: [3, 4], dtype: 'F16' },
  ], { format: 'pt' });
  writeSafetensors(path.join(dir, 'model-00002-of-00002.safetensors'), [{ name: 'c.weight', shape: [1], data: [5] }], { format: 'pt', extra: 'shard2' });
  const indexPath = path.join(dir, opts.indexName ?? 'model.safetensors.index.json');
  const weightMap = opts.weightMap ?? { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00001-of-00002.safetensors', 'c.weight': 'model-00002-of-00002.safetensors' };
  writeFileSync(indexPath, JSON.stringify({ metadata: opts.metadata ?? { total_size: 16 }, weight_map: weightMap }));
  return indexPath;
}

describe('openCheckpoint: files and directories', () => {
  it('opens a .safetensors file', async () => {
    const p = writeSafetensors(path.join(freshDir(), 'm.safetensors'), [{ name: 'w', shape: [1], data: [7] }]);
    const src = await openCheckpoint(p);
    expect(src).toBeInstanceOf(SafetensorsFile);
    expect(src.files).toEqual([p]);
    expect(Array.from(await src.readFloat32('w'))).toEqual([7]);
    await src.close();
  });

  it('opens a safetensors file whose header length starts with 0x80 (not a pickle)', async () => {
    // Header padded to exactly 0x280 bytes: the file starts 80 02, like pickle protocol 2.
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } });
    const p = path.join(freshDir(), 'tricky.safetensors');
    writeFileSync(p, rawSafetensors(null, new Uint8Array(4), header.padEnd(0x280, ' ')));
    const src = await openCheckpoint(p);
    expect(src.entries.map((e) => e.name)).toEqual(['w']);
    await src.close();
  });

  it('opens a directory with one safetensors file (a PEFT adapter directory)', async () => {
    const d = freshDir();
    const p = writeSafetensors(path.join(d, 'adapter_model.safetensors'), [{ name: 'w', shape: [1], data: [1] }]);
    writeFileSync(path.join(d, 'adapter_config.json'), '{}');
    writeFileSync(path.join(d, '.hidden.safetensors'), 'x');
    const src = await openCheckpoint(d);
    expect(src.path).toBe(p);
    await src.close();
  });

  it('refuses a directory with several candidates, listing them', async () => {
    const d = freshDir();
    writeSafetensors(path.join(d, 'one.safetensors'), [{ name: 'w', shape: [1], data: [1] }]);
    writeSafetensors(path.join(d, 'two.safetensors'), [{ name: 'w', shape: [1], data: [1] }]);
    await expectIOError(openCheckpoint(d), 'ambiguous-checkpoint', [d, 'one.safetensors', 'two.safetensors']);
    const d2 = freshDir();
    writeSharded(d2);
    writeSafetensors(path.join(d2, 'stray.safetensors'), [{ name: 'w', shape: [1], data: [1] }]);
    await expectIOError(openCheckpoint(d2), 'ambiguous-checkpoint', ['stray.safetensors']);
    const d3 = freshDir();
    writeSharded(d3);
    writeSharded(d3, { indexName: 'other.safetensors.index.json' });
    await expectIOError(openCheckpoint(d3), 'ambiguous-checkpoint', ['model.safetensors.index.json', 'other.safetensors.index.json']);
  });

  it('refuses an empty directory and a missing path', async () => {
    const d = freshDir();
    writeFileSync(path.join(d, 'notes.txt'), 'hi');
    await expectIOError(openCheckpoint(d), 'no-checkpoint', [d]);
    await expectIOError(openCheckpoint(path.join(d, 'nope.safetensors')), 'not-found', ['nope.safetensors', 'does not exist']);
  });
});

describe('openCheckpoint: pickles are never unpickled', () => {
  it('refuses pickle extensions with a conversion command', async () => {
    for (const ext of ['.ckpt', '.pt', '.pth', '.bin', '.pkl']) {
      const p = path.join(freshDir(), `model${ext}`);
      writeFileSync(p, new Uint8Array([0x80, 0x02, 0x8a, 0x0a, 0x6c]));
      const e = await expectIOError(openCheckpoint(p), 'pickle-format', [p, 'arbitrary code']);
      expect(e.hint).toContain('weights_only=True');
      expect(e.hint).toContain('save_file');
      expect(e.hint).toContain(`'${p.slice(0, -ext.length)}.safetensors'`);
    }
  });

  it('refuses torch zip and raw pickle content whatever the extension', async () => {
    const zip = path.join(freshDir(), 'weights.safetensors');
    writeFileSync(zip, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0]));
    await expectIOError(openCheckpoint(zip), 'pickle-format', ['zip archive of pickles']);
    const pkl = path.join(freshDir(), 'weights.model');
    writeFileSync(pkl, new Uint8Array([0x80, 0x04, 0x95, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    await expectIOError(openCheckpoint(pkl), 'pickle-format', ['pickle (protocol 4)']);
  });

  it('reads a .bin file that is really safetensors (renamed), since it is not a pickle', async () => {
    const p = path.join(freshDir(), 'adapter_model.bin');
    writeFileSync(p, safetensorsBytes([{ name: 'w', shape: [1], data: [3] }]));
    const src = await openCheckpoint(p);
    expect(Array.from(await src.readFloat32('w'))).toEqual([3]);
    await src.close();
  });

  it('refuses a directory that holds only pickles', async () => {
    const d = freshDir();
    writeFileSync(path.join(d, 'pytorch_model.bin'), new Uint8Array([0x50, 0x4b, 3, 4]));
    const e = await expectIOError(openCheckpoint(d), 'pickle-format', ['pytorch_model.bin']);
    expect(e.hint).toContain('pytorch_model.safetensors');
  });
});

describe('openCheckpoint: says what a non-safetensors file is', () => {
  const cases: Array<[string, string | Uint8Array, string]> = [
    ['lfs.safetensors', 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n', 'Git LFS pointer'],
    ['page.safetensors', '<!DOCTYPE html><html><body>Not found</body></html>', 'HTML'],
    ['model.gguf', new Uint8Array([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'GGUF'],
    ['weights.dat', new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]), 'de ad be ef'],
    ['empty.safetensors', new Uint8Array(0), 'empty file'],
  ];
  for (const [name, content, expected] of cases) {
    it(name, async () => {
      const p = path.join(freshDir(), name);
      writeFileSync(p, content);
      const e = await expectIOError(openCheckpoint(p), 'unknown-format', [p, expected]);
      expect(e.hint).toBeTruthy();
    });
  }

  it('a damaged safetensors file keeps its precise error', async () => {
    const bytes = safetensorsBytes([{ name: 'w', shape: [4], data: [1, 2, 3, 4] }]);
    const p = path.join(freshDir(), 'cut.safetensors');
    writeFileSync(p, bytes.subarray(0, bytes.byteLength - 2));
    await expectIOError(openCheckpoint(p), 'out-of-bounds', ['"w"']);
  });
});

describe('sharded checkpoints', () => {
  it('opens an index (by path and by directory) and reads tensors from every shard', async () => {
    const d = freshDir();
    const indexPath = writeSharded(d);
    for (const target of [indexPath, d]) {
      const src = await openCheckpoint(target);
      expect(src).toBeInstanceOf(ShardedCheckpoint);
      expect(src.path).toBe(indexPath);
      expect(src.files.map((f) => path.basename(f))).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
      expect(src.entries.map((e) => e.name)).toEqual(['a.weight', 'b.weight', 'c.weight']);
      expect(src.get('c.weight')?.file).toBe(path.join(d, 'model-00002-of-00002.safetensors'));
      expect(Array.from(await src.readFloat32('b.weight'))).toEqual([3, 4]);
      expect(Array.from(await src.readFloat32('c.weight'))).toEqual([5]);
      const into = new Uint8Array(8);
      expect(await src.readBytes('a.weight', into)).toBe(into);
      expect(src.metadata).toEqual({ format: 'pt', total_size: '16' });
      await expectIOError(src.readBytes('zzz'), 'unknown-tensor', [indexPath, '"zzz"']);
      await src.close();
    }
  });

  it('missing-shard names the index and the shard', async () => {
    const d = freshDir();
    const indexPath = writeSharded(d, { weightMap: { 'a.weight': 'model-00001-of-00002.safetensors', 'x.weight': 'model-00009-of-00009.safetensors' } });
    const e = await expectIOError(openCheckpoint(indexPath), 'missing-shard', [indexPath, 'model-00009-of-00009.safetensors', 'does not exist']);
    expect(e.hint).toMatch(/missing shard/);
  });

  it('a tensor the index puts in the wrong shard, or in none', async () => {
    const d = freshDir();
    const wrong = writeSharded(d, { weightMap: { 'b.weight': 'model-00001-of-00002.safetensors', 'a.weight': 'model-00002-of-00002.safetensors', 'c.weight': 'model-00002-of-00002.safetensors' } });
    const e = await expectIOError(openCheckpoint(wrong), 'unknown-tensor', [wrong, '"a.weight"', 'model-00002-of-00002.safetensors', 'it is in "model-00001-of-00002.safetensors"']);
    expect(e.tensor).toBe('a.weight');
    const d2 = freshDir();
    const none = writeSharded(d2, { weightMap: { 'ghost.weight': 'model-00001-of-00002.safetensors' } });
    await expectIOError(openCheckpoint(none), 'unknown-tensor', ['"ghost.weight"', 'no shard holds it']);
  });

  it('duplicate-tensor: a tensor in two shards', async () => {
    const d = freshDir();
    writeSafetensors(path.join(d, 's1.safetensors'), [{ name: 'w', shape: [1], data: [1] }]);
    writeSafetensors(path.join(d, 's2.safetensors'), [{ name: 'w', shape: [1], data: [2] }, { name: 'v', shape: [1], data: [2] }]);
    const indexPath = path.join(d, 'm.safetensors.index.json');
    writeFileSync(indexPath, JSON.stringify({ weight_map: { w: 's1.safetensors', v: 's2.safetensors' } }));
    const e = await expectIOError(openCheckpoint(indexPath), 'duplicate-tensor', [indexPath, '"w"', 's1.safetensors', 's2.safetensors']);
    expect(e.tensor).toBe('w');
  });

  it('a corrupt shard is reported under its own name, with the index mentioned', async () => {
    const d = freshDir();
    const indexPath = writeSharded(d);
    const shard = path.join(d, 'model-00002-of-00002.safetensors');
    writeFileSync(shard, rawSafetensors({ 'c.weight': { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }));
    const e = await expectIOError(openCheckpoint(indexPath), 'out-of-bounds', [shard, '"c.weight"', `a shard of ${indexPath}`]);
    expect(e.file).toBe(shard);
  });

  it('bad-index: not JSON, no weight_map, bad values, paths outside the directory, pickle shards', async () => {
    const d = freshDir();
    const p = path.join(d, 'm.safetensors.index.json');
    const cases: Array<[string, string, string[]]> = [
      ['{oops', 'bad-index', ['not valid JSON']],
      ['[]', 'bad-index', ['weight_map']],
      ['{"metadata": {}}', 'bad-index', ['"weight_map" is missing']],
      ['{"weight_map": {}}', 'bad-index', ['empty']],
      ['{"weight_map": {"w": 3}}', 'bad-index', ['weight_map["w"]']],
      ['{"metadata": 5, "weight_map": {"w": "a.safetensors"}}', 'bad-index', ['"metadata"']],
      ['{"weight_map": {"w": "../outside.safetensors"}}', 'bad-index', ['outside']],
      ['{"weight_map": {"w": "/etc/passwd"}}', 'bad-index', ['outside']],
      ['{"weight_map": {"w": "pytorch_model-00001-of-00002.bin"}}', 'pickle-format', ['pickle shards']],
    ];
    for (const [text, code, parts] of cases) {
      writeFileSync(p, text);
      await expectIOError(openCheckpoint(p), code as never, [p, ...parts]);
    }
  });
});

describe.skipIf(!existsSync(realFixtures))('real files (../shared/fixtures/real)', () => {
  it('opens the diffusers attention-processor LoRA: 256 F32 tensors, metadata {"format": "pt"}', async () => {
    const src = await openCheckpoint(path.join(realFixtures, 'sd15-diffusers-attnproc-lora.safetensors'));
    expect(src.metadata).toEqual({ format: 'pt' });
    expect(src.entries.length).toBe(256);
    expect(new Set(src.entries.map((e) => e.dtype))).toEqual(new Set(['F32']));
    const down = src.get('down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_k_lora.down.weight');
    expect(down?.shape).toEqual([4, 320]);
    const values = await src.readFloat32(down!.name);
    expect(values.length).toBe(1280);
    expect(values.every(Number.isFinite)).toBe(true);
    await src.close();
  });

  it('opens the PEFT adapter directory through its safetensors file', async () => {
    const src = await openCheckpoint(path.join(realFixtures, 'distilbert-peft-seqcls'));
    expect(path.basename(src.path)).toBe('adapter_model.safetensors');
    expect(src.entries.some((e) => e.name.includes('lora_A'))).toBe(true);
    await src.close();
  });
});
