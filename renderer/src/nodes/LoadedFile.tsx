import type { GraphNode } from '../../../shared/graph/index.js';
import type { AnyNodeDefinition } from '../../../shared/nodes/index.js';

/** Characters of a path shown on a node; longer paths lose their start ("…/loras/style.safetensors"). */
const SHOWN = 34;

export function shortenFromLeft(path: string, max = SHOWN): string {
  return path.length <= max ? path : `…${path.slice(path.length - max + 1)}`;
}

/** Under a loader's title: the file it loads, shortened from the left, so the canvas says what is stacked. */
export function LoadedFile({ node, definition }: { readonly node: GraphNode; readonly definition: AnyNodeDefinition }) {
  const param = Object.entries(definition.params).find(([, f]) => f.widget.kind === 'file' && f.widget.mode !== 'save')?.[0];
  const value = param !== undefined ? node.params[param] : undefined;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const name = value.trim();
  return (
    <div className="loaded-file" title={name} aria-label={`Loads ${name}`}>
      {shortenFromLeft(name)}
    </div>
  );
}
