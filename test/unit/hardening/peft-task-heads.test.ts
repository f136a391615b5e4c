/**
 * PEFT's automatic heads: for SEQ_CLS and TOKEN_CLS, PeftModelFor… adds "classifier" and "score" to
 * modules_to_save, for QUESTION_ANS "qa_outputs", whatever adapter_config.json says; save_pretrained writes
 * those heads as full tensors. They replace the base's head (reported as replaced), never "unused".
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAdapter, type LoadedAdapter } from '../../../main/engine/adapters/index.js';
import { rnd, tmpDir, write } from '../adapters/helpers.js';

const root = tmpDir('task-heads');
const real = path.resolve(__dirname, '../../../../shared/fixtures/real/distilbert-peft-seqcls');
const opened: LoadedAdapter[] = [];
afterAll(async () => {
  for (const a of opened) await a.source.close();
});
async function load(p: string): Promise<LoadedAdapter> {
  const a = await loadAdapter(p);
  opened.push(a);
  return a;
}

function adapterDir(name: string, taskType: string, head: string): string {
  const d = path.join(root, name);
  mkdirSync(d, { recursive: true });
  write(d, 'adapter_model.safetensors', [
    rnd('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight', [4, 8]),
    rnd('base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight', [8, 4]),
    rnd(`base_model.model.${head}.weight`, [3, 8]),
    rnd('base_model.model.model.norm.weight', [8]),
  ]);
  writeFileSync(path.join(d, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', task_type: taskType, r: 4, lora_alpha: 8, target_modules: ['q_proj'], modules_to_save: null }));
  return d;
}

describe('PEFT task heads saved without modules_to_save', () => {
  for (const [task, head] of [['SEQ_CLS', 'score'], ['SEQ_CLS', 'classifier'], ['TOKEN_CLS', 'classifier'], ['QUESTION_ANS', 'qa_outputs']] as const) {
    it(`${task}: "${head}" replaces the base's head and is reported as replaced`, async () => {
      const a = await load(adapterDir(`${task}-${head}`, task, head));
      const m = a.modules.find((x) => x.name === `base_model.model.${head}`);
      expect(m?.params.kind).toBe('replace');
      expect(a.unusedKeys.map((u) => u.key)).toEqual(['base_model.model.model.norm.weight']);
      expect(a.notes.join('\n')).toContain(`"${head}"`);
      expect(a.notes.join('\n')).toMatch(new RegExp(`${task}.*replace`));
    });
  }

  it('a CAUSAL_LM adapter gets no automatic head: a stray "score" stays unused', async () => {
    const a = await load(adapterDir('causal', 'CAUSAL_LM', 'score'));
    expect(a.modules.some((x) => x.name.endsWith('score'))).toBe(false);
    expect(a.unusedKeys.map((u) => u.key)).toContain('base_model.model.score.weight');
  });

  it('QUESTION_ANS does not take "score" (PEFT adds only qa_outputs)', async () => {
    const a = await load(adapterDir('qa-score', 'QUESTION_ANS', 'score'));
    expect(a.unusedKeys.map((u) => u.key)).toContain('base_model.model.score.weight');
  });

  it.skipIf(!existsSync(real))('the real DistilBERT SEQ_CLS adapter with modules_to_save: null still replaces its classifier', async () => {
    const d = path.join(root, 'real-distilbert');
    cpSync(real, d, { recursive: true });
    const config = JSON.parse(readFileSync(path.join(d, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(d, 'adapter_config.json'), JSON.stringify({ ...config, modules_to_save: null }));
    const a = await load(d);
    const replaced = a.modules.filter((m) => m.params.kind === 'replace').map((m) => m.name).sort();
    // "pre_classifier" ends with "classifier": PEFT's suffix rule saved it too, so it is replaced as well.
    expect(replaced).toEqual(['base_model.model.classifier', 'base_model.model.pre_classifier']);
    expect(a.unusedKeys).toEqual([]);
  });
});
