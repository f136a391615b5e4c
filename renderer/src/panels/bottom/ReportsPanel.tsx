import { useState } from 'react';
import { useActions } from '../../app/actions-context.js';
import { ReportView } from '../../plots/ReportView.js';
import { useAppStore } from '../../store/store-context.js';

/** The reports of Inspect, Probe, Resize and Extract nodes from the runs so far, with their plots. */
export function ReportsPanel() {
  const reports = useAppStore((s) => s.run.reports);
  const selected = useAppStore((s) => (s.selection.nodes.length === 1 ? s.selection.nodes[0] : undefined));
  const actions = useActions();
  const list = Object.values(reports).sort((a, b) => b.createdAt - a.createdAt);
  const [chosen, setChosen] = useState<string | null>(null);
  if (list.length === 0) return <p className="muted">No reports yet. Add an Inspect node (or Probe), connect LoRAs to it, and run: its ranks, norms, spectra and mapping show here.</p>;
  const current = reports[chosen ?? ''] ?? (selected !== undefined ? reports[selected] : undefined) ?? list[0];
  return (
    <div className="reports-layout">
      <ul className="report-list" aria-label="Reports">
        {list.map((r) => (
          <li key={r.nodeId}>
            <button type="button" aria-current={r.nodeId === current?.nodeId} onClick={() => setChosen(r.nodeId)} onDoubleClick={() => actions.canvas.focusNode(r.nodeId)}>
              {r.title}
              <span className="muted"> · {r.nodeId}</span>
            </button>
          </li>
        ))}
      </ul>
      <div>{current && <ReportView report={current} />}</div>
    </div>
  );
}
