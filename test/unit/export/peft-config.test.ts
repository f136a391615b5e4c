import { describe, expect, it } from 'vitest';
import { parsePeftConfig } from '../../../main/engine/adapters/peft-config.js';
import { peftAdapterConfig } from '../../../main/engine/export/lora-format/peft-config.js';
import { getPatternKey } from '../../../main/engine/adapters/peft-patterns.js';

const mod = (path: string, rank: number, scale: number) => ({ path, rank, scale });

describe('adapter_config.json for a PEFT export', () => {
  it('uses the most common rank and alpha, and patterns keyed by full paths for the others', () => {
    const modules = [mod('model.layers.0.self_attn.q_proj', 8, 2), mod('model.layers.1.self_attn.q_proj', 8, 2), mod('model.layers.10.self_attn.q_proj', 4, 2), mod('model.layers.1.mlp.up_proj', 8, 0.5)];
    const c = peftAdapterConfig(modules, [], 'llama', undefined);
    expect(c).toMatchObject({ peft_type: 'LORA', r: 8, lora_alpha: 16, use_rslora: false, use_dora: false, fan_in_fan_out: false, modules_to_save: null, task_type: null, base_model_name_or_path: null });
    expect(c.rank_pattern).toEqual({ 'model.layers.10.self_attn.q_proj': 4 });
    expect(c.alpha_pattern).toEqual({ 'model.layers.10.self_attn.q_proj': 8, 'model.layers.1.mlp.up_proj': 4 });
    expect(c.target_modules).toEqual(['model.layers.0.self_attn.q_proj', 'model.layers.1.mlp.up_proj', 'model.layers.1.self_attn.q_proj', 'model.layers.10.self_attn.q_proj']);
    // PEFT's own pattern lookup picks exactly the module each key was written for (layers.1 is not layers.10).
    const patterns = Object.keys(c.rank_pattern as Record<string, number>);
    expect(getPatternKey(patterns, 'model.layers.10.self_attn.q_proj', 'x')).toBe('model.layers.10.self_attn.q_proj');
    expect(getPatternKey(patterns, 'model.layers.0.self_attn.q_proj', 'x')).toBeUndefined();
  });

  it('reads back through our PEFT config parser with the same ranks and alphas', () => {
    const c = peftAdapterConfig([mod('a.q', 4, 1), mod('a.k', 2, 3)], [], 'llama', undefined);
    const parsed = parsePeftConfig(JSON.parse(JSON.stringify(c)), 'x');
    // A tie goes to the first module's values.
    expect([parsed.r, parsed.lora_alpha]).toEqual([4, 4]);
    expect(parsed.rank_pattern).toEqual({ 'a.k': 2 });
    expect(parsed.alpha_pattern).toEqual({ 'a.k': 6 });
  });

  it('keeps the source’s rsLoRA (alpha = scale·√r), fan_in_fan_out, modules_to_save, base model and task, and neutralises targeting fields', () => {
    const source = parsePeftConfig(
      { r: 16, lora_alpha: 32, use_rslora: true, fan_in_fan_out: true, modules_to_save: ['classifier'], base_model_name_or_path: 'gpt2', task_type: 'CAUSAL_LM', lora_dropout: 0.1, layers_to_transform: [0, 1], target_modules: ['c_attn'] },
      'x',
    );
    const c = peftAdapterConfig([mod('transformer.h.0.attn.c_attn', 16, 32 / 4)], ['classifier'], 'gpt2', source);
    expect(c).toMatchObject({ r: 16, lora_alpha: 32, use_rslora: true, fan_in_fan_out: true, modules_to_save: ['classifier'], base_model_name_or_path: 'gpt2', task_type: 'CAUSAL_LM', lora_dropout: 0.1, layers_to_transform: null });
  });

  it('sets fan_in_fan_out for GPT-2 without a source config (Conv1D weights are [in, out])', () => {
    expect(peftAdapterConfig([mod('transformer.h.0.attn.c_attn', 4, 1)], [], 'gpt2', undefined).fan_in_fan_out).toBe(true);
  });
});
