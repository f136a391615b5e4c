/**
 * The recipe we store in outputs' metadata (`lora_studio.recipe`): what went in (paths and hashes), with
 * which strengths and method, and which tool version made it, so an output can be traced and reproduced.
 */
import path from 'node:path';
import { APP_VERSION } from '../../../shared/app-info.js';
import { getFileHashes } from '../tensor-io/hash-cache.js';

export interface RecipeInput {
  role: string;
  path: string;
  /** Civitai AutoV2 and full sha256 of the file (for sharded/PEFT inputs: of each weights file). */
  files: { name: string; sha256: string; autoV2: string; sshsModelHash?: string }[];
  [key: string]: unknown;
}

export async function hashInput(role: string, input: string, files: readonly string[], extra: Record<string, unknown> = {}, signal?: AbortSignal): Promise<RecipeInput> {
  const hashed = [];
  for (const f of files) {
    const h = await getFileHashes(f, { signal });
    hashed.push({ name: path.basename(f), sha256: h.sha256, autoV2: h.autoV2, sshsModelHash: h.sshsModelHash });
  }
  return { role, path: input, files: hashed, ...extra };
}

/**
 * The one recipe shape: every output is made by a graph (the CLI's commands compile to one), so `operation` is
 * always "graph" and `params.graph` holds the nodes that made the output, with their params.
 */
export function recipe(inputs: RecipeInput[], params: Record<string, unknown>): Record<string, unknown> {
  return { tool: 'lora-studio', version: APP_VERSION, operation: 'graph', inputs, params };
}
