/**
 * LoRAs against the models they are applied to, before anything runs: for each Apply LoRA (and each LoRA of a
 * Bake LoRAs) whose model comes from a Load Model and whose LoRA comes from a Load LoRA (through Scale / Block
 * Weights), the mapping report;
 * unmatched modules are an error unless the node allows them (then a warning), and a LoRA made for another
 * architecture says so.
 */
import type { GraphNode } from '../../../../shared/graph/document.js';
import { PROBLEM_CODES, type Problem } from '../../../../shared/graph/problems.js';
import { NODE_TYPES } from '../../../../shared/nodes/catalogue/index.js';
import { FAMILY_TITLE } from '../../naming/components.js';
import { describeUnmatched, mapLora } from '../../ops/apply/apply-lora.js';
import { nodeProblem, titleOf, type CheckContext } from './check-context.js';
import { loadPath } from './load-checks.js';
import type { OpenedInputs } from './opened-inputs.js';
import { loraSourceOf, loraSourcesOf, modelSourceOf } from './trace.js';

export async function checkMappings(ctx: CheckContext, opened: OpenedInputs): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const node of ctx.doc.nodes) {
    if (!ctx.analysis.active.has(node.id)) continue;
    const params = ctx.analysis.params.get(node.id);
    if (!params) continue;
    // Apply LoRA maps one LoRA, Bake LoRAs each connected one, onto the same model.
    const loraNodes = node.type === NODE_TYPES.applyLora ? [loraSourceOf(ctx, node.id, 'lora')] : node.type === NODE_TYPES.bakeLoras ? loraSourcesOf(ctx, node.id, 'loras') : [];
    const modelNode = loraNodes.length > 0 ? modelSourceOf(ctx, node.id, 'model') : undefined;
    const basePath = modelNode && loadPath(ctx, modelNode.id);
    if (!modelNode || !basePath) continue;
    for (const loraNode of loraNodes) {
      const loraPath = loraNode && loadPath(ctx, loraNode.id);
      if (!loraPath) continue;
      const problem = await checkOne(ctx, opened, node, params, modelNode, basePath, loraPath);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

async function checkOne(ctx: CheckContext, opened: OpenedInputs, node: GraphNode, params: Readonly<Record<string, unknown>>, modelNode: GraphNode, basePath: string, loraPath: string): Promise<Problem | undefined> {
  const [base, lora] = [await opened.base(basePath), await opened.lora(loraPath)];
  if (!base.ok || !lora.ok) return undefined;
  const report = mapLora(base.value, lora.value, { acceptArchitectureMismatch: params.acceptArchitectureMismatch === true });
  if (report.unmatched.length === 0) return undefined;
  const title = titleOf(ctx, node);
  const a = report.adapterArchitecture?.family;
  const b = report.architecture.family;
  const mismatch = a !== undefined && a !== 'unknown' && b !== 'unknown' && a !== b && report.matched.length === 0;
  const allow = params.allowUnmatched === true;
  const total = lora.value.modules.length;
  // One line ("SD 1.x LoRA on a DistilBERT base: 164 of 164 modules do not match"); the list is folded away.
  const what = mismatch
    ? `${FAMILY_TITLE[a] ?? a} LoRA on a ${FAMILY_TITLE[b] ?? b} base: ${report.unmatched.length} of ${total} modules do not match (${lora.value.label} on ${titleOf(ctx, modelNode)})`
    : `${report.unmatched.length} of ${total} modules of ${lora.value.label} match nothing in ${titleOf(ctx, modelNode)}`;
  return nodeProblem(ctx, node, {
    severity: allow && !mismatch ? 'warning' : 'error',
    code: mismatch ? PROBLEM_CODES.architectureMismatch : PROBLEM_CODES.loraUnmatched,
    port: node.type === NODE_TYPES.bakeLoras ? 'loras' : 'lora',
    message: `${title}: ${what}.`,
    details: describeUnmatched(report, 50),
    hint: mismatch
      ? 'Use a LoRA made for this base model.'
      : allow
        ? 'These modules are skipped.'
        : 'Check that the LoRA was made for this model, or turn on “Allow unmatched” to apply the modules that match.',
  });
}
