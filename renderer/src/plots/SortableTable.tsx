import { useMemo, useState } from 'react';
import type { TableColumn } from '../../../shared/ipc/reports.js';
import { formatNumber } from '../format/format.js';

type Row = Readonly<Record<string, string | number | null>>;

/** Rows shown before "show all" (reports can list thousands of modules). */
const PAGE = 200;

export function compareCells(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export function SortableTable({ title, columns, rows }: { readonly title: string; readonly columns: readonly TableColumn[]; readonly rows: readonly Row[] }) {
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 } | null>(null);
  const [all, setAll] = useState(false);
  const sorted = useMemo(() => (sort ? [...rows].sort((a, b) => sort.dir * compareCells(a[sort.key], b[sort.key])) : rows), [rows, sort]);
  const shown = all ? sorted : sorted.slice(0, PAGE);
  return (
    <div className="scroll-list" style={{ maxHeight: 320 }}>
      <table className="data" aria-label={title}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} aria-sort={sort?.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
                <button type="button" className="btn link" onClick={() => setSort((s) => ({ key: c.key, dir: s?.key === c.key && s.dir === 1 ? -1 : 1 }))}>
                  {c.label}
                  {c.unit ? ` (${c.unit})` : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={i}>
              {columns.map((c) => {
                const v = r[c.key];
                return (
                  <td key={c.key} className={c.type === 'text' ? 'mono' : 'num'}>
                    {typeof v === 'number' ? (c.type === 'integer' ? String(v) : formatNumber(v, 4)) : (v ?? '–')}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {!all && rows.length > PAGE && (
        <button type="button" className="btn small" onClick={() => setAll(true)}>
          Show all {rows.length} rows
        </button>
      )}
    </div>
  );
}
