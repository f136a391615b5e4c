import type { Report } from '../../../shared/ipc/reports.js';
import { formatTime } from '../format/format.js';
import { ReportSectionView } from './ReportSectionView.js';

export function ReportView({ report }: { readonly report: Report }) {
  return (
    <article className="report" aria-label={`Report: ${report.title}`}>
      <h3>
        {report.title} <span className="muted">· {formatTime(report.createdAt)}</span>
      </h3>
      {report.sections.map((s, i) => (
        <section key={i} className="report-section" aria-label={s.title}>
          <h4>{s.title}</h4>
          <ReportSectionView section={s} />
        </section>
      ))}
      {report.sections.length === 0 && <p className="muted">This report has no sections.</p>}
    </article>
  );
}
