/** Node categories, in the order the node library lists them, with the header colour of their nodes. */
export const NODE_CATEGORIES = ['Load', 'LoRA', 'Combine', 'Model', 'Export', 'Inspect', 'Utility'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

export interface CategoryInfo {
  readonly color: string;
  readonly description: string;
}

export const CATEGORY_INFO: Readonly<Record<NodeCategory, CategoryInfo>> = {
  Load: { color: '#3b82f6', description: 'Read checkpoints and LoRA files, or start a new LoRA.' },
  LoRA: { color: '#f59e0b', description: 'Reshape one LoRA: scale, block weights, select layers, resize, extract.' },
  Combine: { color: '#ef4444', description: 'Combine several LoRAs into one.' },
  Model: { color: '#8b5cf6', description: 'Apply LoRAs to a model, merge models.' },
  Export: { color: '#22c55e', description: 'Write models, LoRAs and reports to disk.' },
  Inspect: { color: '#14b8a6', description: 'Look inside: ranks, norms, spectra, mapping, equivalence probes.' },
  Utility: { color: '#6b7280', description: 'Notes and helpers that do not compute.' },
};
