import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import type { TensorSpec } from '../../../main/engine/naming/architectures/spec.js';
import type { NamedShape } from '../../../main/engine/naming/types.js';
import { writeSyntheticBase } from '../../helpers/synthetic-base.js';

/** A temporary directory for synthetic bases; `cleanup` removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'naming-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes the template as a safetensors file and reads its header back: the entries a real base gives. */
export async function baseOnDisk(dir: string, name: string, specs: readonly TensorSpec[]): Promise<NamedShape[]> {
  const file = writeSyntheticBase(path.join(dir, `${name}.safetensors`), specs);
  const st = await SafetensorsFile.open(file);
  try {
    return st.entries.map((e) => ({ name: e.name, shape: e.shape }));
  } finally {
    await st.close();
  }
}
