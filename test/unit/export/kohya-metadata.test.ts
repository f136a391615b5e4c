import { describe, expect, it } from 'vitest';
import { kohyaMetadata, pythonFloat } from '../../../main/engine/export/lora-format/kohya-metadata.js';

const lin = (rank: number, alpha: number) => ({ rank, alpha, conv3x3: false });
const conv = (rank: number, alpha: number) => ({ rank, alpha, conv3x3: true });

describe('kohya ss_* metadata', () => {
  it('writes alpha as Python str(float) does', () => {
    expect([pythonFloat(8), pythonFloat(0.5), pythonFloat(-1), pythonFloat(1.25)]).toEqual(['8.0', '0.5', '-1.0', '1.25']);
  });

  it('gives the shared rank and alpha, and sd-scripts’ base model version strings', () => {
    expect(kohyaMetadata('sdxl', [lin(32, 16), lin(32, 16)])).toEqual({
      ss_network_module: 'networks.lora',
      ss_network_dim: '32',
      ss_network_alpha: '16.0',
      ss_base_model_version: 'sdxl_base_v1-0',
    });
    expect(kohyaMetadata('sd1', [lin(4, 4)])).toMatchObject({ ss_base_model_version: 'sd_v1', ss_v2: 'False' });
    expect(kohyaMetadata('sd2', [lin(4, 4)])).toMatchObject({ ss_base_model_version: 'sd_v2', ss_v2: 'True' });
    expect(kohyaMetadata('flux', [lin(4, 4)])).toMatchObject({ ss_base_model_version: 'flux1' });
    expect(kohyaMetadata('llama', [lin(4, 4)]).ss_base_model_version).toBeUndefined();
  });

  it('puts a separate 3×3 conv rank in ss_network_args (conv_dim / conv_alpha), as LoCon training does', () => {
    expect(kohyaMetadata('sd1', [lin(16, 8), conv(4, 1), lin(16, 8)])).toMatchObject({
      ss_network_dim: '16',
      ss_network_alpha: '8.0',
      ss_network_args: JSON.stringify({ conv_dim: '4', conv_alpha: '1.0' }),
    });
  });

  it('says Dynamic when linear modules differ, as resize_lora.py does for dynamic ranks', () => {
    expect(kohyaMetadata('sd1', [lin(16, 8), lin(12, 6)])).toMatchObject({ ss_network_dim: 'Dynamic', ss_network_alpha: 'Dynamic' });
    expect(kohyaMetadata('sd1', [lin(16, 8), lin(16, 4)])).toMatchObject({ ss_network_dim: 'Dynamic' });
  });
});
