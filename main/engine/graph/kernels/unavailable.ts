/**
 * A kernel for a node type whose engine operation is not in this build yet: the node validates and shows in
 * the library, and running it stops with a clear message instead of a missing-kernel crash.
 */
import type { AnyNodeDefinition } from '../../../../shared/nodes/definition.js';
import { EngineError } from '../../errors.js';
import { defineKernel, type Kernel } from '../kernel.js';

export function unavailableKernel(definition: AnyNodeDefinition): Kernel {
  return defineKernel(definition, async ({ node }) => {
    throw new EngineError('not-available', `${node.title}: ${definition.title} is not available in this build of LoRA Studio yet.`, {
      node: node.id,
      hint: 'Update LoRA Studio; meanwhile use the lora-studio CLI command for this operation if it has one.',
    });
  });
}
