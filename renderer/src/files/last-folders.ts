/**
 * The last folder used for each kind of file (a checkpoint, a LoRA, an output…), kept in this browser's
 * storage, so a file dialog opens where the user last found that kind of file.
 */
import { parentPath } from '../graph/paths.js';

const KEY = 'lora-studio.last-folders';

function read(): Record<string, string> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return typeof v === 'object' && v !== null ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** "open:LoRA file", "save:Output": the pick mode and the param's label name the kind. */
export const folderKind = (mode: string, label: string): string => `${mode}:${label}`;

/** The last folder for this kind, else the last one any file of the same pick mode came from. */
export function lastFolder(kind: string): string | undefined {
  const all = read();
  const v = all[kind] ?? all[anyOfMode(kind)];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const anyOfMode = (kind: string): string => `${kind.split(':')[0] ?? ''}:*`;

/** Remembers the folder of a chosen path (a chosen folder itself for folder pickers). */
export function rememberFolder(kind: string, chosen: string, isFolder: boolean): void {
  const dir = isFolder ? chosen : parentPath(chosen);
  if (dir === undefined) return;
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...read(), [kind]: dir, [anyOfMode(kind)]: dir }));
  } catch {
    // Storage full or disabled: the dialog falls back to the document's folder.
  }
}
