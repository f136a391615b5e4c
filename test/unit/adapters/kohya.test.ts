import { afterAll, describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { computeModuleDelta, loadAdapter, readLoraFactors, type LoadedAdapter } from '../../../main/engine/adapters/index.js';
import { expectClose, matmul64, rnd, scalar, scaled, transpose64, tmpDir, tuckerEinsum, write } from './helpers.js';

const dir = tmpDir('kohya');
const opened: LoadedAdapter[] = [];
afterAll(async () => {
  for (const a of opened) await a.source.close();
});

async function load(file: string): Promise<LoadedAdapter> {
  const a = await loadAdapter(file);
  opened.push(a);
  return a;
}

const mod = (a: LoadedAdapter, name: string) => {
  const m = a.modules.find((x) => x.name === name);
  if (!m) throw new Error(`no module ${name}; have ${a.modules.map((x) => x.name).join(', ')}`);
  return m;
};

describe('kohya sd-scripts LoRA', () => {
  const unetDown = rnd('lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', [4, 8]);
  const unetUp = rnd('lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', [6, 4]);
  const te1Down = rnd('lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight', [2, 8]);
  const te1Up = rnd('lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight', [8, 2]);
  const teDown = rnd('lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight', [3, 5], 'F16');
  const teUp = rnd('lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight', [7, 3], 'F16');
  const te2Down = rnd('lora_te2_text_model_encoder_layers_1_self_attn_k_proj.lora_down.weight', [2, 4]);
  const te2Up = rnd('lora_te2_text_model_encoder_layers_1_self_attn_k_proj.lora_up.weight', [4, 2]);
  const midDown = rnd('lora_unet_mid_block_attentions_0_proj_out.lora_down.weight', [4, 6]);
  const midUp = rnd('lora_unet_mid_block_attentions_0_proj_out.lora_up.weight', [6, 4]);
  const file = write(dir, 'linear.safetensors', [
    unetDown, unetUp, scalar('lora_unet_down_blocks_0_attentions_0_proj_in.alpha', 2, 'F16'),
    te1Down, te1Up, scalar('lora_te1_text_model_encoder_layers_0_self_attn_q_proj.alpha', 4, 'BF16', [1]),
    teDown, teUp,
    te2Down, te2Up, scalar('lora_te2_text_model_encoder_layers_1_self_attn_k_proj.alpha', 3, 'F64'),
    midDown, midUp, scalar('lora_unet_mid_block_attentions_0_proj_out.alpha', 8, 'I32'),
    scalar('lora_unet_up_blocks_0_attentions_0_proj_in.alpha', 4),
    scalar('lora_unet_orphan.some_buffer', 1),
    scalar('junk', 1),
  ], { ss_network_dim: '4', ss_network_alpha: '2' });

  it('groups kohya keys into modules named as the file spells them, with rank, alpha and scale', async () => {
    const a = await load(file);
    expect(a.dialects).toEqual(['kohya']);
    expect(a.modules.map((m) => m.name)).toEqual([
      'lora_te1_text_model_encoder_layers_0_self_attn_q_proj',
      'lora_te2_text_model_encoder_layers_1_self_attn_k_proj',
      'lora_te_text_model_encoder_layers_0_mlp_fc1',
      'lora_unet_down_blocks_0_attentions_0_proj_in',
      'lora_unet_mid_block_attentions_0_proj_out',
    ]);
    const unet = mod(a, 'lora_unet_down_blocks_0_attentions_0_proj_in');
    expect(unet).toMatchObject({ dialect: 'kohya', rank: 4, alpha: 2, alphaSource: 'tensor', scale: 0.5, deltaShape: [6, 8], fanInFanOut: false, embedding: false });
    expect(unet.params).toEqual({ kind: 'lora', down: unetDown.name, up: unetUp.name });
    expect([...unet.keys].sort()).toEqual([unetDown.name, unetUp.name, 'lora_unet_down_blocks_0_attentions_0_proj_in.alpha'].sort());
    expect(mod(a, 'lora_te1_text_model_encoder_layers_0_self_attn_q_proj')).toMatchObject({ rank: 2, alpha: 4, scale: 2 });
    expect(mod(a, 'lora_te_text_model_encoder_layers_0_mlp_fc1')).toMatchObject({ rank: 3, alpha: undefined, alphaSource: 'none', scale: 1 });
    expect(mod(a, 'lora_te2_text_model_encoder_layers_1_self_attn_k_proj')).toMatchObject({ alpha: 3, scale: 1.5 });
    expect(mod(a, 'lora_unet_mid_block_attentions_0_proj_out')).toMatchObject({ alpha: 8, scale: 2 });
    expect(a.metadata).toEqual({ ss_network_dim: '4', ss_network_alpha: '2' });
  });

  it('reports every tensor that belongs to no module, with a reason', async () => {
    const a = await load(file);
    const reasons = Object.fromEntries(a.unusedKeys.map((u) => [u.key, u.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['junk', 'lora_unet_orphan.some_buffer', 'lora_unet_up_blocks_0_attentions_0_proj_in.alpha']);
    expect(reasons['lora_unet_up_blocks_0_attentions_0_proj_in.alpha']).toMatch(/no LoRA weights/);
    expect(reasons['lora_unet_orphan.some_buffer']).toMatch(/not a LoRA parameter/);
    expect(reasons.junk).toMatch(/no known suffix/);
  });

  it('computes scale·up·down for linear modules (fp32 and fp16 factors)', async () => {
    const a = await load(file);
    const unet = mod(a, 'lora_unet_down_blocks_0_attentions_0_proj_in');
    expectClose(await computeModuleDelta(a, unet, referenceMatMul), scaled(matmul64(unetUp.data, unetDown.data, 6, 4, 8), 0.5));
    const te = mod(a, 'lora_te_text_model_encoder_layers_0_mlp_fc1');
    const up16 = await a.source.readFloat32(teUp.name);
    const down16 = await a.source.readFloat32(teDown.name);
    expectClose(await computeModuleDelta(a, te, referenceMatMul), matmul64(up16, down16, 7, 3, 5));
    // fp16 rounding moved the factors: the reference from the unrounded values must not match exactly.
    expect(Array.from(up16)).not.toEqual(Array.from(teUp.data));
  });

  it('alpha 0 gives scale 0 (as ComfyUI applies it), with a note', async () => {
    const z = 'lora_unet_up_blocks_0_attentions_0_proj_out';
    const a = await load(write(dir, 'alpha0.safetensors', [rnd(`${z}.lora_down.weight`, [2, 4]), rnd(`${z}.lora_up.weight`, [4, 2]), scalar(`${z}.alpha`, 0)]));
    expect(a.modules[0]).toMatchObject({ alpha: 0, scale: 0 });
    expect(a.notes.join('\n')).toMatch(/1 module\(s\) have alpha 0/);
    expect(Array.from(await computeModuleDelta(a, a.modules[0]!, referenceMatMul)).every((v) => v === 0)).toBe(true);
  });

  describe('LoCon and Tucker', () => {
    const c3Down = rnd('lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight', [4, 3, 3, 3]);
    const c3Up = rnd('lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight', [5, 4, 1, 1]);
    const c1Down = rnd('lora_unet_down_blocks_1_resnets_0_conv_shortcut.lora_down.weight', [2, 3, 1, 1]);
    const c1Up = rnd('lora_unet_down_blocks_1_resnets_0_conv_shortcut.lora_up.weight', [4, 2, 1, 1]);
    const tDown = rnd('lora_unet_up_blocks_1_resnets_0_conv2.lora_down.weight', [3, 4, 1, 1]);
    const tMid = rnd('lora_unet_up_blocks_1_resnets_0_conv2.lora_mid.weight', [3, 3, 3, 3]);
    const tUp = rnd('lora_unet_up_blocks_1_resnets_0_conv2.lora_up.weight', [5, 3, 1, 1]);
    const nDown = rnd('lora_unet_up_blocks_2_resnets_0_conv1.lora_down.weight', [2, 4, 1, 1]);
    const nMid = rnd('lora_unet_up_blocks_2_resnets_0_conv1.lora_mid.weight', [3, 2, 3, 1]);
    const nUp = rnd('lora_unet_up_blocks_2_resnets_0_conv1.lora_up.weight', [5, 3, 1, 1]);
    const convFile = write(dir, 'locon.safetensors', [
      c3Down, c3Up, scalar('lora_unet_down_blocks_0_resnets_0_conv1.alpha', 2),
      c1Down, c1Up,
      tDown, tMid, tUp, scalar('lora_unet_up_blocks_1_resnets_0_conv2.alpha', 6),
      nDown, nMid, nUp,
    ]);

    it('flattens 3×3 and 1×1 conv factors to [out, in·kh·kw]', async () => {
      const a = await load(convFile);
      const c3 = mod(a, 'lora_unet_down_blocks_0_resnets_0_conv1');
      expect(c3).toMatchObject({ rank: 4, scale: 0.5, deltaShape: [5, 3, 3, 3] });
      const f = await readLoraFactors(a, c3);
      expect(f).toMatchObject({ rank: 4, out: 5, inFlat: 27 });
      expectClose(await computeModuleDelta(a, c3, referenceMatMul), scaled(matmul64(c3Up.data, c3Down.data, 5, 4, 27), 0.5));
      const c1 = mod(a, 'lora_unet_down_blocks_1_resnets_0_conv_shortcut');
      expect(c1).toMatchObject({ rank: 2, scale: 1, deltaShape: [4, 3, 1, 1] });
      expectClose(await computeModuleDelta(a, c1, referenceMatMul), matmul64(c1Up.data, c1Down.data, 4, 2, 3));
    });

    it('Tucker: up·mid·down equals the explicit einsum, and the folded factors reproduce it', async () => {
      const a = await load(convFile);
      const t = mod(a, 'lora_unet_up_blocks_1_resnets_0_conv2');
      expect(t).toMatchObject({ rank: 3, alpha: 6, scale: 2, deltaShape: [5, 4, 3, 3] });
      expect(t.params).toEqual({ kind: 'lora', down: tDown.name, up: tUp.name, mid: tMid.name });
      const expected = tuckerEinsum(tMid.data, 3, 3, 3, 3, tDown.data, 4, transpose64(tUp.data, 5, 3), 5);
      expectClose(await computeModuleDelta(a, t, referenceMatMul), scaled(expected, 2));
      const f = await readLoraFactors(a, t);
      expect(f).toMatchObject({ rank: 3, out: 5, inFlat: 36 });
      expectClose(matmul64(f.up, f.down, 5, 3, 36), expected);
    });

    it('Tucker with a non-square mid and a non-square kernel', async () => {
      const a = await load(convFile);
      const t = mod(a, 'lora_unet_up_blocks_2_resnets_0_conv1');
      // ComfyUI divides alpha by the rows of down; the folded factors have the up rank.
      expect(t).toMatchObject({ rank: 2, deltaShape: [5, 4, 3, 1] });
      const expected = tuckerEinsum(nMid.data, 3, 2, 3, 1, nDown.data, 4, transpose64(nUp.data, 5, 3), 5);
      expectClose(await computeModuleDelta(a, t, referenceMatMul), expected);
      expect((await readLoraFactors(a, t)).rank).toBe(3);
    });
  });
});
