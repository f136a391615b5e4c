/**
 * Property tests: whatever bytes a file holds, opening it either gives a source whose every tensor reads
 * back within the file, or a TensorIOError that names the file (and the tensor when it has one). Never
 * another exception, never a hang.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTYPE_INFO, elementCount, type DType } from '../../../main/engine/tensor-io/dtypes.js';
import { TensorIOError } from '../../../main/engine/tensor-io/errors.js';
import { openCheckpoint } from '../../../main/engine/tensor-io/open-checkpoint.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { parseHeader, readHeaderLength } from '../../../main/engine/tensor-io/safetensors-header.js';
import { safetensorsBytes } from '../../helpers/safetensors.js';
import { rawSafetensors, tempDir } from './helpers.js';

const dir = tempDir('fuzz');
let n = 0;
const DTYPES = Object.keys(DTYPE_INFO) as DType[];
/** One case may not take longer than this (a hang or a quadratic blow-up fails the property). */
const CASE_MS = 2000;

/** Opens `bytes` as a file; checks the outcome; returns false on a property violation. */
async function openIsSafe(bytes: Uint8Array, ext = '.safetensors'): Promise<boolean> {
  const file = path.join(dir, `c${n++}${ext}`);
  writeFileSync(file, bytes);
  const t0 = performance.now();
  try {
    const src = await (ext === '.safetensors' ? SafetensorsFile.open(file) : openCheckpoint(file));
    try {
      let prevEnd = 0;
      for (const e of [...src.entries].sort((a, b) => a.dataOffset - b.dataOffset)) {
        expect(e.byteLength).toBe(elementCount(e.shape) * DTYPE_INFO[e.dtype].bytes);
        expect(e.dataOffset + e.byteLength).toBeLessThanOrEqual(bytes.byteLength);
        if (e.byteLength > 0) {
          expect(e.dataOffset).toBeGreaterThanOrEqual(prevEnd);
          prevEnd = e.dataOffset + e.byteLength;
        }
        expect((await src.readBytes(e.name)).byteLength).toBe(e.byteLength);
      }
      for (const v of Object.values(src.metadata)) expect(typeof v).toBe('string');
    } finally {
      await src.close();
    }
  } catch (err) {
    if (!(err instanceof TensorIOError)) throw err;
    expect(err.message.startsWith(`${file}: `)).toBe(true);
    expect(err.file).toBe(file);
    if (err.tensor !== undefined) expect(err.message).toContain(`"${err.tensor}"`);
  }
  expect(performance.now() - t0).toBeLessThan(CASE_MS);
  return true;
}

const dtypeArb = fc.oneof(fc.constantFrom(...DTYPES), fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null));
const dimArb = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: -3, max: 2 ** 40 }), fc.double(), fc.string({ maxLength: 2 }));
const offsetArb = fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: -5, max: 2 ** 60 }), fc.double(), fc.constant(null));
const entryArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ dtype: dtypeArb, shape: fc.array(dimArb, { maxLength: 3 }), data_offsets: fc.array(offsetArb, { minLength: 0, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const metadataArb = fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 8 })), fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })), fc.jsonValue({ maxDepth: 1 }));
const headerArb = fc.tuple(fc.dictionary(fc.string({ maxLength: 6 }), entryArb, { maxKeys: 5 }), fc.option(metadataArb)).map(([entries, meta]) => (meta === null ? entries : { __metadata__: meta, ...entries }));

describe('fuzz: the parser never crashes or hangs', () => {
  it('random bytes (pure parser, many runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 1000 }), (bytes, extra) => {
        const size = bytes.byteLength + extra;
        try {
          const len = readHeaderLength('f', bytes.subarray(0, 8), size);
          parseHeader('f', bytes.subarray(8, 8 + len), size);
        } catch (err) {
          if (!(err instanceof TensorIOError)) return false;
          return err.message.startsWith('f: ');
        }
        return true;
      }),
      { numRuns: 5000 },
    );
  });

  it('random bytes on disk', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), (bytes) => openIsSafe(bytes)), { numRuns: 200 });
  });

  it('random bytes behind a plausible header length', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 400 }), (body, len) => {
        const b = new Uint8Array(8 + body.byteLength);
        new DataView(b.buffer).setBigUint64(0, BigInt(len), true);
        b.set(body, 8);
        b[8] = 0x7b;
        return openIsSafe(b);
      }),
      { numRuns: 200 },
    );
  });

  it('random JSON headers with near-valid entries, and random data lengths', async () => {
    await fc.assert(
      fc.asyncProperty(headerArb, fc.integer({ min: 0, max: 96 }), (header, dataLength) => openIsSafe(rawSafetensors(header, new Uint8Array(dataLength)))),
      { numRuns: 400 },
    );
  });

  it('any JSON value as the header', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), (header) => openIsSafe(rawSafetensors(header, new Uint8Array(16)))), { numRuns: 150 });
  });
});

