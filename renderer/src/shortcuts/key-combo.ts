/**
 * Key combinations as written in the cheat sheet ("Mod+Shift+Z"): Mod is Ctrl, or ⌘ on macOS. Matching
 * is exact about modifiers, so Mod+Z does not also fire for Mod+Shift+Z.
 */
export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

const MODIFIERS = new Set(['Mod', 'Shift', 'Alt']);

export function matchesCombo(e: KeyLike, combo: string, isMac: boolean): boolean {
  const parts = combo.split('+');
  const key = parts[parts.length - 1] ?? '';
  const mods = new Set(parts.slice(0, -1).filter((p) => MODIFIERS.has(p)));
  const mod = isMac ? e.metaKey : e.ctrlKey;
  const otherMod = isMac ? e.ctrlKey : e.metaKey;
  if (mods.has('Mod') !== mod || otherMod) return false;
  if (mods.has('Alt') !== e.altKey) return false;
  // Shifted punctuation ("?") arrives as its own key; only letters, named keys and digits check Shift.
  const checksShift = key.length > 1 || /^[a-z0-9]$/i.test(key);
  if (checksShift && mods.has('Shift') !== e.shiftKey) return false;
  return e.key.toLowerCase() === key.toLowerCase();
}

export function displayCombo(combo: string, isMac: boolean): string {
  return combo
    .split('+')
    .map((p) => (p === 'Mod' ? (isMac ? '⌘' : 'Ctrl') : p === 'Alt' && isMac ? '⌥' : p === 'Shift' && isMac ? '⇧' : p))
    .join(isMac ? '' : '+');
}
