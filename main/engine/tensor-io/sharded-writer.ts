/**
 * Sharded output as Hugging Face writes it: out `dir/model.safetensors` with a size limit becomes
 * `dir/model-00001-of-00003.safetensors` … plus `dir/model.safetensors.index.json` ({"metadata":
 * {"total_size": bytes of tensor data}, "weight_map": {tensor: shard}}). Tensors are assigned to shards
 * from the plan up front, in plan order, starting a new shard when the next tensor would push the current
 * one past the limit (a tensor larger than the limit gets a shard of its own). The limit counts tensor
 * bytes, as transformers does; each shard's header adds a little.
 *
 * Every shard and the index go through temporary files. commit() commits the shards, then the index, so an
 * index never points at shards that are not in place; abort() removes every temporary file. Only one
 * shard's writes are in flight at a time (writes follow the plan, so shard by shard).
 */
import { open, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TensorIOError, systemErrorText } from './errors.js';
import { validatePlan, type PlannedTensor } from './header-builder.js';
import { assertOutputNotInput, resolveOutputPath } from './output-guard.js';
import { SafetensorsWriter, type WriterOptions } from './safetensors-writer.js';
import { registerTempFile, removeStaleTempFiles, temporaryPathFor, unregisterTempFile } from './temp-files.js';
import type { TensorPlacement, TensorWriter } from './tensor-writer.js';

export interface ShardedWriterOptions extends Omit<WriterOptions, 'hashData'> {
  /** Largest shard, in bytes of tensor data (see parseByteSize for "5GB"-style input). */
  maxShardSize: number;
}

/** Splits a plan into shards of at most `maxShardSize` tensor bytes (greedy, in order). */
export function assignShards(file: string, plan: readonly PlannedTensor[], maxShardSize: number): PlannedTensor[][] {
  if (!Number.isSafeInteger(maxShardSize) || maxShardSize <= 0) {
    throw new TensorIOError('bad-plan', file, `maximum shard size ${maxShardSize} is not a positive number of bytes.`);
  }
  const sizes = validatePlan(file, plan);
  const shards: PlannedTensor[][] = [];
  let current: PlannedTensor[] = [];
  let used = 0;
  plan.forEach((t, i) => {
    const size = sizes[i]!;
    if (current.length > 0 && used + size > maxShardSize) {
      shards.push(current);
      current = [];
      used = 0;
    }
    current.push(t);
    used += size;
  });
  if (current.length > 0 || shards.length === 0) shards.push(current);
  return shards;
}

/** `dir/model.safetensors`, shard 1 of 3 → `dir/model-00001-of-00003.safetensors` (transformers' naming). */
export function shardFileName(outPath: string, index: number, count: number): string {
  const base = path.basename(outPath);
  const stem = base.toLowerCase().endsWith('.safetensors') ? base.slice(0, -'.safetensors'.length) : base;
  const n = (k: number) => String(k).padStart(5, '0');
  return path.join(path.dirname(outPath), `${stem}-${n(index + 1)}-of-${n(count)}.safetensors`);
}

export function indexFileName(outPath: string): string {
  const base = path.basename(outPath);
  const name = base.toLowerCase().endsWith('.safetensors') ? base : `${base}.safetensors`;
  return path.join(path.dirname(outPath), `${name}.index.json`);
}

class ShardedSafetensorsWriter implements TensorWriter {
  private shardOf = new Map<string, number>();
  private aborted = false;

  constructor(
    readonly path: string,
    readonly plan: readonly PlannedTensor[],
    private readonly shards: readonly SafetensorsWriter[],
    private readonly indexPath: string,
    private readonly indexTarget: string,
  ) {
    shards.forEach((w, i) => w.plan.forEach((t) => this.shardOf.set(t.name, i)));
  }

  get outputFiles(): readonly string[] {
    return [...this.shards.map((s) => s.path), this.indexPath];
  }

  get nextTensor(): string | undefined {
    return this.shards.find((s) => s.nextTensor !== undefined)?.nextTensor;
  }

  private writerFor(name: string): SafetensorsWriter {
    const next = this.shards.find((s) => s.nextTensor !== undefined);
    const i = this.shardOf.get(name);
    if (i === undefined) throw new TensorIOError('write-order', this.path, `tensor "${name}" is not in the plan${next ? `: "${next.nextTensor}" comes next` : ''}.`, { tensor: name });
    // A tensor of another shard than the one being filled is out of plan order (or already written).
    if (next && this.shards.indexOf(next) !== i) {
      throw new TensorIOError('write-order', this.path, `tensor "${name}" is out of order: "${next.nextTensor}" comes next.`, { tensor: name });
    }
    return this.shards[i]!;
  }