/** A valid file to mutate: three tensors, metadata. */
const valid = safetensorsBytes(
  [
    { name: 'alpha', shape: [], data: [4] },
    { name: 'down', shape: [2, 3], data: [1, 2, 3, 4, 5, 6], dtype: 'F16' },
    { name: 'steps', shape: [2], data: new Uint8Array(16), dtype: 'I64' },
  ],
  { ss_network_dim: '2' },
);
const validHeaderLength = Number(new DataView(valid.buffer).getBigUint64(0, true));
const validHeader = JSON.parse(new TextDecoder().decode(valid.subarray(8, 8 + validHeaderLength))) as Record<string, { dtype: string; shape: unknown; data_offsets: unknown }>;

describe('fuzz: mutations of a valid file', () => {
  it('the unmutated file opens', async () => {
    const file = path.join(dir, 'valid.safetensors');
    writeFileSync(file, valid);
    const f = await SafetensorsFile.open(file);
    expect(f.entries.map((e) => e.name)).toEqual(['alpha', 'down', 'steps']);
    await f.close();
  });

  it('flipped header bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 8 + validHeaderLength - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const b = valid.slice();
        for (const [at, x] of flips) b[at]! ^= x;
        return openIsSafe(b);
      }),
      { numRuns: 300 },
    );
  });

  it('truncated anywhere, or extended', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: valid.byteLength + 20 }), (cut) => {
        const b = new Uint8Array(cut);
        b.set(valid.subarray(0, Math.min(cut, valid.byteLength)));
        return openIsSafe(b);
      }),
      { numRuns: 150 },
    );
  });

  it('header length replaced (small, huge, around the limit)', async () => {
    const lengths = fc.oneof(fc.integer({ min: 0, max: valid.byteLength + 10 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(99_999_999n, 100_000_000n, 100_000_001n));
    await fc.assert(
      fc.asyncProperty(lengths, (len) => {
        const b = valid.slice();
        new DataView(b.buffer).setBigUint64(0, BigInt(len), true);
        return openIsSafe(b);
      }),
      { numRuns: 150 },
    );
  });

  it('entries changed: dtypes, shapes, offsets (overlapping, out of bounds), metadata values', async () => {
    const mutation = fc.record({
      tensor: fc.constantFrom('alpha', 'down', 'steps'),
      dtype: fc.option(dtypeArb, { nil: undefined }),
      shape: fc.option(fc.array(dimArb, { maxLength: 3 }), { nil: undefined }),
      offsets: fc.option(fc.tuple(offsetArb, offsetArb), { nil: undefined }),
      metadata: fc.option(metadataArb, { nil: undefined }),
      drop: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const header = structuredClone(validHeader) as Record<string, unknown>;
        const dataLength = valid.byteLength - 8 - validHeaderLength;
        for (const m of mutations) {
          const e = header[m.tensor] as Record<string, unknown> | undefined;
          if (!e) continue;
          if (m.drop) delete e.data_offsets;
          if (m.dtype !== undefined) e.dtype = m.dtype;
          if (m.shape !== undefined) e.shape = m.shape;
          if (m.offsets !== undefined) e.data_offsets = m.offsets;
          if (m.metadata !== undefined) header.__metadata__ = m.metadata;
        }
        return openIsSafe(rawSafetensors(header, valid.subarray(8 + validHeaderLength, 8 + validHeaderLength + dataLength)));
      }),
      { numRuns: 400 },
    );
  });

  it('through openCheckpoint with unknown extensions (sniffing never crashes)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 120 }), fc.constantFrom('.weights', '.bin', '.ckpt', '.safetensors'), async (bytes, ext) => {
        const file = path.join(dir, `o${n++}${ext}`);
        writeFileSync(file, bytes);
        try {
          await (await openCheckpoint(file)).close();
        } catch (err) {
          if (!(err instanceof TensorIOError)) return false;
          return err.message.startsWith(`${file}: `);
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('shard indexes with random JSON never crash', async () => {
    const shardDir = tempDir('fuzz-index');
    writeFileSync(path.join(shardDir, 'a.safetensors'), valid);
    const weightMap = fc.dictionary(fc.constantFrom('alpha', 'down', 'steps', 'x', '__proto__'), fc.oneof(fc.constantFrom('a.safetensors', 'b.safetensors', '../a.safetensors', ''), fc.jsonValue({ maxDepth: 1 })));
    const index = fc.oneof(fc.record({ metadata: fc.jsonValue({ maxDepth: 1 }), weight_map: weightMap }), fc.jsonValue({ maxDepth: 2 }));
    await fc.assert(
      fc.asyncProperty(index, async (json) => {
        const file = path.join(shardDir, `m${n++}.safetensors.index.json`);
        writeFileSync(file, JSON.stringify(json) ?? 'null');
        try {
          await (await openCheckpoint(file)).close();
        } catch (err) {
          if (!(err instanceof TensorIOError)) return false;
          return err.message.includes(file) || err.message.includes(shardDir);
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
