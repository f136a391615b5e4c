/** The bundled example graphs (assets/examples/*.json), titled from their metadata. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExampleGraph } from '../../../shared/ipc/files.js';

interface ExampleMetadata {
  name?: unknown;
  description?: unknown;
}

export async function listExampleGraphs(examplesDir: string): Promise<ExampleGraph[]> {
  const names = (await readdir(examplesDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  const out: ExampleGraph[] = [];
  for (const name of names) {
    const file = path.join(examplesDir, name);
    let meta: ExampleMetadata = {};
    try {
      const value = JSON.parse(await readFile(file, 'utf8')) as { metadata?: ExampleMetadata };
      meta = value.metadata ?? {};
    } catch {
      continue;
    }
    const id = name.replace(/\.json$/, '');
    out.push({ id, title: typeof meta.name === 'string' ? meta.name : id, description: typeof meta.description === 'string' ? meta.description : '', path: file });
  }
  return out;
}