  write(name: string, bytes: Uint8Array): Promise<void> {
    return this.guard(() => this.writerFor(name).write(name, bytes));
  }

  writeChunk(name: string, bytes: Uint8Array): Promise<void> {
    return this.guard(() => this.writerFor(name).writeChunk(name, bytes));
  }

  placement(name: string): TensorPlacement {
    const i = this.shardOf.get(name);
    if (i === undefined) throw new TensorIOError('write-order', this.path, `tensor "${name}" is not in the plan.`, { tensor: name });
    return this.shards[i]!.placement(name);
  }

  skip(name: string): Promise<void> {
    return this.guard(() => this.writerFor(name).skip(name));
  }

  setReservedMetadata(key: string, value: string): Promise<void> {
    return this.guard(async () => {
      for (const s of this.shards) await s.setReservedMetadata(key, value);
    });
  }

  async commit(): Promise<void> {
    await this.guard(async () => {
      const unfinished = this.nextTensor;
      if (unfinished !== undefined) throw new TensorIOError('write-order', this.path, `cannot commit: tensor "${unfinished}" and the ones after it were never written.`, { tensor: unfinished });
      for (const s of this.shards) await s.commit();
      await this.commitIndex();
    });
  }

  private async commitIndex(): Promise<void> {
    const weightMap: Record<string, string> = {};
    let totalSize = 0;
    const entries: Array<[string, string]> = [];
    for (const s of this.shards) {
      const file = path.basename(s.path);
      for (const t of s.plan) entries.push([t.name, file]);
      totalSize += s.totalBytes - s.dataStart;
    }
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, file] of entries) Object.defineProperty(weightMap, name, { value: file, enumerable: true });
    const text = `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`;
    const temp = temporaryPathFor(this.indexTarget);
    registerTempFile(temp);
    try {
      await writeFile(temp, text, { flag: 'wx' });
      const fh = await open(temp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, this.indexTarget);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw new TensorIOError('write-failed', this.indexPath, `cannot be written (${systemErrorText(err)}); the shards are in place but the index is not.`, { cause: err });
    } finally {
      unregisterTempFile(temp);
    }
  }

  async abort(): Promise<void> {
    this.aborted = true;
    await Promise.all(this.shards.map((s) => s.abort()));
  }

  /** On any failure the other shards are aborted too: shards are committed together or not at all. */
  private async guard<T>(op: () => Promise<T>): Promise<T> {
    if (this.aborted) throw new TensorIOError('writer-closed', this.path, 'the writer was already aborted.');
    try {
      return await op();
    } catch (err) {
      if (!(err instanceof TensorIOError) || err.code === 'write-failed' || err.code === 'writer-closed') await this.abort();
      throw err;
    }
  }
}

/**
 * A writer for `outPath` that shards when the plan exceeds `maxShardSize`: one shard gives the plain file
 * (a SafetensorsWriter, no index); more give HF-style shards and an index.
 */
export async function createShardedWriter(outPath: string, plan: readonly PlannedTensor[], metadata: Readonly<Record<string, string>>, options: ShardedWriterOptions): Promise<TensorWriter> {
  const groups = assignShards(outPath, plan, options.maxShardSize);
  const writerOptions: WriterOptions = { inputs: options.inputs, reserve: options.reserve, signal: options.signal };
  if (groups.length === 1) return SafetensorsWriter.create(outPath, plan, metadata, writerOptions);
  const indexPath = indexFileName(outPath);
  await assertOutputNotInput(indexPath, options.inputs ?? []);
  const indexTarget = await resolveOutputPath(indexPath);
  await removeStaleTempFiles(path.dirname(indexTarget), indexTarget);
  const writers: SafetensorsWriter[] = [];
  try {
    for (let i = 0; i < groups.length; i++) {
      writers.push(await SafetensorsWriter.create(shardFileName(outPath, i, groups.length), groups[i]!, metadata, writerOptions));
    }
  } catch (err) {
    await Promise.all(writers.map((w) => w.abort()));
    throw err;
  }
  return new ShardedSafetensorsWriter(outPath, [...plan], writers, indexPath, indexTarget);
}
