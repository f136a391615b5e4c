import { useMemo, useState } from 'react';
import type { ReportSection } from '../../../shared/ipc/reports.js';
import { formatNumber } from '../format/format.js';
import { CoveragePlot } from './CoveragePlot.js';
import { GroupedBarPlot } from './GroupedBarPlot.js';
import { SpectrumPlot } from './SpectrumPlot.js';
import { SortableTable } from './SortableTable.js';
import { UnmatchedTable } from './UnmatchedTable.js';

/** Spectra: one module at a time (chosen from a list), every LoRA that has it drawn together. */
function SpectraView({ section }: { readonly section: Extract<ReportSection, { kind: 'spectra' }> }) {
  const modules = useMemo(() => [...new Set(section.series.map((s) => s.module))], [section]);
  const [module, setModule] = useState<string>('__all__');
  const chosen = module === '__all__' ? section.series : section.series.filter((s) => s.module === module);
  const multipleSources = new Set(section.series.map((s) => s.source)).size > 1;
  return (
    <>
      <div className="plot-controls">
        <label htmlFor={`spectra-${section.title}`}>Module</label>
        <select id={`spectra-${section.title}`} value={module} onChange={(e) => setModule(e.target.value)}>
          <option value="__all__">All ({modules.length})</option>
          {modules.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </div>
      <SpectrumPlot
        title={section.title}
        series={chosen.map((s) => ({
          label: `${multipleSources || module !== '__all__' ? `${s.source} · ` : ''}${module === '__all__' ? s.module : s.block ?? s.module}`,
          values: s.values,
          ...(s.keptRank !== undefined ? { keptRank: s.keptRank } : {}),
        }))}
      />
    </>
  );
}

export function ReportSectionView({ section }: { readonly section: ReportSection }) {
  switch (section.kind) {
    case 'summary':
      return (
        <dl className="kv">
          {section.items.map((it) => (
            <div key={it.label} style={{ display: 'contents' }}>
              <dt>{it.label}</dt>
              <dd>
                {typeof it.value === 'number' ? formatNumber(it.value, 4) : it.value}
                {it.unit ? ` ${it.unit}` : ''}
              </dd>
            </div>
          ))}
        </dl>
      );
    case 'table':
      return <SortableTable title={section.title} columns={section.columns} rows={section.rows} />;
    case 'spectra':
      return <SpectraView section={section} />;
    case 'block-norms':
      return <GroupedBarPlot title={section.title} categories={section.blocks} series={section.series.map((s) => ({ label: s.source, values: s.values }))} yLabel="‖ΔW‖_F" />;
    case 'mapping':
      return (
        <>
          <CoveragePlot title={section.title} entries={section.entries.map((e) => ({ source: e.source, perBlock: e.perBlock, unmatched: e.unmatched.length }))} />
          {section.entries.map((e) => (
            <details key={e.source} open={e.unmatched.length > 0 && e.unmatched.length <= 20}>
              <summary>
                {e.source}: {e.matched} matched, {e.unmatched.length} unmatched ({e.architecture})
              </summary>
              {e.unmatched.length > 0 && (
                <UnmatchedTable unmatched={e.unmatched} />
              )}
            </details>
          ))}
        </>
      );
    case 'sign-conflicts': {
      const top = [...section.modules].sort((a, b) => b.fraction - a.fraction).slice(0, 40);
      return (
        <>
          <p>
            Overall {formatNumber(section.overall * 100)}% of compared entries disagree in sign between {section.sources.join(', ')}.
          </p>
          <GroupedBarPlot title={section.title} categories={top.map((m) => m.block ?? m.module)} series={[{ label: 'conflicting fraction', values: top.map((m) => m.fraction) }]} yLabel="fraction" />
        </>
      );
    }
    case 'probe':
      return (
        <>
          <p className="mono">
            {section.layer} ({section.baseKey}), [{section.shape.join(' × ')}], batch {section.batch}, seed {section.seed}, strength {section.strength}
          </p>
          <table className="data">
            <thead>
              <tr>
                <th>Compared</th>
                <th>max |Δ|</th>
                <th>relative L2</th>
              </tr>
            </thead>
            <tbody>
              {section.comparisons.map((c) => (
                <tr key={`${c.a}-${c.b}`}>
                  <td>
                    {c.a} vs {c.b}
                  </td>
                  <td className="num">{formatNumber(c.maxAbsDiff)}</td>
                  <td className="num">{formatNumber(c.relativeL2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      );
    case 'notes':
      return (
        <ul>
          {section.lines.map((l, i) => (
            <li key={i} className={l.level === 'warning' ? 'error' : undefined}>
              {l.text}
            </li>
          ))}
        </ul>
      );
  }
}
