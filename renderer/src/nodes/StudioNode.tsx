import { memo, type CSSProperties } from 'react';
import type { NodeProps } from '@xyflow/react';
import { nodeTitle } from '../../../shared/graph/index.js';
import { CATEGORY_INFO, NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { useAppStore } from '../store/store-context.js';
import { noProblems } from '../store/validation-slice.js';
import { EdgeInputs } from './EdgeInputs.js';
import type { StudioFlowNode } from './flow-types.js';
import { InlineParams } from './InlineParams.js';
import { LoadedFile } from './LoadedFile.js';
import { NoteResizer } from './NoteResizer.js';
import { NodeHeader } from './NodeHeader.js';
import { NodeStatusLine } from './NodeStatusLine.js';
import { PortHandle } from './PortHandle.js';

/**
 * Every node type is drawn by this one component, generated from its definition: header in the category
 * colour, typed ports, inline params, run status. It subscribes only to this node's run status and problems.
 */
export const StudioNode = memo(function StudioNode({ id, data, selected }: NodeProps<StudioFlowNode>) {
  const node = data.node;
  const def = NODE_REGISTRY.get(node.type);
  const status = useAppStore((s) => s.run.nodes[id]);
  const problems = useAppStore((s) => s.problemsByNode[id] ?? noProblems);
  if (!def) return null;
  const title = nodeTitle(node, NODE_REGISTRY);
  const collapsed = node.collapsed === true;
  const invalidParams = new Set(problems.filter((p) => p.severity === 'error' && p.param !== undefined).map((p) => p.param as string));
  const style = { '--category': CATEGORY_INFO[def.category].color } as CSSProperties;
  const isNote = def.inputs.length === 0 && def.outputs.length === 0;
  return (
    <div className={`studio-node status-${status?.state ?? 'idle'} ${collapsed ? 'collapsed' : ''} ${isNote ? 'note' : ''} ${node.mode ? `mode-${node.mode}` : ''}`} style={style}>
      {isNote && !collapsed && <NoteResizer nodeId={id} visible={selected} />}
      <NodeHeader nodeId={id} title={title} description={def.description} collapsed={collapsed} problems={problems} mode={node.mode} />
      <LoadedFile node={node} definition={def} />
      {collapsed ? (
        <div className="collapsed-ports">
          {def.inputs.map((p) => (
            <PortHandle key={p.name} side="input" name={p.name} label={p.label} type={p.type} description={p.description} className="collapsed-handle" />
          ))}
          {def.outputs.map((p) => (
            <PortHandle key={p.name} side="output" name={p.name} label={p.label} type={p.type} description={p.description} className="collapsed-handle" />
          ))}
        </div>
      ) : (
        <div className="node-body">
          {def.outputs.map((p) => (
            <div key={p.name} className="port-row output">
              <span className="port-label">{p.label}</span>
              <PortHandle side="output" name={p.name} label={p.label} type={p.type} description={p.description} />
            </div>
          ))}
          {def.inputs.map((p) => (
            <div key={p.name}>
              <div className="port-row input">
                <PortHandle side="input" name={p.name} label={p.label} type={p.type} description={p.description} />
                <span className="port-label">
                  {p.label}
                  {p.required && <span className="req" aria-hidden="true">*</span>}
                  {p.multiple && <span className="muted"> (several)</span>}
                </span>
              </div>
              {p.edgeParams && <EdgeInputs nodeId={id} port={p.name} edgeParams={p.edgeParams} />}
            </div>
          ))}
          <InlineParams node={node} definition={def} invalidParams={invalidParams} />
        </div>
      )}
      {!collapsed && <NodeStatusLine title={title} status={status} />}
    </div>
  );
});
