/**
 * Text-encoder spellings (ComfyUI's model_lora_keys_clip): kohya "lora_te_/lora_te1_/lora_te2_" + the
 * flattened Hugging Face CLIP path, diffusers/PEFT "text_encoder(_2).…", the old attention-processor
 * "self_attn.to_q/to_out.0" for q_proj/out_proj, and ComfyUI's generic "text_encoders.clip_l.transformer.…".
 * OpenCLIP weights are spelled through their Hugging Face equivalents; its fused in_proj_weight becomes
 * three row slices (q, k, v), and its text_projection, stored [in, out], is a transposed target.
 */
import type { ClipName, ComponentPlan, TextEncoderRole } from '../components.js';
import { flat, isPatchableWeightKey, splitKey } from '../key-names.js';
import { moduleOf, type ModuleRegistry } from '../registry.js';
import type { ModuleTarget } from '../types.js';

const KOHYA_PREFIX: Readonly<Record<TextEncoderRole, string>> = { te: 'lora_te_', te1: 'lora_te1_', te2: 'lora_te2_' };
const DIFFUSERS_PREFIX: Readonly<Record<TextEncoderRole, string>> = { te: 'text_encoder.', te1: 'text_encoder.', te2: 'text_encoder_2.' };

const OLD_ATTENTION_NAMES: Readonly<Record<string, readonly string[]>> = {
  q_proj: ['to_q'],
  k_proj: ['to_k'],
  v_proj: ['to_v'],
  out_proj: ['to_out.0', 'to_out'],
};

interface TextEncoderContext {
  readonly roles: readonly TextEncoderRole[];
  readonly clip: ClipName;
  /** The base's only text encoder: the bare Hugging Face path is then unambiguous. */
  readonly sole: boolean;
}

function spellingsFor(hfPath: string, ctx: TextEncoderContext): Set<string> {
  const out = new Set<string>([`text_encoders.${ctx.clip}.transformer.${hfPath}`, `${ctx.clip}.transformer.${hfPath}`]);
  if (ctx.sole) {
    out.add(hfPath);
    out.add(`base_model.model.${hfPath}`);
  }
  const m = /^(.*\.self_attn)\.(q_proj|k_proj|v_proj|out_proj)$/.exec(hfPath);
  for (const role of ctx.roles) {
    out.add(KOHYA_PREFIX[role] + flat(hfPath));
    out.add(DIFFUSERS_PREFIX[role] + hfPath);
    if (role === 'te1') out.add(`te1.${hfPath}`);
    if (role === 'te2') out.add(`te2.${hfPath}`);
    if (role === 'te') out.add(`te.${hfPath}`);
    if (m) {
      for (const old of OLD_ATTENTION_NAMES[m[2]!] ?? []) {
        out.add(`${DIFFUSERS_PREFIX[role]}${m[1]!}.${old}`);
        out.add(`${DIFFUSERS_PREFIX[role]}${m[1]!}.processor.${old}`);
      }
    }
  }
  return out;
}

function addTextModule(reg: ModuleRegistry, hfPath: string, target: ModuleTarget, ctx: TextEncoderContext, role: TextEncoderRole, extra: Iterable<string>): void {
  const spellings = spellingsFor(hfPath, ctx);
  for (const s of extra) spellings.add(s);
  reg.add(
    moduleOf(role, `${role}.${hfPath}`, target, { kohya: KOHYA_PREFIX[role] + flat(hfPath), peft: DIFFUSERS_PREFIX[role] + hfPath }),
    spellings,
  );
}

type ClipHfPlan = Extract<ComponentPlan, { kind: 'clip-hf' }>;
type OpenClipPlan = Extract<ComponentPlan, { kind: 'openclip' }>;

export function addClipHfSpellings(reg: ModuleRegistry, keys: readonly string[], plan: ClipHfPlan, sole: boolean): void {
  const ctx: TextEncoderContext = { roles: [plan.role, ...plan.alsoRoles], clip: plan.clip, sole };
  const block = plan.role.toUpperCase();
  for (const key of keys) {
    if (!key.startsWith(plan.prefix)) continue;
    reg.claimed.add(key);
    if (!isPatchableWeightKey(key)) continue;
    const { module } = splitKey(key);
    addTextModule(reg, module.slice(plan.prefix.length), reg.target(key, block), ctx, plan.role, [module]);
  }
}

