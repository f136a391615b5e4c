import { Handle, Position } from '@xyflow/react';
import { PORT_TYPE_INFO, type PortType } from '../../../shared/nodes/index.js';

interface Props {
  readonly side: 'input' | 'output';
  readonly name: string;
  readonly label: string;
  readonly type: PortType;
  readonly description: string;
  readonly className?: string;
}

/** A typed port: coloured by its type, named for screen readers and tests ("Output LoRA (LoRA)"). */
export function PortHandle({ side, name, label, type, description, className }: Props) {
  const info = PORT_TYPE_INFO[type];
  return (
    <Handle
      type={side === 'input' ? 'target' : 'source'}
      position={side === 'input' ? Position.Left : Position.Right}
      id={name}
      role="button"
      aria-label={`${side === 'input' ? 'Input' : 'Output'} ${label} (${info.label})`}
      title={`${label}: ${info.label}. ${description}`}
      data-port-type={type}
      className={className}
      style={{ background: info.color }}
    />
  );
}
