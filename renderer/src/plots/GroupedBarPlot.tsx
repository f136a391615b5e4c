import { formatNumber } from '../format/format.js';
import { linearScale, seriesColor, ticksCovering } from './scales.js';

export interface BarSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

const H = 240;
const M = { top: 10, right: 12, bottom: 52, left: 52 };

/**
 * Grouped bars: one group per category (block label), one bar per series (LoRA) side by side. Used for
 * per-block ‖ΔW‖ and for mapping coverage (matched modules per block).
 */
export function GroupedBarPlot({ title, categories, series, yLabel }: { readonly title: string; readonly categories: readonly string[]; readonly series: readonly BarSeries[]; readonly yLabel: string }) {
  const groupWidth = Math.max(14, 6 + series.length * 9);
  const W = Math.max(360, M.left + M.right + categories.length * groupWidth);
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const ticks = ticksCovering(max, 5);
  const top = ticks[ticks.length - 1] ?? 1;
  const y = linearScale([0, top], [H - M.bottom, M.top]);
  const bar = Math.max(3, (groupWidth - 6) / Math.max(1, series.length));
  const summary = series
    .map((s) => {
      let best = -1;
      s.values.forEach((v, i) => {
        if (v !== null && (best < 0 || v > (s.values[best] ?? 0))) best = i;
      });
      return best >= 0 ? `${s.label}: largest at ${categories[best]} (${formatNumber(s.values[best])})` : `${s.label}: no values`;
    })
    .join('; ');
  return (
    <figure className="plot">
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${title}. ${summary}`}>
        <g className="grid">
          {ticks.map((t) => (
            <line key={t} x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
          ))}
        </g>
        <g className="axis">
          <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
          <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
          {ticks.map((t) => (
            <text key={t} x={M.left - 6} y={y(t) + 3} textAnchor="end">
              {formatNumber(t)}
            </text>
          ))}
          <text x={12} y={(M.top + H - M.bottom) / 2} textAnchor="middle" transform={`rotate(-90 12 ${(M.top + H - M.bottom) / 2})`}>
            {yLabel}
          </text>
        </g>
        {categories.map((c, i) => {
          const gx = M.left + 4 + i * groupWidth;
          return (
            <g key={c}>
              {series.map((s, k) => {
                const v = s.values[i];
                if (v === null || v === undefined) return null;
                return (
                  <rect key={k} x={gx + k * bar} y={y(v)} width={bar - 1} height={Math.max(0, H - M.bottom - y(v))} fill={seriesColor(k)}>
                    <title>{`${s.label} · ${c}: ${formatNumber(v)}`}</title>
                  </rect>
                );
              })}
              <text x={gx + (groupWidth - 6) / 2} y={H - M.bottom + 8} textAnchor="end" transform={`rotate(-60 ${gx + (groupWidth - 6) / 2} ${H - M.bottom + 8})`}>
                {c}
              </text>
            </g>
          );
        })}
      </svg>
      {series.length > 1 && (
        <div className="legend">
          {series.map((s, k) => (
            <span key={k}>
              <span className="key" style={{ background: seriesColor(k) }} />
              {s.label}
            </span>
          ))}
        </div>
      )}
    </figure>
  );
}
