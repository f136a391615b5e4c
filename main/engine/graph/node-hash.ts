/**
 * A node's content hash: its type, definition version, parsed params (file params already resolved), the
 * identity of the files it opens, and its inputs' hashes with the edge params. Equal hash, equal result:
 * changing one param re-runs only that node and what depends on it.
 */
import { createHash } from 'node:crypto';
import type { PlanNode } from '../../../shared/graph/plan.js';
import type { AnyNodeDefinition } from '../../../shared/nodes/definition.js';
import { inputIdentity } from './file-identity.js';
import { fileParams } from './plan-paths.js';

export async function nodeHash(node: PlanNode, def: AnyNodeDefinition, upstream: ReadonlyMap<string, string>): Promise<string> {
  const files: string[] = [];
  for (const { name, mode } of fileParams(def)) {
    const v = node.params[name];
    if (mode !== 'save' && typeof v === 'string' && v !== '') files.push(await inputIdentity(v));
  }
  const inputs = Object.entries(node.inputs).map(([port, list]) => [port, list.map((i) => [upstream.get(i.node) ?? `unhashed:${i.node}`, i.port, i.params])]);
  const text = JSON.stringify([node.type, def.version, node.params, files, inputs]);
  return createHash('sha256').update(text).digest('hex');
}
