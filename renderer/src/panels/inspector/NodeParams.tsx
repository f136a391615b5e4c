import type { GraphNode, Problem } from '../../../../shared/graph/index.js';
import { isParamVisible, type AnyNodeDefinition, type ParamField } from '../../../../shared/nodes/index.js';
import { usePickPath } from '../../files/use-pick-path.js';
import { useNodeParamActions } from '../../nodes/use-param-actions.js';
import { InspectorField } from './InspectorField.js';

interface Props {
  readonly node: GraphNode;
  readonly definition: AnyNodeDefinition;
  readonly problems: readonly Problem[];
}

/** Every visible param of the node, from its schema's UI hints; advanced ones folded away. */
export function NodeParams({ node, definition, problems }: Props) {
  const actions = useNodeParamActions(node.id);
  const pickPath = usePickPath();
  const effective = { ...(definition.defaults() as Record<string, unknown>), ...node.params };
  const visible = Object.entries(definition.params).filter(([, f]) => isParamVisible(f, effective));
  const render = ([name, field]: [string, ParamField]) => (
    <InspectorField
      key={name}
      id={`inspector-${node.id}-${name}`}
      field={field}
      value={node.params[name]}
      problems={problems.filter((p) => p.param === name)}
      onChange={(v) => actions.set(name, v, field.label)}
      onGesture={actions.gesture(field.label)}
      {...(field.widget.kind === 'file'
        ? {
            onBrowse: async () => {
              const p = await pickPath(field, typeof node.params[name] === 'string' ? (node.params[name] as string) : '');
              if (p !== null) actions.set(name, p, field.label);
            },
          }
        : {})}
    />
  );
  const main = visible.filter(([, f]) => !f.advanced);
  const advanced = visible.filter(([, f]) => f.advanced);
  if (visible.length === 0) return <p className="muted">This node has no parameters.</p>;
  return (
    <>
      {main.map(render)}
      {advanced.length > 0 && (
        <details>
          <summary>Advanced ({advanced.length})</summary>
          {advanced.map(render)}
        </details>
      )}
    </>
  );
}
