/**
 * loadAdapter: a LoRA file or PEFT directory → LoadedAdapter (lazy: only headers, configs and `.alpha` scalars
 * are read here). Every tensor ends up in a module or in unusedKeys with a reason.
 */
import { throwIfAborted } from '../errors.js';
import { SafetensorsFile } from '../tensor-io/safetensors-file.js';
import type { TensorSource } from '../tensor-io/tensor-source.js';
import { buildModule, type ConfigFor } from './build-module.js';
import { AdapterError } from './errors.js';
import { groupKeys, type FullTensorGroup, type ModuleGroup } from './group-keys.js';
import { configsFromMetadata, LORA_ADAPTER_METADATA_KEY } from './metadata-config.js';
import { readPeftConfig } from './peft-config.js';
import { componentOf, matchesModulesToSave, peftModulePath, taskHeads } from './peft-patterns.js';
import { resolveAdapterInput, type ResolveOptions } from './resolve-input.js';
import type { AppliedConfig } from './scale.js';
import type { AdapterDialect, AdapterModule, LoadedAdapter, PeftAdapterConfig, UnusedKey } from './types.js';

export interface LoadAdapterOptions extends ResolveOptions {
  signal?: AbortSignal;
}

const SUPPORTED_PEFT_TYPES = new Set(['LORA', 'LOHA', 'LOKR']);

export async function loadAdapter(input: string, opts: LoadAdapterOptions = {}): Promise<LoadedAdapter> {
  const resolved = await resolveAdapterInput(input, opts);
  const fileConfig = resolved.configFile !== undefined ? await readPeftConfig(resolved.configFile) : undefined;
  const source = await SafetensorsFile.open(resolved.weightsFile);
  try {
    const metaConfigs = fileConfig ? undefined : configsFromMetadata(source.metadata, source.path);
    const whole: AppliedConfig | undefined = fileConfig
      ? { config: fileConfig, where: resolved.configFile! }
      : metaConfigs?.whole
        ? { config: metaConfigs.whole, where: `${source.path} (metadata "${LORA_ADAPTER_METADATA_KEY}")` }
        : undefined;
    const components = metaConfigs?.components ?? {};
    for (const applied of [whole?.config, ...Object.values(components)]) if (applied) refuseUnsupportedType(applied, whole?.where ?? source.path);

    const configFor: ConfigFor = (name, kind, dialect) => {
      const applied = whole ?? configForComponent(components, name, source.path);
      if (!applied) return undefined;
      const type = applied.config.peft_type ?? 'LORA';
      if (kind === 'lora' && dialect === 'peft' && type === 'LORA') return applied;
      if ((kind === 'loha' && type === 'LOHA') || (kind === 'lokr' && type === 'LOKR')) return applied;
      return undefined;
    };

    const notes: string[] = [];
    if (resolved.configBesideFile) notes.push(`Using the PEFT config found beside the file: ${resolved.configFile}.`);
    const grouped = groupKeys(source.path, source.entries.map((e) => e.name));
    refuseDiffDecomposition(grouped.unused, grouped.modules, source.path);
    const modules: AdapterModule[] = [];
    const unusedKeys: UnusedKey[] = [...grouped.unused];
    const tally = { peftNoConfig: 0, peftNoConfigAlpha: 0, overridden: 0, alphaZero: 0 };
    for (const group of grouped.modules.values()) {
      throwIfAborted(opts.signal);
      const built = await buildModule(source, group, configFor);
      if (!built) {
        unusedKeys.push(...orphanKeys(group));
        continue;
      }
      modules.push(built.module);
      if (built.peftWithoutConfig) {
        tally.peftNoConfig++;
        if (built.module.alphaSource === 'tensor') tally.peftNoConfigAlpha++;
      }
      if (built.scale.overriddenStoredAlpha !== undefined) tally.overridden++;
      if (built.module.alpha === 0) tally.alphaZero++;
    }
    const replaced = replaceModules(grouped.fullTensors, source, whole?.config, components);
    modules.push(...replaced.modules);
    unusedKeys.push(...replaced.unused);
    for (const h of replaced.taskHeads) {
      notes.push(`"${peftModulePath(h.name)}" is the task head of this ${h.taskType} adapter: PEFT saves it whatever modules_to_save says, so it replaces the base's head.`);
    }
    if (replaced.assumed > 0) notes.push(`${replaced.assumed} full tensor group(s) under "base_model.model." treated as PEFT modules_to_save (no config says so).`);
    notes.push(...tallyNotes(tally));

    if (modules.length === 0) {
      const sample = unusedKeys.slice(0, 3).map((u) => `"${u.key}" (${u.reason})`).join('; ');
      throw new AdapterError('no-modules', { file: source.path, hint: 'Is this a LoRA? A base checkpoint goes to --base, not --lora.' }, `no LoRA modules found among ${source.entries.length} tensors${sample ? `, e.g. ${sample}` : ''}.`);
    }
    modules.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const keyOrder = new Map(source.entries.map((e, i) => [e.name, i]));
    unusedKeys.sort((a, b) => keyOrder.get(a.key)! - keyOrder.get(b.key)!);
    return {
      path: input,
      source,
      dialects: dialectsByCount(modules),
      modules,
      unusedKeys,
      metadata: source.metadata,
      ...(whole ? { peftConfig: whole.config, configSource: whole.where } : {}),
      ...(Object.keys(components).length ? { componentConfigs: components, configSource: `${source.path} (metadata "${LORA_ADAPTER_METADATA_KEY}")` } : {}),
      notes,
    };
  } catch (err) {
    await source.close();
    throw err;
  }
}

