/** `--allow-nonfinite` (merge, combine, resize): Load LoRA's Allow NaN / Inf param on every loaded LoRA. */
import type { Command } from 'commander';
import { loadLora } from '../../shared/nodes/catalogue/load.js';
import { paramHelp } from './flag-help.js';
import type { GraphBuilder } from './graph-builder.js';

export interface NonfiniteFlags {
  allowNonfinite?: boolean;
}

export function addNonfiniteOption(command: Command): Command {
  return command.option('--allow-nonfinite', paramHelp(loadLora.params.allowNonFinite, 'accept LoRAs holding NaN / Inf values (refused by default: they write NaN/Inf weights)'));
}

export function setNonfinite(b: GraphBuilder, loadLoraNode: string, flags: NonfiniteFlags): void {
  if (flags.allowNonfinite) b.set(loadLoraNode, 'allowNonFinite', true, '--allow-nonfinite');
}
