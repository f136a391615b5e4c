/**
 * Where a Save node writes: its path with the format's extension added when missing, then its "If the file
 * exists" rule applied (shared/nodes/output-names). `ask` writes over an existing file only when the run was
 * told the user agreed (the app's question before Run; `lora-studio run --overwrite`).
 */
import { existsSync } from 'node:fs';
import { firstFreeNumbered, outputExtension, withExtension, type IfExists } from '../../../shared/nodes/output-names.js';
import { EngineError } from '../errors.js';
import type { NodeImplRunOptions } from './node-impl.js';

export function outputTarget(
  node: { readonly id: string; readonly title: string; readonly type: string; readonly params: Readonly<Record<string, unknown>> },
  path: string,
  ifExists: IfExists,
  options: NodeImplRunOptions,
): string {
  const ext = outputExtension(node.type, node.params);
  const out = withExtension(path, ext);
  if (!existsSync(out)) return out;
  if (ifExists === 'number') return firstFreeNumbered(out, ext, existsSync);
  if (ifExists === 'overwrite' || (ifExists === 'ask' && options.overwriteConfirmed === true)) return out;
  throw new EngineError(
    'output-exists',
    ifExists === 'ask'
      ? `${node.title}: “${out}” already exists; writing over it needs a yes first.`
      : `${node.title}: “${out}” already exists and this node is set to stop rather than overwrite it.`,
    {
      node: node.id,
      file: out,
      hint: 'Choose another name, delete the file, or set “If the file exists” to Overwrite or Number the file (lora-studio run --overwrite says yes for this run).',
    },
  );
}
