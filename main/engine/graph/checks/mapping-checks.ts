/**
 * LoRAs against the models they are applied to, before anything runs: for each Apply LoRA whose model comes
 * from a Load Model and whose LoRA comes from a Load LoRA (through Scale / Block Weights), the mapping report;
 * unmatched modules are an error unless the node allows them (then a warning), and a LoRA made for another
 * architecture says so.
 */
import { PROBLEM_CODES, type Problem } from '../../../../shared/graph/problems.js';
import { NODE_TYPES } from '../../../../shared/nodes/catalogue/index.js';
import { FAMILY_TITLE } from '../../naming/components.js';
import { describeUnmatched, mapLora } from '../../ops/apply/apply-lora.js';
import { nodeProblem, titleOf, type CheckContext } from './check-context.js';
import { loadPath } from './load-checks.js';
import type { OpenedInputs } from './opened-inputs.js';
import { loraSourceOf, modelSourceOf } from './trace.js';

export async function checkMappings(ctx: CheckContext, opened: OpenedInputs): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const node of ctx.doc.nodes) {
    if (node.type !== NODE_TYPES.applyLora || !ctx.analysis.active.has(node.id)) continue;
    const params = ctx.analysis.params.get(node.id);
    const modelNode = modelSourceOf(ctx, node.id, 'model');
    const loraNode = loraSourceOf(ctx, node.id, 'lora');
    const basePath = modelNode && loadPath(ctx, modelNode.id);
    const loraPath = loraNode && loadPath(ctx, loraNode.id);
    if (!params || !basePath || !loraPath) continue;
    const [base, lora] = [await opened.base(basePath), await opened.lora(loraPath)];
    if (!base.ok || !lora.ok) continue;
    const report = mapLora(base.value, lora.value);
    if (report.unmatched.length === 0) continue;
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
    problems.push(
      nodeProblem(ctx, node, {
        severity: allow && !mismatch ? 'warning' : 'error',
        code: mismatch ? PROBLEM_CODES.architectureMismatch : PROBLEM_CODES.loraUnmatched,
        port: 'lora',
        message: `${title}: ${what}.`,
        details: describeUnmatched(report, 50),
        hint: mismatch
          ? 'Use a LoRA made for this base model.'
          : allow
            ? 'These modules are skipped.'
            : 'Check that the LoRA was made for this model, or turn on “Allow unmatched” to apply the modules that match.',
      }),
    );
  }
  return problems;
}
