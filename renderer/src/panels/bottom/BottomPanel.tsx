import type { BottomTab } from '../../store/ui-slice.js';
import { useAppStore } from '../../store/store-context.js';
import { LogPanel } from './LogPanel.js';
import { ProblemsPanel } from './ProblemsPanel.js';
import { ReportsPanel } from './ReportsPanel.js';
import { RunPanel } from './RunPanel.js';
import { Splitter } from './Splitter.js';

const TABS: readonly { id: BottomTab; label: string }[] = [
  { id: 'run', label: 'Run' },
  { id: 'problems', label: 'Problems' },
  { id: 'log', label: 'Log' },
  { id: 'reports', label: 'Reports' },
];

export function BottomPanel() {
  const tab = useAppStore((s) => s.bottomTab);
  const height = useAppStore((s) => s.bottomHeight);
  const setTab = useAppStore((s) => s.setBottomTab);
  const problemCount = useAppStore((s) => s.problems.filter((p) => p.severity === 'error').length + (s.run.runId === null ? s.run.problems.filter((p) => p.severity === 'error').length : 0));
  const reportCount = useAppStore((s) => Object.keys(s.run.reports).length);
  const counts: Partial<Record<BottomTab, number>> = { problems: problemCount, reports: reportCount };
  return (
    <section className="bottom-panel" aria-label="Run, problems, log and reports" style={{ height }}>
      <Splitter />
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`tabpanel-${t.id}`} onClick={() => setTab(t.id)}>
            {t.label}
            {counts[t.id] ? <span className={`badge ${t.id === 'problems' ? 'error' : ''}`} style={{ marginLeft: 6 }}>{counts[t.id]}</span> : null}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel" id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'run' && <RunPanel />}
        {tab === 'problems' && <ProblemsPanel />}
        {tab === 'log' && <LogPanel />}
        {tab === 'reports' && <ReportsPanel />}
      </div>
    </section>
  );
}
