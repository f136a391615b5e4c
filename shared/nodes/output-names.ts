/**
 * Output file names, one set of rules for the engine (what is written), its checks (what Run will ask
 * about) and the UI: the format's extension is added when missing, and "number" picks the first free
 * name_00001.ext as ComfyUI's Save nodes do.
 */

/** What a Save node does when its output exists: ask (the app asks before Run; a headless run stops). */
export const IF_EXISTS_VALUES = ['ask', 'overwrite', 'number', 'error'] as const;
export type IfExists = (typeof IF_EXISTS_VALUES)[number];

const SAVE_REPORT = 'lora-studio/save-report';
const SAVE_LORA = 'lora-studio/save-lora';

/** The extension a Save node's output gets (with its dot), or '' where it writes a folder (PEFT). */
export function outputExtension(type: string, params: Readonly<Record<string, unknown>>): string {
  if (type === SAVE_REPORT) return '.json';
  // A PEFT adapter is a directory; with `auto` the engine adds the extension once it knows the format.
  if (type === SAVE_LORA && (params.format === 'peft' || params.format === 'auto')) return '';
  return '.safetensors';
}

/** `path` with `ext` added when it does not end with it already (case-insensitive); '' adds nothing. */
export function withExtension(path: string, ext: string): string {
  if (ext === '' || path === '' || path.endsWith('/') || path.toLowerCase().endsWith(ext)) return path;
  return `${path}${ext}`;
}

/** name.ext → name_00001.ext (ComfyUI's five digits); a folder (no ext) → name_00001. */
export function numberedPath(path: string, ext: string, n: number): string {
  const stem = ext !== '' && path.toLowerCase().endsWith(ext) ? path.slice(0, path.length - ext.length) : path;
  return `${stem}_${String(n).padStart(5, '0')}${ext}`;
}

/** The first numbered name `exists` says is free (n from 1). */
export function firstFreeNumbered(path: string, ext: string, exists: (p: string) => boolean): string {
  for (let n = 1; ; n++) {
    const candidate = numberedPath(path, ext, n);
    if (!exists(candidate)) return candidate;
  }
}
