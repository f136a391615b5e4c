import { formatNumber } from '../format/format.js';
import { decadeDomain, linearScale, logScale, niceTicks, seriesColor } from './scales.js';

export interface SpectrumSeries {
  readonly label: string;
  readonly values: readonly number[];
  readonly keptRank?: number;
}

const W = 560;
const H = 240;
const M = { top: 10, right: 12, bottom: 30, left: 52 };

/** Singular values σ₁ ≥ σ₂ ≥ … against their index, on a log scale; a marker where a rank was kept. */
export function SpectrumPlot({ title, series }: { readonly title: string; readonly series: readonly SpectrumSeries[] }) {
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const { domain, ticks } = decadeDomain(series.flatMap((s) => s.values));
  const x = linearScale([1, Math.max(2, n)], [M.left, W - M.right]);
  const y = logScale(domain, [H - M.bottom, M.top]);
  const xTicks = niceTicks(1, n, 6).filter((t) => Number.isInteger(t) && t >= 1);
  const summary = series.map((s) => `${s.label}: ${s.values.length} values from ${formatNumber(s.values[0])} to ${formatNumber(s.values[s.values.length - 1])}`).join('; ');
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
              {formatNumber(t, 1)}
            </text>
          ))}
          {xTicks.map((t) => (
            <text key={t} x={x(t)} y={H - M.bottom + 14} textAnchor="middle">
              {t}
            </text>
          ))}
          <text x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle">
            index i
          </text>
          <text x={12} y={(M.top + H - M.bottom) / 2} textAnchor="middle" transform={`rotate(-90 12 ${(M.top + H - M.bottom) / 2})`}>
            σᵢ (log)
          </text>
        </g>
        {series.map((s, k) => {
          const pts = s.values.map((v, i) => `${x(i + 1).toFixed(1)},${y(Math.max(v, domain[0])).toFixed(1)}`).join(' ');
          const color = seriesColor(k);
          return (
            <g key={k}>
              <polyline points={pts} fill="none" stroke={color} strokeWidth={1.6} />
              {s.values.length <= 64 && s.values.map((v, i) => <circle key={i} cx={x(i + 1)} cy={y(Math.max(v, domain[0]))} r={2} fill={color} />)}
              {s.keptRank !== undefined && <line x1={x(s.keptRank + 0.5)} x2={x(s.keptRank + 0.5)} y1={M.top} y2={H - M.bottom} stroke={color} strokeDasharray="4 3" />}
            </g>
          );
        })}
      </svg>
      <div className="legend">
        {series.map((s, k) => (
          <span key={k}>
            <span className="key" style={{ background: seriesColor(k) }} />
            {s.label}
            {s.keptRank !== undefined ? ` (kept rank ${s.keptRank})` : ''}
          </span>
        ))}
      </div>
    </figure>
  );
}
