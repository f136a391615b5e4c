import { memo } from 'react';
import type { GraphNode } from '../../../shared/graph/index.js';
import { isParamVisible, type AnyNodeDefinition, type ParamField } from '../../../shared/nodes/index.js';
import { ParamControl } from '../fields/ParamControl.js';
import { usePickPath } from '../files/use-pick-path.js';
import { useNodeParamActions } from './use-param-actions.js';

interface Props {
  readonly node: GraphNode;
  readonly definition: AnyNodeDefinition;
  /** Params with a validation error (their names). */
  readonly invalidParams: ReadonlySet<string>;
}

/** The params a definition marks inline, on the node body (the inspector shows all of them). */
export const InlineParams = memo(function InlineParams({ node, definition, invalidParams }: Props) {
  const actions = useNodeParamActions(node.id);
  const pickPath = usePickPath();
  const effective = { ...(definition.defaults() as Record<string, unknown>), ...node.params };
  const fields = Object.entries(definition.params).filter(([, f]) => f.inline && isParamVisible(f, effective));
  if (fields.length === 0) return null;
  const browse = (name: string, field: ParamField) => async () => {
    const path = await pickPath(field, typeof node.params[name] === 'string' ? (node.params[name] as string) : '');
    if (path !== null) actions.set(name, path, field.label);
  };
  return (
    <div className="inline-params">
      {fields.map(([name, field]) => (
        <div key={name} className={`inline-param ${invalidParams.has(name) ? 'invalid' : ''}`}>
          <span className="param-name" title={field.description}>
            {field.label}
          </span>
          <ParamControl
            id={`${node.id}-inline-${name}`}
            label={field.label}
            field={field}
            value={node.params[name]}
            variant="inline"
            invalid={invalidParams.has(name)}
            onChange={(v) => actions.set(name, v, field.label)}
            onGesture={actions.gesture(field.label)}
            {...(field.widget.kind === 'file' ? { onBrowse: browse(name, field) } : {})}
          />
        </div>
      ))}
    </div>
  );
});
