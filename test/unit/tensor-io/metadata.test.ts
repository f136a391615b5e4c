import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../../shared/app-info.js';
import { buildOutputMetadata, MODELSPEC_ARCHITECTURES, MODELSPEC_IMPLEMENTATIONS, modelspecArchitecture } from '../../../main/engine/tensor-io/metadata.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { createSafetensorsWriter } from '../../../main/engine/tensor-io/safetensors-writer.js';
import { expectIOError, tempDir } from './helpers.js';

const date = new Date('2026-01-02T03:04:05.000Z');

describe('buildOutputMetadata', () => {
  it('keeps the base metadata, adds modelspec basics, the date and the recipe as JSON', () => {
    const recipe = { inputs: [{ file: 'style.safetensors', sha256: 'ab', strength: 0.8 }], method: 'bake' };
    const meta = buildOutputMetadata({
      inherited: { format: 'pt', 'modelspec.title': 'Base', ss_base_model_version: 'sdxl_base_v1-0' },
      modelspec: { architecture: MODELSPEC_ARCHITECTURES.sdxl_base, title: 'Merged', implementation: MODELSPEC_IMPLEMENTATIONS.sgm, resolution: '1024x1024' },
      recipe,
      date,
    });
    expect(meta).toEqual({
      format: 'pt',
      'modelspec.title': 'Merged',
      ss_base_model_version: 'sdxl_base_v1-0',
      'modelspec.sai_model_spec': '1.0.0',
      'modelspec.architecture': 'stable-diffusion-xl-v1-base',
      'modelspec.implementation': 'https://github.com/Stability-AI/generative-models',
      'modelspec.resolution': '1024x1024',
      'modelspec.date': '2026-01-02T03:04:05.000Z',
      'lora_studio.recipe': JSON.stringify(recipe),
      'lora_studio.version': APP_VERSION,
    });
    expect(Object.values(meta).every((v) => typeof v === 'string')).toBe(true);
    expect(JSON.parse(meta['lora_studio.recipe']!)).toEqual(recipe);
  });

  it('LoRA outputs get the "/lora" architecture suffix once', () => {
    expect(buildOutputMetadata({ modelspec: { architecture: 'flux-1-dev', title: 't', lora: true }, date })['modelspec.architecture']).toBe('flux-1-dev/lora');
    expect(modelspecArchitecture('stable-diffusion-v1/lora', true)).toBe('stable-diffusion-v1/lora');
    expect(modelspecArchitecture('stable-diffusion-v1', false)).toBe('stable-diffusion-v1');
  });

  it('drops inherited hashes of another file', () => {
    const meta = buildOutputMetadata({ inherited: { sshs_model_hash: 'x', sshs_legacy_hash: 'y', 'modelspec.hash_sha256': 'z', keep: 'k' } });
    expect(meta).toEqual({ keep: 'k' });
  });

  it('refuses metadata that would not fit, names the biggest value', async () => {
    await expectIOError(() => buildOutputMetadata({ inherited: { huge: 'x'.repeat(2000) }, maxBytes: 1000 }, 'out.safetensors'), 'metadata-too-large', ['out.safetensors', '"huge"', '1000-byte']);
    await expectIOError(() => buildOutputMetadata({ recipe: () => 1 }), 'bad-metadata', ['not JSON-serialisable']);
  });

  it('what it builds round-trips through the writer and the reader', async () => {
    const meta = buildOutputMetadata({ inherited: { 'naïve': 'ünïcode ✓' }, modelspec: { architecture: 'stable-diffusion-v1', title: 'x' }, recipe: { a: [1, 2] }, date });
    const out = path.join(tempDir('meta'), 'm.safetensors');
    const w = await createSafetensorsWriter(out, [], meta);
    await w.commit();
    const f = await SafetensorsFile.open(out);
    expect(f.metadata).toEqual(meta);
    await f.close();
  });
});
