import type { NodeRegistry } from '../nodes/registry.js';
import { analyzeGraph, type AnalyzeOptions } from './analyze.js';
import type { GraphDocument } from './document.js';
import type { Problem } from './problems.js';

/**
 * Every problem shared code can see before a run, errors and warnings, in a stable order (connections,
 * then graph-wide, then per node in document order, then cycles). The engine appends its own
 * (missing files, unmatched LoRA modules, memory) with the same Problem type.
 */
export function validateGraph(doc: GraphDocument, registry: NodeRegistry, options: AnalyzeOptions = {}): Problem[] {
  return analyzeGraph(doc, registry, options).problems;
}
