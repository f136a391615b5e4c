/**
 * Hugging Face transformers spellings. A PEFT module path is "base_model.model." + the module path in the
 * class PEFT wrapped ("model.layers.0.self_attn.q_proj" for LlamaForCausalLM, "distilbert.transformer…" for
 * DistilBertForSequenceClassification), while the base file may hold the bare model (LlamaModel saves
 * "layers.0…"): every body weight is spelled with and without the class prefix, with and without PEFT's
 * wrapper. Heads (lm_head, classifier, score …) sit outside the body and keep their own path.
 * GPT-2's Conv1D weights are stored [in, out]: transposed targets.
 */
import type { ComponentPlan } from '../components.js';
import { isPatchableWeightKey, pad2, splitKey } from '../key-names.js';
import { TASK_HEAD as HEAD } from '../name-kind.js';
import { moduleOf, type ModuleRegistry } from '../registry.js';

type HfPlan = Extract<ComponentPlan, { kind: 'hf' }>;

const LAYER = /^(?:layers|h|encoder\.layer|transformer\.layer)\.(\d+)\./;
const CONV1D = /(^|\.)(c_attn|c_proj|c_fc)$/;

export function hfBlock(bodyPath: string): string {
  const m = LAYER.exec(bodyPath);
  return m ? `L${pad2(Number(m[1]))}` : 'LM';
}

export function addHfSpellings(reg: ModuleRegistry, keys: readonly string[], plan: HfPlan): void {
  for (const key of keys) {
    const { module } = splitKey(key);
    const inBody = key.startsWith(plan.bodyPrefix) && !(plan.bodyPrefix === '' && HEAD.test(key));
    if (!inBody && !HEAD.test(key)) continue;
    reg.claimed.add(key);
    if (!isPatchableWeightKey(key)) continue;
    if (!inBody) {
      reg.add(moduleOf('lm', module, reg.target(key, 'LM'), { peft: `base_model.model.${module}` }), [module, `base_model.model.${module}`]);
      continue;
    }
    const body = module.slice(plan.bodyPrefix.length);
    const canonical = plan.classPrefix + body;
    const transpose = plan.family === 'gpt2' && CONV1D.test(body);
    reg.add(moduleOf('lm', canonical, reg.target(key, hfBlock(body), { transpose }), { peft: `base_model.model.${canonical}` }), [
      canonical,
      body,
      module,
      `base_model.model.${canonical}`,
      `base_model.model.${body}`,
    ]);
  }
}
