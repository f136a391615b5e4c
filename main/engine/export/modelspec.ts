/** The ModelSpec (`modelspec.*`) basics for an output, from the architecture naming detected. */
import type { ArchitectureGuess } from '../naming/types.js';
import { MODELSPEC_ARCHITECTURES, MODELSPEC_IMPLEMENTATIONS, type ModelSpecInput } from '../tensor-io/metadata.js';

const BY_FAMILY: Partial<Record<ArchitectureGuess['family'], string>> = {
  sd1: MODELSPEC_ARCHITECTURES.sd1,
  sd2: MODELSPEC_ARCHITECTURES.sd2_512,
  sdxl: MODELSPEC_ARCHITECTURES.sdxl_base,
  'sdxl-refiner': MODELSPEC_ARCHITECTURES.sdxl_refiner,
  sd3: MODELSPEC_ARCHITECTURES.sd3_medium,
  flux: MODELSPEC_ARCHITECTURES.flux_dev,
};

function implementation(arch: ArchitectureGuess): string | undefined {
  switch (arch.layout) {
    case 'ldm':
    case 'sgm':
      return MODELSPEC_IMPLEMENTATIONS.sgm;
    case 'diffusers':
      return MODELSPEC_IMPLEMENTATIONS.diffusers;
    case 'bfl':
      return MODELSPEC_IMPLEMENTATIONS.flux;
    case 'hf':
      return MODELSPEC_IMPLEMENTATIONS.transformers;
    default:
      return undefined;
  }
}

/** undefined for families ModelSpec has no id for (LLMs): their outputs carry only our recipe. */
export function modelspecFor(arch: ArchitectureGuess, title: string, lora: boolean): ModelSpecInput | undefined {
  const architecture = BY_FAMILY[arch.family];
  if (!architecture) return undefined;
  const impl = implementation(arch);
  return { architecture, title, lora, ...(impl ? { implementation: impl } : {}) };
}
