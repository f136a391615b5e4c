/** Path text on the engine's machine (POSIX or Windows), handled without node:path. */

export function separatorOf(path: string): '/' | '\\' {
  return path.includes('\\') && !path.includes('/') ? '\\' : '/';
}

export function joinPath(dir: string, name: string): string {
  const sep = separatorOf(dir);
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

/** The folder part of a path, or undefined for a bare name. */
export function parentPath(path: string): string | undefined {
  const sep = separatorOf(path);
  const trimmed = path.length > 1 && path.endsWith(sep) ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf(sep);
  if (i < 0) return undefined;
  if (i === 0) return sep;
  // "C:\x" -> "C:\"
  if (sep === '\\' && /^[A-Za-z]:$/.test(trimmed.slice(0, i))) return trimmed.slice(0, i + 1);
  return trimmed.slice(0, i);
}

export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\\\') || /^[A-Za-z]:[\\/]/.test(path);
}

/** A file param as the engine will read it: relative paths are relative to the graph's folder. */
export function resolveAgainst(dir: string | null, path: string): string {
  if (dir === null || path === '' || isAbsolutePath(path)) return path;
  return joinPath(dir, path.replace(/^\.[\\/]/, ''));
}
