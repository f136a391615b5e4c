/**
 * The values on graph edges, by port type: `model` (ModelValue), `lora` (LoraValue), `report` (a Report as
 * shared/ipc defines it). Models and LoRAs are lazy recipes (DESIGN.md §3); reports are small plain data.
 */
import type { PortType } from '../../../shared/nodes/ports.js';
import type { Report } from '../../../shared/ipc/reports.js';
import type { LoraValue } from '../values/lora-value.js';
import type { ModelValue } from '../values/model-value.js';

export interface ReportValue {
  readonly kind: 'report';
  readonly report: Report;
}

export type GraphValue = ModelValue | LoraValue | ReportValue;

export type ValueOfPort<T extends PortType> = T extends 'model' ? ModelValue : T extends 'lora' ? LoraValue : ReportValue;

export function isValueOf<T extends PortType>(value: GraphValue, type: T): value is ValueOfPort<T> {
  return value.kind === type;
}
