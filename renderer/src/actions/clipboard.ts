import type { Position } from '../../../shared/graph/index.js';
import { insertFragment } from '../edits/insert-fragment.js';
import { removeElements } from '../edits/remove-elements.js';
import { extractFragment, fragmentOrigin, parseFragment, remapFragment, serializeFragment, type Fragment } from '../graph/fragment.js';
import type { AppStore } from '../store/app-store.js';

/** Offset of a paste or duplicate without a target point, so the copies do not hide the originals. */
export const PASTE_OFFSET = 40;

let lastCopied: string | null = null;

/** Nodes copied in this window, for pastes where the system clipboard is not readable (a menu's Paste). */
export function lastCopiedText(): string | null {
  return lastCopied;
}

/** The selection as clipboard text, or undefined when no node is selected. */
export function copySelection(store: AppStore): string | undefined {
  const s = store.getState();
  if (s.selection.nodes.length === 0) return undefined;
  lastCopied = serializeFragment(extractFragment(s.doc, s.selection.nodes));
  return lastCopied;
}

export function cutSelection(store: AppStore): string | undefined {
  const text = copySelection(store);
  if (text === undefined) return undefined;
  const s = store.getState();
  s.dispatch(removeElements(s.selection.nodes, []));
  s.clearSelection();
  return text;
}

function insert(store: AppStore, fragment: Fragment, at: Position, label: string): string[] {
  const s = store.getState();
  const f = remapFragment(fragment, s.ids, at);
  if (f.nodes.length === 0) return [];
  s.dispatch(insertFragment(f.nodes, f.edges, label));
  const ids = f.nodes.map((n) => n.id);
  s.selectNodes(ids);
  return ids;
}

/**
 * Pastes clipboard text holding nodes (from this or another window). `at`: where the fragment's top-left
 * goes (the pointer); without it the copies land offset from the originals. Returns the new node ids, or
 * undefined when the text is not LoRA Studio nodes.
 */
export function pasteText(store: AppStore, text: string, at?: Position): string[] | undefined {
  const fragment = parseFragment(text);
  if (!fragment) return undefined;
  if (fragment.nodes.length === 0) return [];
  const o = fragmentOrigin(fragment);
  return insert(store, fragment, at ?? { x: o.x + PASTE_OFFSET, y: o.y + PASTE_OFFSET }, fragment.nodes.length === 1 ? 'Paste node' : `Paste ${fragment.nodes.length} nodes`);
}

export function duplicateSelection(store: AppStore): string[] {
  const s = store.getState();
  if (s.selection.nodes.length === 0) return [];
  const fragment = extractFragment(s.doc, s.selection.nodes);
  const o = fragmentOrigin(fragment);
  return insert(store, fragment, { x: o.x + PASTE_OFFSET, y: o.y + PASTE_OFFSET }, 'Duplicate');
}
