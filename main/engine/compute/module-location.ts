import { pathToFileURL } from 'node:url';

/**
 * The URL of the file this code runs from. In ESM (sources, dist/*.js) that is import.meta.url; in a CommonJS
 * bundle (the Electron engine host, dist/electron/*.cjs) esbuild empties import.meta, and __filename is the
 * bundle. Code that looks for files shipped next to the engine (worker script, wasm binaries) starts here.
 */
export function moduleLocation(): string {
  const metaUrl: unknown = import.meta.url;
  if (typeof metaUrl === 'string' && metaUrl.length > 0) return metaUrl;
  if (typeof __filename === 'string') return pathToFileURL(__filename).href;
  return pathToFileURL(`${process.cwd()}/`).href;
}
