/**
 * A node's input values by port, with the edge params of each connection (Combine LoRAs' weight). The
 * executor fills it from upstream results; node impls read it typed by port type.
 */
import type { PortType } from '../../../shared/nodes/ports.js';
import { EngineError } from '../errors.js';
import { isValueOf, type GraphValue, type ValueOfPort } from './graph-values.js';

export interface NodeImplInput<V extends GraphValue = GraphValue> {
  readonly value: V;
  /** Parsed edge params ({} for ports without any). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The upstream node and output port. */
  readonly from: { readonly node: string; readonly port: string };
}

export class NodeImplInputs {
  constructor(
    private readonly nodeLabel: string,
    private readonly byPort: Readonly<Record<string, readonly NodeImplInput[]>>,
  ) {}

  /** Every connection into a port, in edge order, checked to carry values of `type`. */
  all<T extends PortType>(port: string, type: T): NodeImplInput<ValueOfPort<T>>[] {
    const list = this.byPort[port] ?? [];
    return list.map((input) => {
      if (!isValueOf(input.value, type)) {
        throw new EngineError('internal', `${this.nodeLabel}: input "${port}" received a ${input.value.kind} value where a ${type} was expected.`, {
          hint: 'This is a bug in the executor or a kernel; please report it.',
        });
      }
      return input as NodeImplInput<ValueOfPort<T>>;
    });
  }

  /** The single value of a port, or undefined when it is not connected. */
  optional<T extends PortType>(port: string, type: T): ValueOfPort<T> | undefined {
    return this.all(port, type)[0]?.value;
  }

  /** The single value of a required port (validation guarantees it is connected). */
  one<T extends PortType>(port: string, type: T): ValueOfPort<T> {
    const v = this.optional(port, type);
    if (v === undefined) throw new EngineError('missing-input', `${this.nodeLabel}: input "${port}" is not connected.`, { hint: 'Connect it and run again.' });
    return v;
  }
}
