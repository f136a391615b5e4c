/**
 * The hashes people look models up by, computed in one streamed pass (never the whole file in memory):
 * - sha256 of the whole file; Civitai's "AutoV2" is its first 10 hex digits (A1111's short hash).
 * - kohya's `sshs_model_hash`: sha256 of the bytes after the 8 + N header, i.e. of the data section only,
 *   so editing metadata does not change it (sd-scripts `addnet_hash_safetensors`, the value
 *   `precalculate_safetensors_hashes` stores; sd-webui-additional-networks looks LoRAs up by it).
 * - `sshs_legacy_hash`: the old A1111 / additional-networks hash, sha256 of the 64 KiB at offset 1 MiB,
 *   first 8 hex digits (of whatever is there: empty input for files under 1 MiB).
 *   kohya computes the value it stores on a re-serialisation that keeps only `ss_*` metadata, so for a
 *   file with other metadata the stored value can differ from this hash of the file as it is.
 */
import { createHash } from 'node:crypto';
import { CancelledError } from '../errors.js';
import { TensorIOError } from './errors.js';
import { openReadOnly, readExactly } from './safetensors-file.js';
import { MAX_HEADER_BYTES } from './safetensors-header.js';

export interface FileHashes {
  /** sha256 of the whole file, lower-case hex. */
  sha256: string;
  /** Civitai AutoV2: the first 10 hex digits of sha256 (Civitai shows them upper-case). */
  autoV2: string;
  /** kohya sshs_model_hash (sha256 of the data section); undefined when the file is not safetensors or `dataHash` was false. */
  sshsModelHash: string | undefined;
  /** kohya sshs_legacy_hash / A1111 legacy hash: 8 hex digits. */
  sshsLegacyHash: string;
}

export interface HashOptions {
  signal?: AbortSignal;
  /**
   * false: skip kohya's sshs_model_hash. It identifies LoRAs (additional-networks looks them up by it); for a
   * checkpoint it is a second sha256 stream over the whole file, which doubles the hashing's CPU time. Default true.
   */
  dataHash?: boolean;
  /** Called after each chunk with bytes hashed so far and the file size. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Read size. Where hashing runs on the engine's main thread (Inspect), each chunk's sha256 work blocks that
 * thread's event loop, so chunks stay small (1 MiB: about 1 ms for both sha256 streams; hashing speed is the
 * same from 256 KiB to 8 MiB).
 */
const CHUNK = 1024 * 1024;

/** The 64 KiB window at 1 MiB that the old A1111 / additional-networks hash covers. */
export const LEGACY_HASH_OFFSET = 0x100000;
export const LEGACY_HASH_LENGTH = 0x10000;

export function autoV2(sha256: string): string {
  return sha256.slice(0, 10);
}

/** Where the data section starts (8 + header length), or undefined when the prefix is not a plausible safetensors header length. */
export function safetensorsDataStart(prefix: Uint8Array, fileSize: number): number | undefined {
  if (prefix.byteLength < 8 || fileSize < 8) return undefined;
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES) || 8n + n > BigInt(fileSize)) return undefined;
  return 8 + Number(n);
}

/**
 * The hashes of FileHashes, fed with a file's bytes in order (whole-file sha256, kohya's data-section sha256
 * and the legacy window at 1 MiB).
 */
export class FileHashAccumulator {
  private readonly whole = createHash('sha256');
  private readonly data;
  private readonly legacy = createHash('sha256');
  private at = 0;

  /** `dataStart`: safetensorsDataStart of the file, undefined when it is not safetensors. */
  constructor(private readonly dataStart: number | undefined) {
    this.data = dataStart === undefined ? undefined : createHash('sha256');
  }