const OPENCLIP_LAYER: Readonly<Record<string, string>> = {
  ln_1: 'layer_norm1',
  ln_2: 'layer_norm2',
  'attn.out_proj': 'self_attn.out_proj',
  'mlp.c_fc': 'mlp.fc1',
  'mlp.c_proj': 'mlp.fc2',
};
const OPENCLIP_TOP: Readonly<Record<string, string>> = {
  'token_embedding.weight': 'text_model.embeddings.token_embedding',
  positional_embedding: 'text_model.embeddings.position_embedding',
  'ln_final.weight': 'text_model.final_layer_norm',
  text_projection: 'text_projection',
};

export function addOpenClipSpellings(reg: ModuleRegistry, keys: readonly string[], plan: OpenClipPlan, sole: boolean): void {
  const ctx: TextEncoderContext = { roles: [plan.role], clip: plan.clip, sole };
  const block = plan.role.toUpperCase();
  for (const key of keys) {
    if (!key.startsWith(plan.prefix)) continue;
    reg.claimed.add(key);
    if (!isPatchableWeightKey(key)) continue;
    const { module } = splitKey(key);
    const native = key.slice(plan.prefix.length);
    const fused = /^transformer\.resblocks\.(\d+)\.attn\.in_proj_weight$/.exec(native);
    if (fused) {
      const rows = reg.shapes.get(key)?.[0] ?? 0;
      const width = rows / 3;
      ['q_proj', 'k_proj', 'v_proj'].forEach((proj, i) => {
        const hfPath = `text_model.encoder.layers.${fused[1]!}.self_attn.${proj}`;
        addTextModule(reg, hfPath, reg.target(key, block, { slice: { start: i * width, length: width } }), ctx, plan.role, []);
      });
      reg.add(moduleOf(plan.role, `${plan.role}.text_model.encoder.layers.${fused[1]!}.self_attn.in_proj`, reg.target(key, block)), [module, key]);
      continue;
    }
    const layer = /^transformer\.resblocks\.(\d+)\.(.+)\.weight$/.exec(native);
    const layerPath = layer ? OPENCLIP_LAYER[layer[2]!] : undefined;
    const hfPath = layer && layerPath ? `text_model.encoder.layers.${layer[1]!}.${layerPath}` : OPENCLIP_TOP[native];
    if (hfPath === undefined) {
      reg.add(moduleOf(plan.role, `${plan.role}.${native}`, reg.target(key, block)), [module]);
      continue;
    }
    const transpose = native === 'text_projection';
    addTextModule(reg, hfPath, reg.target(key, block, { transpose }), ctx, plan.role, [module]);
  }
}

type T5Plan = Extract<ComponentPlan, { kind: 't5' }>;

/**
 * T5 (Flux's second encoder): kohya "lora_te2_" + the flattened T5EncoderModel path (ComfyUI also maps
 * OneTrainer's "lora_te3_"), diffusers' "text_encoder_2.", ComfyUI's "text_encoders.t5xxl.transformer.".
 */
export function addT5Spellings(reg: ModuleRegistry, keys: readonly string[], plan: T5Plan): void {
  const block = plan.role.toUpperCase();
  for (const key of keys) {
    if (!key.startsWith(plan.prefix)) continue;
    reg.claimed.add(key);
    if (!isPatchableWeightKey(key)) continue;
    const { module } = splitKey(key);
    const path = module.slice(plan.prefix.length);
    const spellings = [module, `lora_te2_${flat(path)}`, `lora_te3_${flat(path)}`, `text_encoder_2.${path}`, `text_encoders.t5xxl.transformer.${path}`, `te2.${path}`];
    reg.add(moduleOf(plan.role, `te2.${path}`, reg.target(key, block), { kohya: `lora_te2_${flat(path)}`, peft: `text_encoder_2.${path}` }), spellings);
  }
}
