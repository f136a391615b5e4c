/** Inspect with only a model connected: its architecture, size, dtypes and tensors per block. */
import type { ReportSection } from '../../../../shared/ipc/reports.js';
import { compareBlocks } from '../../naming/blocks.js';
import { FAMILY_TITLE } from '../../naming/components.js';
import { elementCount } from '../../tensor-io/dtypes.js';
import type { ModelValue } from '../../values/model-value.js';
import { tensorBlocks } from '../select/tensor-blocks.js';

export function modelSections(model: ModelValue): ReportSection[] {
  const { source, keyMap } = model.base;
  const arch = keyMap.architecture;
  const dtypes = new Map<string, { tensors: number; bytes: number }>();
  let params = 0;
  for (const e of source.entries) {
    const d = dtypes.get(e.dtype) ?? { tensors: 0, bytes: 0 };
    d.tensors++;
    d.bytes += e.byteLength;
    dtypes.set(e.dtype, d);
    params += elementCount(e.shape);
  }
  const blocks = tensorBlocks(keyMap, source.entries);
  const perBlock = new Map<string, { tensors: number; params: number }>();
  for (const e of source.entries) {
    const b = blocks.get(e.name) ?? 'OTHER';
    const p = perBlock.get(b) ?? { tensors: 0, params: 0 };
    p.tensors++;
    p.params += elementCount(e.shape);
    perBlock.set(b, p);
  }
  return [
    {
      kind: 'summary',
      title: model.label,
      items: [
        { label: 'Architecture', value: `${FAMILY_TITLE[arch.family]} (${arch.layout})` },
        { label: 'Components', value: arch.components.join(', ') || '—' },
        { label: 'Tensors', value: source.entries.length },
        { label: 'Parameters', value: params },
        { label: 'Patching steps', value: model.steps.length },
        ...[...dtypes.entries()].map(([dtype, d]) => ({ label: `${dtype} tensors`, value: d.tensors })),
      ],
    },
    {
      kind: 'table',
      title: 'Tensors per block',
      columns: [
        { key: 'block', label: 'Block', type: 'text' },
        { key: 'tensors', label: 'Tensors', type: 'integer' },
        { key: 'parameters', label: 'Parameters', type: 'integer' },
      ],
      rows: [...perBlock.entries()].sort((a, b) => compareBlocks(a[0], b[0])).map(([block, p]) => ({ block, tensors: p.tensors, parameters: p.params })),
    },
  ];
}
