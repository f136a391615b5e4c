/**
 * The minimal kohya sd-scripts metadata of a LoRA file (what train_network.py / resize_lora.py /
 * extract_lora_from_models.py write and what A1111, ComfyUI and additional-networks read):
 *   ss_network_module "networks.lora", ss_network_dim / ss_network_alpha (the rank and alpha when every
 *   module shares them, else "Dynamic" as resize_lora.py writes for dynamic ranks), ss_network_args with
 *   conv_dim / conv_alpha when the 3×3 conv modules have their own rank and alpha, ss_base_model_version
 *   ("sd_v1", "sd_v2", "sdxl_base_v1-0", "flux1": sd-scripts' strings) and ss_v2 for SD 1/2.
 * sshs_model_hash / sshs_legacy_hash are filled in after streaming (save-lora.ts).
 */
import type { ArchitectureFamily } from '../../naming/types.js';

const BASE_MODEL_VERSION: Partial<Record<ArchitectureFamily, string>> = {
  sd1: 'sd_v1',
  sd2: 'sd_v2',
  sdxl: 'sdxl_base_v1-0',
  flux: 'flux1',
};

export interface WrittenModuleShape {
  readonly rank: number;
  readonly alpha: number;
  /** A conv module with a kernel larger than 1×1 (kohya's conv_dim applies to these). */
  readonly conv3x3: boolean;
}

/** Python's str(float(x)), which is how sd-scripts writes ss_network_alpha ("8.0", "0.5"). */
export function pythonFloat(x: number): string {
  return Number.isInteger(x) && Math.abs(x) < 1e16 ? `${x}.0` : String(x);
}

function uniform(modules: readonly WrittenModuleShape[]): { rank: number; alpha: number } | undefined {
  if (modules.length === 0) return undefined;
  const { rank, alpha } = modules[0]!;
  return modules.every((m) => m.rank === rank && m.alpha === alpha) ? { rank, alpha } : undefined;
}

export function kohyaMetadata(family: ArchitectureFamily, modules: readonly WrittenModuleShape[]): Record<string, string> {
  const meta: Record<string, string> = { ss_network_module: 'networks.lora' };
  const linear = uniform(modules.filter((m) => !m.conv3x3));
  const conv = uniform(modules.filter((m) => m.conv3x3));
  const all = uniform(modules);
  const hasConv = modules.some((m) => m.conv3x3);
  const hasLinear = modules.some((m) => !m.conv3x3);
  if (all) {
    meta.ss_network_dim = String(all.rank);
    meta.ss_network_alpha = pythonFloat(all.alpha);
    if (hasConv) meta.ss_network_args = JSON.stringify({ conv_dim: String(all.rank), conv_alpha: pythonFloat(all.alpha) });
  } else if ((linear || !hasLinear) && (conv || !hasConv)) {
    const main = linear ?? conv!;
    meta.ss_network_dim = String(main.rank);
    meta.ss_network_alpha = pythonFloat(main.alpha);
    if (conv) meta.ss_network_args = JSON.stringify({ conv_dim: String(conv.rank), conv_alpha: pythonFloat(conv.alpha) });
  } else {
    meta.ss_network_dim = 'Dynamic';
    meta.ss_network_alpha = 'Dynamic';
  }
  const version = BASE_MODEL_VERSION[family];
  if (version !== undefined) meta.ss_base_model_version = version;
  if (family === 'sd1' || family === 'sd2') meta.ss_v2 = family === 'sd2' ? 'True' : 'False';
  return meta;
}
