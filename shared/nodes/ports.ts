/**
 * Port types: what flows along an edge (DESIGN.md §3). Values are lazy recipes, never tensors:
 *   model   a base checkpoint handle plus ordered patches per tensor
 *   lora    a set of adapter modules producing their factors on demand
 *   report  inspection data (tables, spectra, per-block norms) for the UI, the CLI and Save Report
 * A connection is allowed only between ports of the same type.
 */
export const PORT_TYPES = ['model', 'lora', 'report'] as const;
export type PortType = (typeof PORT_TYPES)[number];

export interface PortTypeInfo {
  readonly label: string;
  /** Port and edge colour on the canvas (same in light and dark themes). */
  readonly color: string;
  readonly description: string;
}

export const PORT_TYPE_INFO: Readonly<Record<PortType, PortTypeInfo>> = {
  model: { label: 'Model', color: '#8b5cf6', description: 'A base checkpoint with the patches applied to it so far.' },
  lora: { label: 'LoRA', color: '#f59e0b', description: 'A set of low-rank adapter modules (any dialect, read lazily).' },
  report: { label: 'Report', color: '#14b8a6', description: 'Inspection data: tables, spectra, per-block norms, mapping coverage.' },
};

export function portTypesCompatible(output: PortType, input: PortType): boolean {
  return output === input;
}