  /** The next bytes of the file (they start where the previous ones ended). */
  update(chunk: Uint8Array): void {
    const start = this.at;
    this.at += chunk.byteLength;
    this.whole.update(chunk);
    if (this.data && this.at > this.dataStart!) this.data.update(chunk.subarray(Math.max(0, this.dataStart! - start)));
    const lo = Math.max(start, LEGACY_HASH_OFFSET);
    const hi = Math.min(this.at, LEGACY_HASH_OFFSET + LEGACY_HASH_LENGTH);
    if (hi > lo) this.legacy.update(chunk.subarray(lo - start, hi - start));
  }

  digest(): FileHashes {
    const sha256 = this.whole.digest('hex');
    return { sha256, autoV2: autoV2(sha256), sshsModelHash: this.data?.digest('hex'), sshsLegacyHash: this.legacy.digest('hex').slice(0, 8) };
  }
}

/** Every hash of FileHashes in one pass over the file (one or two sha256 streams; reading overlaps hashing). */
export async function computeFileHashes(file: string, options: HashOptions = {}): Promise<FileHashes> {
  const { fh, size } = await openReadOnly(file);
  try {
    const dataStart = options.dataHash === false ? undefined : safetensorsDataStart(await readExactly(fh, file, 0, Math.min(8, size)), size);
    const hashes = new FileHashAccumulator(dataStart);
    const buffers = [new Uint8Array(Math.min(CHUNK, Math.max(size, 1))), new Uint8Array(Math.min(CHUNK, Math.max(size, 1)))];
    const readChunk = (at: number, i: number) => readExactly(fh, file, at, Math.min(CHUNK, size - at), undefined, buffers[i]!.subarray(0, Math.min(CHUNK, size - at)));
    let at = 0;
    let pending = size > 0 ? readChunk(0, 0) : undefined;
    let which = 0;
    while (pending) {
      if (options.signal?.aborted) {
        await pending.catch(() => undefined);
        throw new CancelledError();
      }
      const chunk = await pending;
      at += chunk.byteLength;
      which ^= 1;
      pending = at < size ? readChunk(at, which) : undefined;
      hashes.update(chunk);
      options.onProgress?.(at, size);
    }
    return hashes.digest();
  } finally {
    await fh.close();
  }
}

/** sha256 of the whole file (streamed, abortable). */
export async function sha256File(file: string, options: HashOptions = {}): Promise<string> {
  return (await computeFileHashes(file, options)).sha256;
}

/** kohya's sshs_model_hash of a safetensors file: sha256 of the bytes after the header. */
export async function sshsModelHash(file: string, options: HashOptions = {}): Promise<string> {
  const { fh, size } = await openReadOnly(file);
  try {
    const dataStart = safetensorsDataStart(await readExactly(fh, file, 0, Math.min(8, size)), size);
    if (dataStart === undefined) {
      throw new TensorIOError('unknown-format', file, 'has no safetensors header, so it has no sshs_model_hash.');
    }
    const h = createHash('sha256');
    const buf = new Uint8Array(Math.min(CHUNK, Math.max(1, size - dataStart)));
    for (let at = dataStart; at < size; ) {
      if (options.signal?.aborted) throw new CancelledError();
      const chunk = await readExactly(fh, file, at, Math.min(buf.byteLength, size - at), undefined, buf.subarray(0, Math.min(buf.byteLength, size - at)));
      h.update(chunk);
      at += chunk.byteLength;
      options.onProgress?.(at - dataStart, size - dataStart);
    }
    return h.digest('hex');
  } finally {
    await fh.close();
  }
}

/** The old A1111 hash (sshs_legacy_hash): sha256 of 64 KiB at 1 MiB, 8 hex digits. Reads only that window. */
export async function sshsLegacyHash(file: string): Promise<string> {
  const { fh, size } = await openReadOnly(file);
  try {
    const length = Math.max(0, Math.min(LEGACY_HASH_LENGTH, size - LEGACY_HASH_OFFSET));
    const window = await readExactly(fh, file, LEGACY_HASH_OFFSET, length);
    return createHash('sha256').update(window).digest('hex').slice(0, 8);
  } finally {
    await fh.close();
  }
}
