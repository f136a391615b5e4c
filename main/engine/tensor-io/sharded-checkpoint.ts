/**
 * A Hugging Face sharded checkpoint: `model.safetensors.index.json` ({"metadata": {...}, "weight_map":
 * {tensor: shard file}}) next to its shards. Every shard is opened and validated up front, so a missing or
 * corrupt shard, or an index that disagrees with its shards, fails at open time with the file named.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { TensorIOError, systemErrorText } from './errors.js';
import { PICKLE_EXTENSIONS, pickleConversionHint } from './file-kind.js';
import { SafetensorsFile } from './safetensors-file.js';
import type { TensorEntry } from './safetensors-header.js';
import type { TensorSource } from './tensor-source.js';

/** Index files above this are not indexes (a 70B model's index is ~100 KB). */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

export interface ShardIndex {
  metadata: Record<string, unknown>;
  weightMap: Map<string, string>;
  /** Shard file names in first-use order. */
  shards: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and validates the JSON of an index file (pure: no file access). */
export function parseShardIndex(indexPath: string, text: string): ShardIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TensorIOError('bad-index', indexPath, `is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (!isRecord(json)) throw new TensorIOError('bad-index', indexPath, 'is not a JSON object with "weight_map".');
  const { weight_map: weightMap, metadata } = json;
  if (!isRecord(weightMap)) throw new TensorIOError('bad-index', indexPath, '"weight_map" is missing or not an object of tensor name → shard file.');
  if (metadata !== undefined && metadata !== null && !isRecord(metadata)) throw new TensorIOError('bad-index', indexPath, '"metadata" is not an object.');
  const map = new Map<string, string>();
  const shards: string[] = [];
  for (const [tensor, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || shard === '') {
      throw new TensorIOError('bad-index', indexPath, `weight_map["${tensor}"] is ${JSON.stringify(shard)}, not a shard file name.`, { tensor });
    }
    // Shards live next to the index: refuse paths that leave its directory.
    const normal = path.normalize(shard);
    if (path.isAbsolute(shard) || normal === '..' || normal.startsWith(`..${path.sep}`)) {
      throw new TensorIOError('bad-index', indexPath, `weight_map["${tensor}"] names "${shard}", which is outside the index's directory.`, { tensor });
    }
    if (!shards.includes(shard)) shards.push(shard);
    map.set(tensor, shard);
  }
  if (map.size === 0) throw new TensorIOError('bad-index', indexPath, '"weight_map" is empty.');
  return { metadata: isRecord(metadata) ? metadata : {}, weightMap: map, shards };
}

/** Reads and validates an index file (the shards are not opened). */
export async function readShardIndex(indexPath: string): Promise<ShardIndex> {
  let text: string;
  try {
    const st = await stat(indexPath);
    if (!st.isFile()) throw new TensorIOError('not-a-file', indexPath, 'is not a file.');
    if (st.size > MAX_INDEX_BYTES) throw new TensorIOError('bad-index', indexPath, `is ${st.size} bytes: too large for a shard index.`);
    text = await readFile(indexPath, 'utf8');
  } catch (err) {
    if (err instanceof TensorIOError) throw err;
    throw new TensorIOError('not-found', indexPath, `cannot be read (${systemErrorText(err)}).`, { cause: err });
  }
  return parseShardIndex(indexPath, text);
}

export class ShardedCheckpoint implements TensorSource {
  readonly files: readonly string[];
  readonly entries: readonly TensorEntry[];
  readonly metadata: Readonly<Record<string, string>>;
  private readonly owner = new Map<string, SafetensorsFile>();

  private constructor(
    readonly path: string,
    readonly shardFiles: readonly SafetensorsFile[],
    readonly index: ShardIndex,
  ) {
    this.files = shardFiles.map((s) => s.path);
    const entries: TensorEntry[] = [];
    for (const shard of shardFiles) {
      for (const e of shard.entries) {
        entries.push(e);
        this.owner.set(e.name, shard);
      }
    }
    this.entries = entries;
    // The first shard's __metadata__, then the index's metadata (non-strings as JSON), which describes the whole checkpoint.
    const meta: Record<string, string> = {};
    const put = (k: string, v: string) => Object.defineProperty(meta, k, { value: v, enumerable: true, writable: true, configurable: true });
    for (const [k, v] of Object.entries(shardFiles[0]?.metadata ?? {})) put(k, v);
    for (const [k, v] of Object.entries(index.metadata)) put(k, typeof v === 'string' ? v : JSON.stringify(v));
    this.metadata = meta;
  }

