/**
 * How PEFT matches per-module overrides. rank_pattern / alpha_pattern keys are regular expressions matched
 * against the module's path in the base model, the way peft.utils.other.get_pattern_key does it:
 * `re.match(rf"(.*\.)?({key})$", path)`, first key in the dict's order wins, ranks and alphas looked up
 * separately. modules_to_save entries match by plain string suffix (PEFT's `key.endswith(target)`), which is
 * why "classifier" also selects DistilBERT's "pre_classifier".
 */
import { AdapterError } from './errors.js';

/** diffusers pipelines prefix each component's modules; PEFT sees the component's own paths. */
const COMPONENT_PREFIXES = ['unet.', 'text_encoder.', 'text_encoder_2.', 'text_encoder_3.', 'transformer.', 'prior.'] as const;

/**
 * The module's path as PEFT's LoraModel saw it when it created the layer: without the PeftModel wrapper.
 * A diffusers component prefix ("unet.") is kept: the pattern's optional `(.*\.)?` absorbs it, and stripping
 * it would break GPT-2-style paths that really start with "transformer.".
 */
export function peftModulePath(moduleName: string): string {
  return moduleName.startsWith('base_model.model.') ? moduleName.slice('base_model.model.'.length) : moduleName;
}

/** The diffusers component a module name belongs to ("unet", "transformer", ...), if it carries one. */
export function componentOf(moduleName: string): string | undefined {
  for (const p of COMPONENT_PREFIXES) if (moduleName.startsWith(p)) return p.slice(0, -1);
  return undefined;
}

const compiled = new Map<string, RegExp>();

function patternRegExp(key: string, configFile: string): RegExp {
  let re = compiled.get(key);
  if (!re) {
    try {
      re = new RegExp(`^(?:.*\\.)?(?:${key})$`);
    } catch (err) {
      throw new AdapterError('bad-config', { file: configFile, cause: err, hint: 'Pattern keys are regular expressions (PEFT uses Python re); this one does not compile.' }, `rank_pattern/alpha_pattern key "${key}" is not a valid regular expression.`);
    }
    compiled.set(key, re);
  }
  return re;
}

/** The first pattern key that matches `path`, or undefined (PEFT then falls back to the global r / alpha). */
export function getPatternKey(patternKeys: Iterable<string>, path: string, configFile: string): string | undefined {
  for (const key of patternKeys) if (patternRegExp(key, configFile).test(path)) return key;
  return undefined;
}

export function matchesModulesToSave(path: string, modulesToSave: readonly string[] | null): boolean {
  return modulesToSave !== null && modulesToSave.some((t) => path.endsWith(t));
}

/**
 * The heads PEFT adds to modules_to_save by task type, whatever the config says: PeftModelForSequenceClassification
 * and PeftModelForTokenClassification add "classifier" and "score", PeftModelForQuestionAnswering "qa_outputs";
 * save_pretrained then writes them as full tensors though adapter_config.json may say `modules_to_save: null`.
 */
const TASK_HEADS: Readonly<Record<string, readonly string[]>> = {
  SEQ_CLS: ['classifier', 'score'],
  TOKEN_CLS: ['classifier', 'score'],
  QUESTION_ANS: ['qa_outputs'],
};

export function taskHeads(taskType: string | null | undefined): readonly string[] {
  return (taskType != null && Object.hasOwn(TASK_HEADS, taskType) ? TASK_HEADS[taskType] : undefined) ?? [];
}
