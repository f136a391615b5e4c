import { useAppStore } from '../../store/store-context.js';
import { EdgeInspector } from './EdgeInspector.js';
import { GraphSummary } from './GraphSummary.js';
import { NodeInspector } from './NodeInspector.js';
import { SelectionSummary } from './SelectionSummary.js';

export function InspectorPanel() {
  const selection = useAppStore((s) => s.selection);
  let body;
  if (selection.nodes.length === 1 && selection.edges.length === 0) body = <NodeInspector nodeId={selection.nodes[0] as string} />;
  else if (selection.nodes.length === 0 && selection.edges.length === 1) body = <EdgeInspector edgeId={selection.edges[0] as string} />;
  else if (selection.nodes.length + selection.edges.length > 1) body = <SelectionSummary />;
  else body = <GraphSummary />;
  return (
    <aside className="side-panel right" aria-label="Inspector">
      <div className="panel-title">
        <span>Inspector</span>
      </div>
      {body}
    </aside>
  );
}