  static async open(indexPath: string): Promise<ShardedCheckpoint> {
    const index = await readShardIndex(indexPath);
    const dir = path.dirname(indexPath);
    const opened: SafetensorsFile[] = [];
    try {
      for (const shard of index.shards) {
        const shardPath = path.join(dir, shard);
        if (PICKLE_EXTENSIONS.some((ext) => shard.toLowerCase().endsWith(ext))) {
          throw new TensorIOError('pickle-format', indexPath, `indexes pickle shards ("${shard}", …), which are refused: loading one can run arbitrary code.`, {
            hint: pickleConversionHint(shardPath),
          });
        }
        try {
          opened.push(await SafetensorsFile.open(shardPath));
        } catch (err) {
          if (err instanceof TensorIOError && (err.code === 'not-found' || err.code === 'not-a-file')) {
            throw new TensorIOError('missing-shard', indexPath, `lists shard "${shard}", which ${err.code === 'not-found' ? 'does not exist' : 'is not a file'} (${shardPath}).`, {
              cause: err,
              hint: 'Download the missing shard, or open a complete checkpoint.',
            });
          }
          if (err instanceof TensorIOError) {
            throw new TensorIOError(err.code, shardPath, `${err.reason} (a shard of ${indexPath})`, { tensor: err.tensor, hint: err.hint, cause: err });
          }
          throw err;
        }
      }
      checkAgainstShards(indexPath, index, opened);
      return new ShardedCheckpoint(indexPath, opened, index);
    } catch (err) {
      await Promise.all(opened.map((f) => f.close()));
      throw err;
    }
  }

  get(name: string): TensorEntry | undefined {
    return this.owner.get(name)?.get(name);
  }

  private shardOf(name: string): SafetensorsFile {
    const shard = this.owner.get(name);
    if (!shard) throw new TensorIOError('unknown-tensor', this.path, `has no tensor "${name}".`, { tensor: name });
    return shard;
  }

  async readBytes(name: string, into?: Uint8Array): Promise<Uint8Array> {
    return this.shardOf(name).readBytes(name, into);
  }

  async readFloat32(name: string): Promise<Float32Array> {
    return this.shardOf(name).readFloat32(name);
  }

  async close(): Promise<void> {
    await Promise.all(this.shardFiles.map((f) => f.close()));
  }
}

/**
 * Every tensor the index names is in the shard it names, and no tensor is in two shards. Tensors a shard
 * holds that the index does not list are kept (transformers loads whole shards, so they are part of the model).
 */
function checkAgainstShards(indexPath: string, index: ShardIndex, shards: readonly SafetensorsFile[]): void {
  const byFile = new Map(index.shards.map((name, i) => [name, shards[i]!]));
  const seenIn = new Map<string, string>();
  for (const [name, shardFile] of index.shards.map((s, i) => [s, shards[i]!] as const)) {
    for (const e of shardFile.entries) {
      const other = seenIn.get(e.name);
      if (other !== undefined) {
        throw new TensorIOError('duplicate-tensor', indexPath, `tensor "${e.name}" is in two shards: "${other}" and "${name}".`, { tensor: e.name });
      }
      seenIn.set(e.name, name);
    }
  }
  for (const [tensor, shard] of index.weightMap) {
    if (!byFile.get(shard)!.get(tensor)) {
      const actual = seenIn.get(tensor);
      throw new TensorIOError('unknown-tensor', indexPath, `says tensor "${tensor}" is in "${shard}", but ${actual ? `it is in "${actual}"` : 'no shard holds it'}.`, {
        tensor,
        hint: 'The index and the shards come from different downloads or versions: download them again together.',
      });
    }
  }
}
