/**
 * The recipe we store in outputs' metadata (`lora_studio.recipe`): what went in (paths and hashes), with
 * which strengths and method, and which tool version made it, so an output can be traced and reproduced.
 */
import path from 'node:path';
import { APP_VERSION } from '../../../shared/app-info.js';
import { getFileHashes, type FileHasher } from '../tensor-io/hash-cache.js';

export interface RecipeInput {
  role: string;
  path: string;
  /** Civitai AutoV2 and full sha256 of the file (for sharded/PEFT inputs: of each weights file). */
  files: { name: string; sha256: string; autoV2: string; sshsModelHash?: string }[];
  [key: string]: unknown;
}

/**
 * The input's record with the hashes of its files (cached, or computed by `hasher` and cached). kohya's
 * sshs_model_hash is recorded for LoRA inputs only: it is how LoRAs are looked up, and on a checkpoint it would
 * be a second sha256 stream over gigabytes, doubling the CPU time a first run spends hashing.
 */
export async function hashInput(role: string, input: string, files: readonly string[], extra: Record<string, unknown> = {}, signal?: AbortSignal, hasher?: FileHasher): Promise<RecipeInput> {
  const hashed = [];
  for (const f of files) {
    const h = await getFileHashes(f, { signal, dataHash: role === 'lora', ...(hasher ? { hasher } : {}) });
    hashed.push({ name: path.basename(f), sha256: h.sha256, autoV2: h.autoV2, ...(h.sshsModelHash ? { sshsModelHash: h.sshsModelHash } : {}) });
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

/** What a recipe input is before hashing: its files are paths; hashing turns each into name + hashes. */
export interface RecipeInputRef {
  readonly role: string;
  readonly path: string;
  readonly files: readonly string[];
  readonly extra?: Record<string, unknown>;
}

/** The smallest slot reserved, as before recipes were sized (keeps small outputs' headers as they were). */
const MIN_RECIPE_WIDTH = 64 * 1024;
const WIDEST_HASHES = { sha256: 'f'.repeat(64), autoV2: 'f'.repeat(10), sshsModelHash: 'f'.repeat(64) };

/**
 * The header slot for a recipe whose input hashes are computed while the output streams: the recipe with
 * every hash at its longest, encoded as the header stores it (a JSON string), in bytes, plus a margin.
 * The graph part of a recipe has no size limit: ten thousand nodes take a slot of about a megabyte.
 */
export function recipeSlotWidth(inputs: readonly RecipeInputRef[], params: Record<string, unknown>): number {
  const widest = recipe(
    inputs.map((i) => ({ role: i.role, path: i.path, files: i.files.map((f) => ({ name: path.basename(f), ...WIDEST_HASHES })), ...i.extra })),
    params,
  );
  const bytes = Buffer.byteLength(JSON.stringify(JSON.stringify(widest)), 'utf8') - 2;
  return Math.max(MIN_RECIPE_WIDTH, bytes + 1024);
}
