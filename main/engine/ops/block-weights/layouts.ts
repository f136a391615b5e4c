import { EngineError } from '../../errors.js';
import type { ArchitectureFamily } from '../../naming/types.js';

/**
 * The vector layouts of hako-mikan's LoRA Block Weight (scripts/lora_block_weight.py: BLOCKID17, BLOCKID26,
 * BLOCKID12, BLOCKID20, BLOCKIDFLUX). Slot names are LBW's, except that LBW's "M00" is written "MID" like
 * our block label. A short layout (17, 12) names the blocks a plain LoRA has modules in (the ones with
 * attention); the full one (26, 20) every block, for LoCon / LyCORIS.
 */
export type BlockWeightScheme = 'sd' | 'sdxl' | 'flux' | 'llm';

const pad2 = (i: number): string => String(i).padStart(2, '0');
const blocks = (prefix: string, indices: readonly number[]): string[] => indices.map((i) => `${prefix}${pad2(i)}`);
const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

const SD_17 = ['BASE', ...blocks('IN', [1, 2, 4, 5, 7, 8]), 'MID', ...blocks('OUT', [3, 4, 5, 6, 7, 8, 9, 10, 11])];
const SD_26 = ['BASE', ...blocks('IN', upTo(12)), 'MID', ...blocks('OUT', upTo(12))];
const SDXL_12 = ['BASE', ...blocks('IN', [4, 5, 7, 8]), 'MID', ...blocks('OUT', upTo(6))];
const SDXL_20 = ['BASE', ...blocks('IN', upTo(9)), 'MID', ...blocks('OUT', upTo(9))];
const FLUX_61 = ['CLIP', 'T5', 'IN', ...blocks('D', upTo(19)), ...blocks('S', upTo(38)), 'OUT'];

/** Valid vector layouts per scheme, the full (every slot) one last. LLMs take one value per layer instead. */
export const FIXED_LAYOUTS: Readonly<Record<Exclude<BlockWeightScheme, 'llm'>, readonly (readonly string[])[]>> = {
  sd: [SD_17, SD_26],
  sdxl: [SDXL_12, SDXL_20],
  flux: [FLUX_61],
};

const SCHEME_OF: Partial<Record<ArchitectureFamily, BlockWeightScheme>> = {
  sd1: 'sd',
  sd2: 'sd',
  sdxl: 'sdxl',
  flux: 'flux',
  llama: 'llm',
  mistral: 'llm',
  qwen2: 'llm',
  gpt2: 'llm',
  bert: 'llm',
  distilbert: 'llm',
};

export function schemeOf(family: ArchitectureFamily): BlockWeightScheme {
  const scheme = SCHEME_OF[family];
  if (scheme === undefined) {
    const supported = Object.keys(SCHEME_OF).join(', ');
    throw new EngineError('block-weights-unsupported', `Block weights are not defined for ${family} models (supported: ${supported}).`, {
      hint: 'LoRA Block Weight has layouts for SD 1.x/2.x, SDXL and Flux; LLMs take one value per layer.',
    });
  }
  return scheme;
}

/** "17 values: BASE,IN01,…" lines for error messages and help. */
export function describeLayouts(scheme: BlockWeightScheme): string {
  if (scheme === 'llm') return 'one value per layer: L00,L01,… (as many as the model has layers, or fewer)';
  return FIXED_LAYOUTS[scheme].map((slots) => `${slots.length} values: ${slots.join(',')}`).join('\n');
}
