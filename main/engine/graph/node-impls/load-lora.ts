/**
 * Load LoRA: reads the adapter's header and config (any dialect, or a PEFT directory). The badge shows the
 * dialect, ranks, alphas and architecture; the node's report has the details (unused tensors included).
 */
import type { Report } from '../../../../shared/ipc/reports.js';
import { loadLora } from '../../../../shared/nodes/catalogue/load.js';
import { loadAdapter } from '../../adapters/load-adapter.js';
import { refuseNonFinite } from '../../adapters/non-finite.js';
import { summarizeAdapter, type ValueCount } from '../../adapters/summary.js';
import { FAMILY_TITLE } from '../../naming/components.js';
import { loraValueFromAdapter } from '../../values/from-adapter.js';
import { defineNodeImpl } from '../node-impl.js';

const list = (values: readonly ValueCount[]): string => values.map((v) => String(Number(v.value.toPrecision(6)))).join('/');

export const loadLoraImpl = defineNodeImpl(loadLora, async ({ node, params, run }) => {
  const adapter = await loadAdapter(params.path, { signal: run.signal });
  try {
    if (!params.allowNonFinite) await refuseNonFinite(adapter, run.signal);
    const lora = loraValueFromAdapter(adapter);
    const s = summarizeAdapter(adapter);
    for (const note of adapter.notes) run.log?.(`${node.title}: ${note}`);
    const arch = FAMILY_TITLE[lora.architecture.family];
    const ranks = s.ranks.length > 0 ? `rank ${list(s.ranks)}` : 'no rank';
    const alphas = s.alphas.length > 0 ? `alpha ${list(s.alphas)}` : 'no alpha (scale 1)';
    const summary = `${s.dialects.join('+')}, ${ranks}, ${alphas}, ${s.moduleCount} modules, ${arch}`;
    const report: Report = {
      nodeId: node.id,
      nodeType: node.type,
      title: node.title,
      createdAt: Date.now(),
      sections: [
        {
          kind: 'summary',
          title: lora.label,
          items: [
            { label: 'Dialect', value: s.dialects.join(', ') || 'unknown' },
            { label: 'Architecture', value: `${arch} (${lora.architecture.layout})` },
            { label: 'Modules', value: s.moduleCount },
            { label: 'Ranks', value: s.ranks.map((r) => `${r.value} ×${r.count}`).join(', ') || '—' },
            { label: 'Alphas', value: s.alphas.map((a) => `${a.value} ×${a.count}`).join(', ') || '—' },
            { label: 'Alpha missing', value: s.alphaMissing },
            { label: 'DoRA modules', value: s.dora.count },
            { label: 'Conv modules', value: s.layers.conv },
            { label: 'Unused tensors', value: s.unusedKeyCount },
          ],
        },
        ...(adapter.unusedKeys.length > 0
          ? [
              {
                kind: 'table' as const,
                title: 'Tensors that belong to no module',
                columns: [
                  { key: 'key', label: 'Tensor', type: 'text' as const },
                  { key: 'reason', label: 'Why', type: 'text' as const },
                ],
                rows: adapter.unusedKeys.map((u) => ({ key: u.key, reason: u.reason })),
              },
            ]
          : []),
      ],
    };
    return { outputs: { lora }, summary, report };
  } finally {
    await adapter.source.close();
  }
});
