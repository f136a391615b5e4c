import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors.js';
import { formatByteSize, parseByteSize } from '../../../main/engine/tensor-io/byte-size.js';
import { encodeFloat } from '../../../main/engine/tensor-io/float-convert.js';
import { openCheckpoint } from '../../../main/engine/tensor-io/open-checkpoint.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { SafetensorsWriter } from '../../../main/engine/tensor-io/safetensors-writer.js';
import { assignShards, createShardedWriter, indexFileName, shardFileName } from '../../../main/engine/tensor-io/sharded-writer.js';
import { randomValues } from '../../helpers/safetensors.js';
import { expectIOError, tempDir } from './helpers.js';

const root = tempDir('shards');
let n = 0;
function freshDir(): string {
  const d = path.join(root, `d${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
}

/** 7 tensors of 400, 400, 400, 1200, 100, 100, 400 bytes (F32). */
const plan = [100, 100, 100, 300, 25, 25, 100].map((len, i) => ({ name: `layer.${i}.weight`, dtype: 'F32' as const, shape: [len] }));
const values = plan.map((p, i) => randomValues(p.shape[0]!, i + 1));

describe('parseByteSize', () => {
  it('reads decimal and binary units, decimals and plain byte counts', () => {
    expect(parseByteSize('5GB')).toBe(5_000_000_000);
    expect(parseByteSize('500MB')).toBe(500_000_000);
    expect(parseByteSize('2GiB')).toBe(2 * 2 ** 30);
    expect(parseByteSize('1.5 gb')).toBe(1_500_000_000);
    expect(parseByteSize('10kib')).toBe(10240);
    expect(parseByteSize('123456')).toBe(123456);
    expect(parseByteSize(' 7 B ')).toBe(7);
    expect(parseByteSize('2T')).toBe(2e12);
    expect(parseByteSize('5G')).toBe(5e9);
    expect(parseByteSize('500KB')).toBe(500_000);
  });

  it('reads "0" and nothing as no limit (0), the same rule as Save Model’s param', () => {
    expect(parseByteSize('0')).toBe(0);
    expect(parseByteSize('')).toBe(0);
  });

  it('refuses anything else with a hint', () => {
    for (const bad of ['GB', '5 XB', '-1GB', '1e9', '5GB!', 'five']) {
      let err: unknown;
      try {
        parseByteSize(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(EngineError);
      expect((err as EngineError).code).toBe('bad-size');
      expect((err as EngineError).hint).toMatch(/5GB/);
    }
  });

  it('formats sizes for messages', () => {
    expect(formatByteSize(999)).toBe('999 B');
    expect(formatByteSize(5_000_000_000)).toBe('5.00 GB');
  });
});

describe('assignShards and names', () => {
  it('fills shards greedily in plan order; a tensor above the limit gets its own shard', () => {
    const names = (groups: ReturnType<typeof assignShards>) => groups.map((g) => g.map((t) => t.name.split('.')[1]).join(','));
    expect(names(assignShards('o', plan, 800))).toEqual(['0,1', '2', '3', '4,5,6']);
    expect(names(assignShards('o', plan, 1000))).toEqual(['0,1', '2', '3', '4,5,6']);
    expect(names(assignShards('o', plan, 1200))).toEqual(['0,1,2', '3', '4,5,6']);
    expect(names(assignShards('o', plan, 10_000))).toEqual(['0,1,2,3,4,5,6']);
    expect(names(assignShards('o', [], 10))).toEqual(['']);
    expect(() => assignShards('o', plan, 0)).toThrow(/not a positive number/);
  });

  it('names shards and the index as transformers does', () => {
    expect(shardFileName('/x/model.safetensors', 0, 3)).toBe('/x/model-00001-of-00003.safetensors');
    expect(shardFileName('/x/merged', 11, 12)).toBe('/x/merged-00012-of-00012.safetensors');
    expect(indexFileName('/x/model.safetensors')).toBe('/x/model.safetensors.index.json');
    expect(indexFileName('/x/merged')).toBe('/x/merged.safetensors.index.json');
  });
});

async function writeAll(out: string, maxShardSize: number) {
  const w = await createShardedWriter(out, plan, { format: 'pt', recipe: '{}' }, { maxShardSize });
  for (let i = 0; i < plan.length; i++) await w.write(plan[i]!.name, encodeFloat(values[i]!, 'F32'));
  return w;
}

describe('createShardedWriter', () => {
  it('writes HF-style shards and an index that openCheckpoint reads back exactly', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'model.safetensors');
    const w = await writeAll(out, 1000);
    expect(readdirSync(dir).every((f) => f.includes('.lora-studio-tmp-'))).toBe(true);
    await w.commit();
    expect(readdirSync(dir).sort()).toEqual([
      'model-00001-of-00004.safetensors',
      'model-00002-of-00004.safetensors',
      'model-00003-of-00004.safetensors',
      'model-00004-of-00004.safetensors',
      'model.safetensors.index.json',
    ]);
    expect(w.outputFiles.map((f) => path.basename(f))).toEqual([...readdirSync(dir).sort()]);
    const index = JSON.parse(readFileSync(path.join(dir, 'model.safetensors.index.json'), 'utf8')) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    expect(index.metadata.total_size).toBe(3000);
    expect(Object.keys(index.weight_map)).toEqual(plan.map((p) => p.name).sort());
    expect(index.weight_map['layer.3.weight']).toBe('model-00003-of-00004.safetensors');
    for (const target of [dir, path.join(dir, 'model.safetensors.index.json')]) {
      const src = await openCheckpoint(target);
      expect(src.files).toHaveLength(4);
      for (let i = 0; i < plan.length; i++) expect(await src.readFloat32(plan[i]!.name)).toEqual(values[i]);
      expect(src.metadata.format).toBe('pt');
      expect(src.metadata.total_size).toBe('3000');
      await src.close();
    }
    const shard = await SafetensorsFile.open(path.join(dir, 'model-00004-of-00004.safetensors'));
    expect(shard.metadata).toEqual({ format: 'pt', recipe: '{}' });
    await shard.close();
  });

  it('one shard is just the plain file, no index', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'small.safetensors');
    const w = await writeAll(out, parseByteSize('5GB'));
    expect(w).toBeInstanceOf(SafetensorsWriter);
    await w.commit();
    expect(readdirSync(dir)).toEqual(['small.safetensors']);
    expect(w.outputFiles).toEqual([out]);
  });

  it('abort removes every shard temporary file; a wrong write keeps the writer usable', async () => {
    const dir = freshDir();
    const w = await createShardedWriter(path.join(dir, 'm.safetensors'), plan, {}, { maxShardSize: 500 });
    await w.write(plan[0]!.name, encodeFloat(values[0]!, 'F32'));
    await expectIOError(w.write(plan[2]!.name, encodeFloat(values[2]!, 'F32')), 'write-order', ['"layer.2.weight" is out of order', '"layer.1.weight" comes next']);
    await expectIOError(w.write('nope', new Uint8Array(4)), 'write-order', ['not in the plan']);
    await expectIOError(w.commit(), 'write-order', ['never written']);
    expect(readdirSync(dir).length).toBeGreaterThan(1);
    await w.abort();
    expect(readdirSync(dir)).toEqual([]);
    await expectIOError(w.write(plan[1]!.name, new Uint8Array(400)), 'writer-closed');
  });

  it('refuses shard or index paths that are inputs', async () => {
    const dir = freshDir();
    const first = await writeAll(path.join(dir, 'm.safetensors'), 1000);
    await first.commit();
    const shard1 = path.join(dir, 'm-00001-of-00004.safetensors');
    await expectIOError(createShardedWriter(path.join(dir, 'm.safetensors'), plan, {}, { maxShardSize: 1000, inputs: [shard1] }), 'output-is-input', [shard1]);
    expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
    expect(existsSync(shard1)).toBe(true);
  });
});
