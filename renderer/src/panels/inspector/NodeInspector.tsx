import { NODE_REGISTRY, NODE_TYPES, PORT_TYPE_INFO } from '../../../../shared/nodes/index.js';
import { nodeTitle } from '../../../../shared/graph/index.js';
import { EdgeInputs } from '../../nodes/EdgeInputs.js';
import { findNode } from '../../store/selectors.js';
import { useAppStore } from '../../store/store-context.js';
import { noProblems } from '../../store/validation-slice.js';
import { FileInspectionSection } from '../inspection/FileInspectionSection.js';
import { Markdown } from '../Markdown.js';
import { NodeParams } from './NodeParams.js';
import { NodeRunSection } from './NodeRunSection.js';
import { NodeTitleField } from './NodeTitleField.js';
import { ProblemList } from './ProblemList.js';

const LOADERS = new Set<string>([NODE_TYPES.loadModel, NODE_TYPES.loadLora]);

export function NodeInspector({ nodeId }: { readonly nodeId: string }) {
  const node = useAppStore((s) => findNode(s.doc, nodeId));
  const problems = useAppStore((s) => s.problemsByNode[nodeId] ?? noProblems);
  if (!node) return null;
  const def = NODE_REGISTRY.get(node.type);
  const title = nodeTitle(node, NODE_REGISTRY);
  if (!def) {
    return (
      <div className="inspector panel-body">
        <h2>{title}</h2>
        <p className="node-type">{node.type}</p>
        <ProblemList problems={problems} />
        <pre className="mono">{JSON.stringify(node.params, null, 2)}</pre>
      </div>
    );
  }
  const general = problems.filter((p) => p.param === undefined);
  const multiPorts = def.inputs.filter((p) => p.edgeParams);
  return (
    <div className="inspector panel-body" aria-label={`Inspector: ${title}`}>
      <h2>{title}</h2>
      <p className="node-type">
        {def.category} · {node.id}
      </p>
      <p>{def.description}</p>
      <NodeTitleField nodeId={node.id} title={node.title ?? ''} placeholder={def.title} />
      <ProblemList problems={general} />
      <NodeRunSection nodeId={node.id} />
      <section aria-label="Parameters">
        <h3>Parameters</h3>
        <NodeParams node={node} definition={def} problems={problems} />
      </section>
      {multiPorts.map((p) => (
        <section key={p.name} aria-label={`${p.label} inputs`}>
          <h3>{p.label} (in order)</h3>
          {p.edgeParams && <EdgeInputs nodeId={node.id} port={p.name} edgeParams={p.edgeParams} />}
        </section>
      ))}
      {LOADERS.has(node.type) && <FileInspectionSection node={node} />}
      <section aria-label="Ports">
        <h3>Ports</h3>
        <dl className="kv">
          {def.inputs.map((p) => (
            <div key={`in-${p.name}`} style={{ display: 'contents' }}>
              <dt>in: {p.label}</dt>
              <dd>
                <span style={{ color: PORT_TYPE_INFO[p.type].color }}>{PORT_TYPE_INFO[p.type].label}</span>
                {p.required ? ', required' : ''}
                {p.multiple ? ', several' : ''}. {p.description}
              </dd>
            </div>
          ))}
          {def.outputs.map((p) => (
            <div key={`out-${p.name}`} style={{ display: 'contents' }}>
              <dt>out: {p.label}</dt>
              <dd>
                <span style={{ color: PORT_TYPE_INFO[p.type].color }}>{PORT_TYPE_INFO[p.type].label}</span>. {p.description}
              </dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-label="Documentation">
        <h3>Documentation</h3>
        <Markdown text={def.docs} />
        {def.references.length > 0 && (
          <ul>
            {def.references.map((r) => (
              <li key={r.url}>
                <a href={r.url} target="_blank" rel="noreferrer noopener">
                  {r.label}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
