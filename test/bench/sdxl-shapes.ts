/**
 * The linear LoRA modules of an SDXL UNet as kohya trains them (attention and feed-forward of every
 * transformer block, plus proj_in/proj_out): 722 modules, as (out, in) shapes with their counts.
 */
export interface ModuleShape {
  out: number;
  in: number;
  count: number;
  label: string;
}

function transformerBlock(d: number, blocks: number): ModuleShape[] {
  return [
    { out: d, in: d, count: 6 * blocks, label: `attn q/k/v/out, attn2 q/out (${d})` },
    { out: d, in: 2048, count: 2 * blocks, label: `attn2 k/v (${d}←2048)` },
    { out: 8 * d, in: d, count: blocks, label: `ff.net.0.proj (${8 * d}←${d})` },
    { out: d, in: 4 * d, count: blocks, label: `ff.net.2 (${d}←${4 * d})` },
  ];
}

/** 10 transformer blocks at 640 (5 transformers), 60 at 1280 (6 transformers). */
export const SDXL_UNET_LORA_MODULES: ModuleShape[] = [
  ...transformerBlock(640, 10),
  { out: 640, in: 640, count: 10, label: 'proj_in/proj_out (640)' },
  ...transformerBlock(1280, 60),
  { out: 1280, in: 1280, count: 12, label: 'proj_in/proj_out (1280)' },
];

export const SDXL_MODULE_COUNT = SDXL_UNET_LORA_MODULES.reduce((s, m) => s + m.count, 0);
