/** Load Model: opens a checkpoint read-only (headers only); the file handle lives as long as the cached result. */
import { loadModel } from '../../../../shared/nodes/catalogue/load.js';
import { FAMILY_TITLE } from '../../naming/components.js';
import { modelFromBase, openBaseModel } from '../../ops/load.js';
import { formatByteSize } from '../../tensor-io/byte-size.js';
import { defineNodeImpl } from '../node-impl.js';

export const loadModelImpl = defineNodeImpl(loadModel, async ({ params }) => {
  const base = await openBaseModel(params.path);
  const arch = base.keyMap.architecture;
  const bytes = base.source.entries.reduce((s, e) => s + e.byteLength, 0);
  return {
    outputs: { model: modelFromBase(base) },
    summary: `${FAMILY_TITLE[arch.family]} (${arch.layout}), ${base.source.entries.length} tensors, ${formatByteSize(bytes)}`,
    dispose: () => base.source.close(),
  };
});