function configForComponent(components: Record<string, PeftAdapterConfig>, name: string, file: string): AppliedConfig | undefined {
  const c = componentOf(name);
  const config = c !== undefined ? components[c] : undefined;
  return config ? { config, where: `${file} (metadata "${LORA_ADAPTER_METADATA_KEY}", component "${c}")` } : undefined;
}

function refuseUnsupportedType(config: PeftAdapterConfig, where: string): void {
  if (config.peft_type === undefined || SUPPORTED_PEFT_TYPES.has(config.peft_type)) return;
  throw new AdapterError('unsupported', { file: where, hint: 'Supported PEFT adapter types: LORA (incl. DoRA, rsLoRA), LOHA, LOKR.' }, `PEFT adapter type "${config.peft_type}" is not supported.`);
}

/** LyCORIS `wd_for_diff` changes what dora_scale decomposes; applying it as ordinary DoRA would be silently wrong. */
function refuseDiffDecomposition(unused: readonly UnusedKey[], modules: ReadonlyMap<string, ModuleGroup>, file: string): void {
  for (const u of unused) {
    const name = u.key.endsWith('.wd_for_diff') ? u.key.slice(0, -'.wd_for_diff'.length) : undefined;
    if (name === undefined || !modules.has(name)) continue;
    throw new AdapterError('unsupported', { file, module: name, tensor: u.key, hint: 'This LyCORIS DoRA variant (wd_for_diff) is not supported yet.' }, 'uses DoRA on the diff weight (wd_for_diff), which is not supported.');
  }
}

function orphanKeys(group: ModuleGroup): UnusedKey[] {
  const out: UnusedKey[] = [];
  for (const [role, key] of group.roles) {
    const what = role === 'alpha' ? 'alpha' : role === 'doraScale' ? 'dora_scale' : 'lora_magnitude_vector';
    out.push({ key, reason: `${what} of module "${group.name}", which has no LoRA weights in this file` });
  }
  return out;
}

interface ReplaceResult {
  modules: AdapterModule[];
  unused: UnusedKey[];
  /** Groups taken as modules_to_save only because of their `base_model.model.` prefix. */
  assumed: number;
  /** Task heads PEFT saves by task type though modules_to_save does not list them. */
  taskHeads: { name: string; taskType: string }[];
}

function replaceModules(groups: Map<string, FullTensorGroup>, source: TensorSource, whole: PeftAdapterConfig | undefined, components: Record<string, PeftAdapterConfig>): ReplaceResult {
  const result: ReplaceResult = { modules: [], unused: [], assumed: 0, taskHeads: [] };
  const anyConfig = whole !== undefined || Object.keys(components).length > 0;
  for (const g of groups.values()) {
    const component = componentOf(g.name);
    const config = whole ?? (component !== undefined ? components[component] : undefined);
    const listed = config !== undefined && matchesModulesToSave(peftModulePath(g.name), config.modules_to_save);
    const head = !listed && config !== undefined && matchesModulesToSave(peftModulePath(g.name), [...taskHeads(config.task_type)]);
    const assumed = !anyConfig && g.name.startsWith('base_model.model.');
    if (!listed && !head && !assumed) {
      const reason = config ? 'full tensor not listed in the PEFT config\'s modules_to_save' : 'full tensor, not a LoRA parameter (no PEFT modules_to_save applies)';
      for (const key of g.tensors.values()) result.unused.push({ key, reason });
      continue;
    }
    if (assumed) result.assumed++;
    if (head) result.taskHeads.push({ name: g.name, taskType: config.task_type! });
    const tensors = Object.fromEntries(g.tensors);
    const first = tensors.weight ?? [...g.tensors.values()][0]!;
    result.modules.push({
      name: g.name,
      dialect: 'peft',
      params: { kind: 'replace', tensors },
      keys: [...g.tensors.values()],
      rank: undefined,
      alpha: undefined,
      alphaSource: 'none',
      scale: 1,
      deltaShape: [...(source.get(first)?.shape ?? [])],
      fanInFanOut: false,
      embedding: false,
    });
  }
  return result;
}

function tallyNotes(t: { peftNoConfig: number; peftNoConfigAlpha: number; overridden: number; alphaZero: number }): string[] {
  const notes: string[] = [];
  if (t.peftNoConfig > 0) {
    notes.push(`${t.peftNoConfig} PEFT-style module(s) without a PEFT config (no adapter_config.json, no "${LORA_ADAPTER_METADATA_KEY}"): scale = stored .alpha / r for ${t.peftNoConfigAlpha}, 1 for the other ${t.peftNoConfig - t.peftNoConfigAlpha}.`);
  }
  if (t.overridden > 0) notes.push(`${t.overridden} module(s) carry an .alpha tensor that differs from the PEFT config; the config wins, as in PEFT.`);
  if (t.alphaZero > 0) notes.push(`${t.alphaZero} module(s) have alpha 0, so scale 0: they change nothing (as ComfyUI applies them).`);
  return notes;
}

function dialectsByCount(modules: readonly AdapterModule[]): AdapterDialect[] {
  const counts = new Map<AdapterDialect, number>();
  for (const m of modules) counts.set(m.dialect, (counts.get(m.dialect) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([d]) => d);
}
