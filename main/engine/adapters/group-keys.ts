/**
 * Groups a file's tensors into module candidates by the name parseKey gives them. A module may collect
 * tensors of several spellings (a kohya `.alpha` beside PEFT `lora_A`), but never two tensors for one role.
 */
import { AdapterError } from './errors.js';
import { parseKey, type ParamRole } from './key-parser.js';
import type { AdapterDialect, UnusedKey } from './types.js';

export interface ModuleGroup {
  readonly name: string;
  readonly roles: Map<ParamRole, string>;
  /** Dialects of the role tensors (`.alpha` says nothing). */
  readonly dialects: Set<AdapterDialect>;
}

export interface FullTensorGroup {
  readonly name: string;
  /** Parameter name ("weight", "bias") → tensor name. */
  readonly tensors: Map<string, string>;
}

export interface GroupedKeys {
  modules: Map<string, ModuleGroup>;
  fullTensors: Map<string, FullTensorGroup>;
  unused: UnusedKey[];
}

export function groupKeys(file: string, keys: readonly string[]): GroupedKeys {
  const modules = new Map<string, ModuleGroup>();
  const fullTensors = new Map<string, FullTensorGroup>();
  const unused: UnusedKey[] = [];
  for (const key of keys) {
    const parsed = parseKey(key);
    if (parsed.kind === 'unused') {
      unused.push({ key, reason: parsed.reason });
    } else if (parsed.kind === 'full-tensor') {
      let g = fullTensors.get(parsed.module);
      if (!g) fullTensors.set(parsed.module, (g = { name: parsed.module, tensors: new Map() }));
      g.tensors.set(parsed.param, key);
    } else {
      let g = modules.get(parsed.module);
      if (!g) modules.set(parsed.module, (g = { name: parsed.module, roles: new Map(), dialects: new Set() }));
      const previous = g.roles.get(parsed.role);
      if (previous !== undefined) {
        throw new AdapterError('duplicate-param', { file, module: parsed.module, tensor: key, hint: 'The file holds the same parameter twice under two spellings; keep one.' }, `both "${previous}" and "${key}" give its ${parsed.role} tensor.`);
      }
      g.roles.set(parsed.role, key);
      if (parsed.dialect) g.dialects.add(parsed.dialect);
    }
  }
  // A full tensor whose module also has LoRA parameters is not a modules_to_save copy (e.g. a `.bias` beside lora_A).
  for (const [name, g] of fullTensors) {
    if (!modules.has(name)) continue;
    for (const key of g.tensors.values()) unused.push({ key, reason: `full tensor beside the LoRA parameters of module "${name}" (not applied)` });
    fullTensors.delete(name);
  }
  return { modules, fullTensors, unused };
}
