import { useState } from 'react';
import type { InspectionResult } from '../../../../shared/ipc/inspection.js';
import { baseName, formatBytes, formatCompact, formatCount } from '../../format/format.js';
import { CoveragePlot } from '../../plots/CoveragePlot.js';
import { GroupedBarPlot } from '../../plots/GroupedBarPlot.js';
import { UnmatchedTable } from '../../plots/UnmatchedTable.js';

function Kv({ items }: { readonly items: readonly [string, string | number | undefined | null][] }) {
  return (
    <dl className="kv">
      {items
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

/** Long values (recipes, configs) fold away; JSON is shown indented. */
function MetadataValue({ value }: { readonly value: string }) {
  if (value.length <= 160) return <>{value}</>;
  let shown = value;
  try {
    shown = JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    // Not JSON: shown as stored.
  }
  return (
    <details>
      <summary>{value.slice(0, 120)}…</summary>
      <pre className="mono" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
        {shown}
      </pre>
    </details>
  );
}

function MetadataTable({ metadata }: { readonly metadata: Readonly<Record<string, string>> }) {
  const [filter, setFilter] = useState('');
  const entries = Object.entries(metadata).filter(([k, v]) => filter === '' || k.toLowerCase().includes(filter.toLowerCase()) || v.toLowerCase().includes(filter.toLowerCase()));
  const total = Object.keys(metadata).length;
  if (total === 0) return <p className="muted">No metadata in the file.</p>;
  return (
    <>
      <input type="search" aria-label="Filter metadata" placeholder={`Filter ${total} entries…`} value={filter} onChange={(e) => setFilter(e.target.value)} style={{ width: '100%', marginBottom: 4 }} />
      <div className="scroll-list">
        <table className="data" aria-label="Metadata">
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <td className="mono">{k}</td>
                <td className="mono" style={{ overflowWrap: 'anywhere' }}>
                  <MetadataValue value={v} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

const histogram = (items: readonly { count: number; label: string }[]): string => items.map((i) => `${i.label} ×${i.count}`).join(', ');

/** What inspectFile found: format, dialect, architecture, ranks and alphas, metadata, hashes, mapping. */
export function InspectionView({ result, onComputeHashes }: { readonly result: InspectionResult; readonly onComputeHashes?: () => void }) {
  const lora = result.lora;
  const mapping = result.mapping;
  return (
    <div className="inspection" aria-label={`File: ${baseName(result.path)}`}>
      <Kv
        items={[
          ['Kind', result.kind === 'lora' ? 'LoRA' : result.kind === 'model' ? 'Model' : 'Unknown'],
          ['Container', result.container],
          ['Size', formatBytes(result.bytes)],
          ['Files', result.files.length > 1 ? `${result.files.length} shards` : undefined],
          ['Tensors', formatCount(result.tensorCount)],
          ['Parameters', formatCompact(result.parameterCount)],
          ['Dtypes', result.dtypes.map((d) => `${d.dtype} (${d.tensors})`).join(', ')],
          ['Architecture', `${result.architecture.family} · ${result.architecture.layout}${result.architecture.components.length > 0 ? ` · ${result.architecture.components.join(', ')}` : ''}`],
        ]}
      />
      {result.architecture.evidence.length > 0 && (
        <details>
          <summary>Why this architecture</summary>
          <ul className="mono">
            {result.architecture.evidence.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </details>
      )}
      {lora && (
        <section aria-label="LoRA">
          <h3>LoRA</h3>
          <Kv
            items={[
              ['Dialect', lora.dialects.join(', ')],
              ['Modules', formatCount(lora.moduleCount)],
              ['Kinds', histogram(lora.kinds.map((k) => ({ label: k.kind, count: k.count })))],
              ['Rank', histogram(lora.ranks.map((r) => ({ label: r.rank === null ? 'n/a' : String(r.rank), count: r.count })))],
              ['Alpha', histogram(lora.alphas.map((a) => ({ label: a.alpha === null ? 'none (scale 1)' : String(a.alpha), count: a.count })))],
              ['Features', [lora.rsLora && 'rsLoRA', lora.dora && 'DoRA', lora.conv && 'conv (LoCon)'].filter(Boolean).join(', ') || 'plain'],
            ]}
          />
          {lora.modulesPerBlock.length > 0 && (
            <GroupedBarPlot title="Modules per block" categories={lora.modulesPerBlock.map((b) => b.block)} series={[{ label: 'modules', values: lora.modulesPerBlock.map((b) => b.count) }]} yLabel="modules" />
          )}
          {lora.unusedKeys.length > 0 && (
            <details>
              <summary>{lora.unusedKeys.length} tensors belong to no module</summary>
              <table className="data">
                <tbody>
                  {lora.unusedKeys.map((u) => (
                    <tr key={u.key}>
                      <td className="mono">{u.key}</td>
                      <td>{u.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </section>
      )}
      {result.tensorsPerBlock && result.tensorsPerBlock.length > 0 && (
        <section aria-label="Tensors per block">
          <h3>Tensors per block</h3>
          <GroupedBarPlot title="Tensors per block" categories={result.tensorsPerBlock.map((b) => b.block)} series={[{ label: 'tensors', values: result.tensorsPerBlock.map((b) => b.count) }]} yLabel="tensors" />
        </section>
      )}
      {mapping && (
        <section aria-label="Mapping report">
          <h3>Mapping onto {baseName(mapping.base)}</h3>
          <p>
            <span className={`badge ${mapping.unmatched.length === 0 ? 'ok' : 'warning'}`}>
              {mapping.matched} matched, {mapping.unmatched.length} unmatched
            </span>{' '}
            <span className="muted">
              as {mapping.architecture.family} ({mapping.architecture.layout})
            </span>
          </p>
          <CoveragePlot title="Matched modules per block" entries={[{ source: baseName(result.path), perBlock: mapping.perBlock, unmatched: mapping.unmatched.length }]} />
          {mapping.unmatched.length > 0 && (
            <div className="scroll-list">
              <UnmatchedTable unmatched={mapping.unmatched} label="Unmatched modules" />
            </div>
          )}
        </section>
      )}
      <section aria-label="Hashes">
        <h3>Hashes</h3>
        {result.hashes ? (
          <Kv items={[['sha256', result.hashes.sha256], ['AutoV2', result.hashes.autoV2], ['sshs_model_hash', result.hashes.sshsModelHash]]} />
        ) : onComputeHashes ? (
          <button type="button" className="btn small" onClick={onComputeHashes}>
            Compute hashes
          </button>
        ) : null}
      </section>
      <section aria-label="Metadata">
        <h3>Metadata</h3>
        <MetadataTable metadata={result.metadata} />
      </section>
      {result.warnings.length > 0 && (
        <section aria-label="Warnings">
          <h3>Warnings</h3>
          <ul className="problems">
            {result.warnings.map((w) => (
              <li key={w} className="warning">
                {w}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
