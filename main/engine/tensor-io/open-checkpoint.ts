/**
 * One entry point for "open this model": a .safetensors file, a `*.safetensors.index.json` (sharded), or a
 * directory holding one of those. Pickle checkpoints are recognised and refused with the conversion command;
 * a file that is not safetensors is described (LFS pointer, HTML page, GGUF, …) instead of "bad header".
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { TensorIOError, systemErrorText } from './errors.js';
import { describeFileKind, PICKLE_EXTENSIONS, pickleConversionHint, sniffFileKind, SNIFF_BYTES, type FileKind } from './file-kind.js';
import { openReadOnly, readExactly, SafetensorsFile } from './safetensors-file.js';
import { readShardIndex, ShardedCheckpoint } from './sharded-checkpoint.js';
import type { TensorSource } from './tensor-source.js';

const INDEX_SUFFIX = '.safetensors.index.json';

function hasPickleExtension(p: string): boolean {
  const lower = p.toLowerCase();
  return PICKLE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function pickleError(file: string, kind: FileKind | undefined, head: Uint8Array): TensorIOError {
  const what = kind === 'pickle' || kind === 'pickle-zip' ? describeFileKind(kind, head) : 'a PyTorch pickle checkpoint (by its extension)';
  return new TensorIOError('pickle-format', file, `is ${what}. Pickle files are refused: loading one can run arbitrary code.`, {
    hint: pickleConversionHint(file),
  });
}

async function readHead(file: string): Promise<{ head: Uint8Array; size: number }> {
  const { fh, size } = await openReadOnly(file);
  try {
    return { head: await readExactly(fh, file, 0, Math.min(SNIFF_BYTES, size)), size };
  } finally {
    await fh.close();
  }
}

/** Header-level failures that another format explains better than "bad header". */
const HEADER_CODES = new Set(['too-small', 'header-too-large', 'header-truncated', 'header-not-json', 'header-not-object']);

async function openFile(file: string): Promise<TensorSource> {
  if (file.toLowerCase().endsWith('.index.json')) return ShardedCheckpoint.open(file);
  const { head, size } = await readHead(file);
  const kind = sniffFileKind(head, size);
  if (kind === 'pickle' || kind === 'pickle-zip') throw pickleError(file, kind, head);
  // A .bin/.pt whose bytes are safetensors (renamed files exist) is safe to read; anything else with a pickle extension is refused unread.
  if (kind !== 'safetensors' && hasPickleExtension(file)) throw pickleError(file, kind, head);
  try {
    return await SafetensorsFile.open(file);
  } catch (err) {
    if (err instanceof TensorIOError && HEADER_CODES.has(err.code) && kind !== 'safetensors') {
      const ext = path.extname(file).toLowerCase();
      throw new TensorIOError('unknown-format', file, `is not a safetensors file: it looks like ${describeFileKind(kind, head)}.`, {
        cause: err,
        hint: ext === '.safetensors' ? 'The file is damaged or mislabelled: download it again.' : 'LoRA Studio reads .safetensors files (single or sharded with an index.json).',
      });
    }
    throw err;
  }
}

/** What a directory holds that could be the checkpoint. */
interface Candidates {
  indexes: string[];
  safetensors: string[];
  pickles: string[];
}

async function listCandidates(dir: string): Promise<Candidates> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isFile() || d.isSymbolicLink()).map((d) => d.name).sort();
  } catch (err) {
    throw new TensorIOError('not-found', dir, `cannot be listed (${systemErrorText(err)}).`, { cause: err });
  }
  const visible = names.filter((n) => !n.startsWith('.'));
  return {
    indexes: visible.filter((n) => n.toLowerCase().endsWith(INDEX_SUFFIX)),
    safetensors: visible.filter((n) => n.toLowerCase().endsWith('.safetensors')),
    pickles: visible.filter(hasPickleExtension),
  };
}

async function shardsOf(indexPath: string): Promise<Set<string> | undefined> {
  try {
    return new Set((await readShardIndex(indexPath)).shards.map((s) => path.normalize(s)));
  } catch {
    // A broken index is reported by ShardedCheckpoint.open with its own message.
    return undefined;
  }
}

async function openDirectory(dir: string): Promise<TensorSource> {
  const c = await listCandidates(dir);
  const list = (names: string[]) => names.map((n) => `\n    ${n}`).join('');
  if (c.indexes.length === 1) {
    const indexPath = path.join(dir, c.indexes[0]!);
    // The index is the checkpoint unless other .safetensors files sit beside its shards.
    const shards = await shardsOf(indexPath);
    const strays = shards ? c.safetensors.filter((n) => !shards.has(n)) : [];
    if (strays.length === 0) return ShardedCheckpoint.open(indexPath);
    throw new TensorIOError('ambiguous-checkpoint', dir, `holds a sharded checkpoint (${c.indexes[0]}) and other safetensors files:${list(strays)}`, {
      hint: 'Give the file (or the index.json) to open instead of the directory.',
    });
  }
  if (c.indexes.length > 1) {
    throw new TensorIOError('ambiguous-checkpoint', dir, `holds several sharded checkpoints:${list(c.indexes)}`, { hint: 'Give the index.json to open instead of the directory.' });
  }
  if (c.safetensors.length === 1) return openFile(path.join(dir, c.safetensors[0]!));
  if (c.safetensors.length > 1) {
    throw new TensorIOError('ambiguous-checkpoint', dir, `holds several safetensors files:${list(c.safetensors)}`, { hint: 'Give the file to open instead of the directory.' });
  }
  if (c.pickles.length > 0) {
    const first = path.join(dir, c.pickles[0]!);
    throw new TensorIOError('pickle-format', dir, `holds only pickle checkpoints (${c.pickles.join(', ')}), which are refused: loading one can run arbitrary code.`, {
      hint: pickleConversionHint(first),
    });
  }
  throw new TensorIOError('no-checkpoint', dir, 'holds no .safetensors file and no *.safetensors.index.json.', {
    hint: 'Give the path of a .safetensors file, a sharded checkpoint\'s index.json, or a directory holding one.',
  });
}

/**
 * Opens a checkpoint for reading: a .safetensors file, a sharded `*.safetensors.index.json`, or a directory
 * holding exactly one of those. Close the result when done.
 */
export async function openCheckpoint(inputPath: string): Promise<TensorSource> {
  let isDir: boolean;
  try {
    isDir = (await stat(inputPath)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TensorIOError('not-found', inputPath, code === 'ENOENT' ? 'does not exist.' : `cannot be opened (${systemErrorText(err)}).`, {
      cause: err,
      hint: 'Check the path.',
    });
  }
  return isDir ? openDirectory(inputPath) : openFile(inputPath);
}
