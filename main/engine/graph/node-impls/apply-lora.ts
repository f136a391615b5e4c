/**
 * Apply LoRA: maps the LoRA onto the model's base and adds it as a step, with the UNet strength on every module
 * outside the text encoders and the text-encoder strength on TE/TE1/TE2 modules (blocks from the mapping).
 * The node's report is the mapping report (matched per block, unmatched with reasons).
 */
import { isTextEncoderLabel } from '../../../../shared/blocks/labels.js';
import type { Report } from '../../../../shared/ipc/reports.js';
import { applyLora } from '../../../../shared/nodes/catalogue/model.js';
import { applyLoraToModel, mapLora } from '../../ops/apply/apply-lora.js';
import { FAMILY_TITLE } from '../../naming/components.js';
import type { MappingReport } from '../../naming/types.js';
import { scaleLora, type LoraModuleValue, type LoraValue } from '../../values/lora-value.js';
import { defineNodeImpl } from '../node-impl.js';

export const applyLoraImpl = defineNodeImpl(applyLora, async ({ node, inputs, params, run }) => {
  const model = inputs.one('model', 'model');
  const lora = inputs.one('lora', 'lora');
  const options = { allowUnmatched: params.allowUnmatched, acceptArchitectureMismatch: params.acceptArchitectureMismatch };
  const preview = mapLora(model.base, lora, options);
  const { lora: weighted, strength } = withStrengths(lora, preview, params.strength, params.teStrength);
  const patched = applyLoraToModel(model, weighted, strength, options);
  const step = patched.steps[patched.steps.length - 1]!;
  const mapping = step.type === 'apply' ? step.applied.mapping : preview;
  for (const u of mapping.unmatched) run.log?.(`warning: ${node.title}: ${u.module} skipped: ${u.reason}`);
  const unmatched = mapping.unmatched.length > 0 ? `, ${mapping.unmatched.length} unmatched (skipped)` : '';
  return {
    outputs: { model: { ...patched, label: `${model.label} + ${lora.label}` } },
    summary: `${mapping.matched.length}/${lora.modules.length} modules matched${unmatched}, strength ${params.strength}${params.teStrength !== params.strength ? ` (TE ${params.teStrength})` : ''}`,
    report: mappingReport(node, lora, mapping),
  };
});

/** The step's strength is the UNet strength (what the recipe records); text-encoder modules get te/unet on top. */
function withStrengths(lora: LoraValue, mapping: MappingReport, unet: number, te: number): { lora: LoraValue; strength: number } {
  if (unet === te) return { lora, strength: unet };
  const blocks = new Map(mapping.matched.map((m) => [m.module, m.target.block]));
  const isTe = (m: LoraModuleValue): boolean => isTextEncoderLabel(blocks.get(m.name) ?? m.block ?? '');
  if (unet === 0) return { lora: scaleLora(lora, (m) => (isTe(m) ? te : 0)), strength: 1 };
  return { lora: scaleLora(lora, (m) => (isTe(m) ? te / unet : 1)), strength: unet };
}

export function mappingReport(node: { id: string; type: string; title: string }, lora: LoraValue, mapping: MappingReport): Report {
  return mappingsReport(node, [{ lora, mapping }]);
}

/** One mapping section with an entry per LoRA (Bake LoRAs maps several onto one model). */
export function mappingsReport(node: { id: string; type: string; title: string }, mapped: readonly { lora: LoraValue; mapping: MappingReport }[]): Report {
  return {
    nodeId: node.id,
    nodeType: node.type,
    title: node.title,
    createdAt: Date.now(),
    sections: [
      {
        kind: 'mapping',
        title: `${mapped.map((m) => m.lora.label).join(', ')} on ${FAMILY_TITLE[mapped[0]?.mapping.architecture.family ?? 'unknown']}`,
        entries: mapped.map(({ lora, mapping }) => ({
          source: lora.label,
          architecture: mapping.architecture.family,
          matched: mapping.matched.length,
          unmatched: mapping.unmatched.map((u) => ({ module: u.module, reason: u.reason })),
          perBlock: mapping.perBlock.map((b) => ({ block: b.block, matched: b.count })),
        })),
      },
    ],
  };
}
