/**
 * The ComfyUI node types the import understands, and how their LoRAs and file names are read from either
 * format. UI-format widgets are positional: WIDGET_NAMES gives each type's widget order (its INPUT_TYPES
 * order), so both formats are read by name afterwards.
 *
 * Stackers supported (their widgets are plain values): rgthree "Power Lora Loader (rgthree)" (slots
 * `{ on, lora, strength, strengthTwo }`), pysssss "LoraLoader|pysssss" (LoraLoader's widgets), Comfyroll
 * "CR LoRA Stack" (three `switch / lora_name / model_weight / clip_weight` slots, chained through
 * `lora_stack`, the incoming stack first) applied by "CR Apply LoRA Stack".
 */
import type { ComfyGraph, ComfyLink, ComfyNode } from './workflow-graph.js';

/** ComfyUI's model folders the import resolves names against (`unet` is the older name of `diffusion_models`). */
export type ModelFolder = 'checkpoints' | 'loras' | 'diffusion_models';

export const MODEL_LOADERS: Readonly<Record<string, { folder: ModelFolder; name: string }>> = {
  CheckpointLoaderSimple: { folder: 'checkpoints', name: 'ckpt_name' },
  CheckpointLoader: { folder: 'checkpoints', name: 'ckpt_name' },
  'CheckpointLoader|pysssss': { folder: 'checkpoints', name: 'ckpt_name' },
  UNETLoader: { folder: 'diffusion_models', name: 'unet_name' },
};

/** Nodes that take a MODEL (input "model", output slot 0) and apply LoRAs to it. */
export const LORA_APPLIERS = new Set(['LoraLoader', 'LoraLoaderModelOnly', 'LoraLoader|pysssss', 'Power Lora Loader (rgthree)', 'CR Apply LoRA Stack']);
/** Nodes that only build a LORA_STACK. */
export const LORA_STACKS = new Set(['CR LoRA Stack']);
/** Nodes that pass what they get through unchanged. */
export const REROUTES = new Set(['Reroute', 'Reroute (rgthree)']);

const CR_STACK_SLOTS = [1, 2, 3];

