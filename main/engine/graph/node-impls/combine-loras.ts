/**
 * Combine LoRAs: the connected LoRAs with their edge weights, combined by ops/combine (lazy per-module sources:
 * nothing is computed until a sink pulls the modules). The kohya method with "kohya --concat" is kohya_concat.
 */
import { combineLoras } from '../../../../shared/nodes/catalogue/combine.js';
import { planCombine } from '../../ops/combine/combine-loras.js';
import { defineNodeImpl } from '../node-impl.js';

export const combineLorasImpl = defineNodeImpl(combineLoras, async ({ node, inputs, params, run }) => {
  const loras = inputs.all('loras', 'lora').map((i) => ({ lora: i.value, weight: typeof i.params.weight === 'number' ? i.params.weight : 1 }));
  const method = params.method === 'kohya' && params.kohyaConcat ? 'kohya_concat' : params.method;
  const plan = planCombine(loras, {
    method,
    rank: params.dynamic === 'fixed' ? params.rank : { type: 'dynamic', method: params.dynamic, param: params.dynamicParam, maxRank: params.rank },
    density: params.density,
    seed: params.seed,
    majority: params.majority,
    ...(params.clampQuantile < 1 ? { clampQuantile: params.clampQuantile } : {}),
  });
  const only = plan.groups.length - plan.shared;
  if (only > 0 && loras.length > 1) run.log?.(`${node.title}: ${only} of ${plan.groups.length} modules are in only some of the inputs; they are combined from those that have them.`);
  const rank = method === 'concat' ? 'exact (ranks add up)' : method === 'kohya' || method === 'kohya_concat' ? 'kohya parity (not exact)' : params.dynamic === 'fixed' ? `rank ${params.rank}` : `${params.dynamic} ${params.dynamicParam}, rank ≤ ${params.rank}`;
  return {
    outputs: { lora: { ...plan.lora, label: node.title === 'Combine LoRAs' ? plan.lora.label : node.title } },
    summary: `${method}, ${loras.length} LoRAs → ${plan.lora.modules.length} modules (${plan.shared} shared), ${rank}`,
  };
});
