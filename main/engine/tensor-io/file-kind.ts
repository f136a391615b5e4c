/**
 * What a file looks like from its first bytes, so a refusal can say "this is a PyTorch pickle" or "this is
 * a Git LFS pointer, not the model" instead of "bad header". Nothing here ever interprets a pickle.
 */
import { MAX_HEADER_BYTES } from './safetensors-header.js';

export type FileKind =
  | 'safetensors'
  | 'pickle-zip' // torch.save since PyTorch 1.6: a zip archive holding data.pkl
  | 'pickle' // legacy torch.save / raw pickle: protocol marker 0x80, 2–5
  | 'gguf'
  | 'lfs-pointer'
  | 'html'
  | 'json'
  | 'gzip'
  | 'empty'
  | 'unknown';

/** Extensions whose files are pickles (or zip archives of pickles) in practice. */
export const PICKLE_EXTENSIONS = ['.ckpt', '.pt', '.pth', '.bin', '.pkl', '.pickle'] as const;

/** How many leading bytes `sniffFileKind` wants. */
export const SNIFF_BYTES = 64;

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));
}

/** Classifies a file from its first bytes (`SNIFF_BYTES` is plenty) and its total size. */
export function sniffFileKind(head: Uint8Array, fileSize: number): FileKind {
  if (fileSize === 0 || head.length === 0) return 'empty';
  // safetensors first: a header length whose low byte is 0x80 (e.g. 0x280) would otherwise look like a pickle.
  if (head.length >= 9 && fileSize >= 10) {
    const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    if (n >= 2n && n <= BigInt(MAX_HEADER_BYTES) && 8n + n <= BigInt(fileSize) && head[8] === 0x7b /* { */) return 'safetensors';
  }
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'pickle-zip';
  if (head[0] === 0x80 && head[1] !== undefined && head[1] >= 2 && head[1] <= 5) return 'pickle';
  if (ascii(head, 0, 4) === 'GGUF') return 'gguf';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  const text = ascii(head, 0, SNIFF_BYTES).trimStart().toLowerCase();
  if (text.startsWith('version https://git-lfs')) return 'lfs-pointer';
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || text.startsWith('<?xml')) return 'html';
  if (text.startsWith('{') || text.startsWith('[')) return 'json';
  return 'unknown';
}

export function hexPreview(head: Uint8Array, count = 16): string {
  return Array.from(head.subarray(0, count), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** A sentence saying what the file is, for error messages. */
export function describeFileKind(kind: FileKind, head: Uint8Array): string {
  switch (kind) {
    case 'safetensors':
      return 'a safetensors file';
    case 'pickle-zip':
      return 'a PyTorch checkpoint (a zip archive of pickles, as torch.save writes)';
    case 'pickle':
      return `a Python pickle (protocol ${head[1]}), as legacy torch.save writes`;
    case 'gguf':
      return 'a GGUF file (llama.cpp), not safetensors';
    case 'lfs-pointer':
      return 'a Git LFS pointer file, not the model itself (run `git lfs pull` in the repository, or download the file directly)';
    case 'html':
      return 'an HTML/XML page (a download that saved an error or login page instead of the file?)';
    case 'json':
      return 'a JSON text file, not a tensor file';
    case 'gzip':
      return 'a gzip archive (decompress it first)';
    case 'empty':
      return 'an empty file';
    case 'unknown':
      return `an unrecognised binary file (first bytes: ${hexPreview(head)})`;
  }
}

/** `s` as one POSIX shell word: single quotes, inside which nothing is special except the quote itself. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The one command that converts a pickle checkpoint to safetensors without running its code as a pickle.
 * The file names go to Python as arguments, quoted for the shell, never inside the program text: a name
 * with `$(…)`, backquotes or quotes cannot run anything when the command is pasted.
 */
export function pickleConversionHint(file: string): string {
  const out = file.replace(/\.(ckpt|pt|pth|bin|pkl|pickle)$/i, '') + '.safetensors';
  const program =
    'import sys, torch; from safetensors.torch import save_file; sd = torch.load(sys.argv[1], map_location="cpu", weights_only=True); sd = sd.get("state_dict", sd); ' +
    'save_file({k: v.clone().contiguous() for k, v in sd.items() if isinstance(v, torch.Tensor)}, sys.argv[2])';
  return (
    'Convert it to safetensors once, with PyTorch\'s safe loader (weights_only=True refuses code in the pickle):\n' +
    `    python -c ${shellQuote(program)} ${shellQuote(file)} ${shellQuote(out)}\n` +
    '  then open the .safetensors file. LoRA Studio never unpickles files: a pickle can run arbitrary code.'
  );
}