const WIDGET_NAMES: Readonly<Record<string, readonly string[]>> = {
  CheckpointLoaderSimple: ['ckpt_name'],
  'CheckpointLoader|pysssss': ['ckpt_name'],
  CheckpointLoader: ['config_name', 'ckpt_name'],
  UNETLoader: ['unet_name', 'weight_dtype'],
  LoraLoader: ['lora_name', 'strength_model', 'strength_clip'],
  'LoraLoader|pysssss': ['lora_name', 'strength_model', 'strength_clip'],
  LoraLoaderModelOnly: ['lora_name', 'strength_model'],
  'CR LoRA Stack': CR_STACK_SLOTS.flatMap((i) => [`switch_${i}`, `lora_name_${i}`, `model_weight_${i}`, `clip_weight_${i}`]),
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A node's widget values by name, whichever format it came from. */
export function namedValues(node: ComfyNode): Readonly<Record<string, unknown>> {
  if (!Array.isArray(node.widgets)) return node.widgets as Readonly<Record<string, unknown>>;
  const values = node.widgets as readonly unknown[];
  if (node.type === 'Power Lora Loader (rgthree)') {
    // Its widgets_values hold a header object, one { on, lora, strength, strengthTwo } per slot, then the button.
    const slots = values.filter((v) => isObject(v) && 'lora' in v);
    return Object.fromEntries(slots.map((v, i) => [`lora_${i + 1}`, v]));
  }
  const names = WIDGET_NAMES[node.type] ?? [];
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

/** A file name as ComfyUI lists it ("sub/x.safetensors"); pysssss stores `{ content: name, image }` objects. */
export function fileName(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' || value === 'None' ? undefined : value.trim();
  if (isObject(value) && typeof value.content === 'string') return fileName(value.content);
  return undefined;
}

export interface LoraEntry {
  readonly name: string;
  readonly strengthModel: number;
  readonly strengthClip: number;
  /** The ComfyUI node the entry was read from (the stack node for stacks). */
  readonly node: string;
}

export interface LoraReading {
  readonly entries: readonly LoraEntry[];
  /** Slots that are switched off, and values that could not be read: the report lists them. */
  readonly skipped: readonly { readonly node: string; readonly what: string }[];
}

/**
 * A value, following a link to a primitive node (API format: a widget turned into an input keeps its
 * value in the source node; UI format keeps it in widgets_values too).
 */
function numberValue(graph: ComfyGraph, node: ComfyNode, name: string, fallback: number, skipped: { node: string; what: string }[]): number {
  const values = namedValues(node);
  const v = values[name];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  const link = node.links[name];
  if (link) {
    const source = graph.byId.get(link.node);
    const candidates = source ? Object.values(namedValues(source)).filter((x): x is number => typeof x === 'number' && Number.isFinite(x)) : [];
    if (candidates.length === 1) return candidates[0] as number;
  }
  skipped.push({ node: node.id, what: `${name} could not be read; ${fallback} was used` });
  return fallback;
}

function stackEntries(graph: ComfyGraph, link: ComfyLink | undefined, skipped: { node: string; what: string }[], depth = 0): LoraEntry[] {
  if (!link || depth > 64) return [];
  const node = graph.byId.get(link.node);
  if (!node) return [];
  if (REROUTES.has(node.type)) return stackEntries(graph, Object.values(node.links)[0], skipped, depth + 1);
  if (!LORA_STACKS.has(node.type)) {
    skipped.push({ node: node.id, what: `the LoRA stack comes from ${node.type}, which the import does not read` });
    return [];
  }
  const before = stackEntries(graph, node.links.lora_stack, skipped, depth + 1);
  if (node.mode !== 'active') {
    skipped.push({ node: node.id, what: `${node.type} is ${node.mode}: its LoRAs are left out` });
    return before;
  }
  const values = namedValues(node);
  const own: LoraEntry[] = [];
  for (const i of CR_STACK_SLOTS) {
    const name = fileName(values[`lora_name_${i}`]);
    if (name === undefined) continue;
    if (values[`switch_${i}`] !== 'On') {
      skipped.push({ node: node.id, what: `slot ${i} (${name}) is switched off` });
      continue;
    }
    own.push({ name, strengthModel: numberValue(graph, node, `model_weight_${i}`, 1, skipped), strengthClip: numberValue(graph, node, `clip_weight_${i}`, 1, skipped), node: node.id });
  }
  return [...before, ...own];
}

/** The LoRAs an applier node applies, in order. */
export function readLoras(graph: ComfyGraph, node: ComfyNode): LoraReading {
  const skipped: { node: string; what: string }[] = [];
  const values = namedValues(node);
  switch (node.type) {
    case 'LoraLoader':
    case 'LoraLoader|pysssss':
    case 'LoraLoaderModelOnly': {
      const name = fileName(values.lora_name);
      if (name === undefined) return { entries: [], skipped: [{ node: node.id, what: 'no LoRA file is chosen' }] };
      const strengthModel = numberValue(graph, node, 'strength_model', 1, skipped);
      const strengthClip = node.type === 'LoraLoaderModelOnly' ? 0 : numberValue(graph, node, 'strength_clip', 1, skipped);
      return { entries: [{ name, strengthModel, strengthClip, node: node.id }], skipped };
    }
    case 'Power Lora Loader (rgthree)': {
      const entries: LoraEntry[] = [];
      const slots = Object.entries(values)
        .filter(([k, v]) => /^lora_\d+$/i.test(k) && isObject(v))
        .sort(([a], [b]) => Number(a.slice(5)) - Number(b.slice(5)));
      for (const [, slot] of slots as [string, Record<string, unknown>][]) {
        const name = fileName(slot.lora);
        if (name === undefined) continue;
        if (slot.on === false) {
          skipped.push({ node: node.id, what: `${name} is switched off` });
          continue;
        }
        const strength = typeof slot.strength === 'number' ? slot.strength : 1;
        const clip = typeof slot.strengthTwo === 'number' ? slot.strengthTwo : strength;
        entries.push({ name, strengthModel: strength, strengthClip: clip, node: node.id });
      }
      return { entries, skipped };
    }
    case 'CR Apply LoRA Stack':
      return { entries: stackEntries(graph, node.links.lora_stack, skipped), skipped };
    default:
      return { entries: [], skipped };
  }
}

/** The checkpoint / diffusion model file a loader node loads. */
export function loaderFile(node: ComfyNode): { folder: ModelFolder; name: string | undefined } | undefined {
  const loader = MODEL_LOADERS[node.type];
  if (!loader) return undefined;
  return { folder: loader.folder, name: fileName(namedValues(node)[loader.name]) };
}
