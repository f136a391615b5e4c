import { useAppStore } from '../../store/store-context.js';
import { statusText } from '../../nodes/NodeStatusLine.js';

/** The node's state in the last run; a failure with its hint. */
export function NodeRunSection({ nodeId }: { readonly nodeId: string }) {
  const status = useAppStore((s) => s.run.nodes[nodeId]);
  const hasReport = useAppStore((s) => s.run.reports[nodeId] !== undefined);
  const setTab = useAppStore((s) => s.setBottomTab);
  if (!status && !hasReport) return null;
  return (
    <section aria-label="Last run">
      <h3>Last run</h3>
      {status && <p className={status.state === 'failed' ? 'error' : undefined} style={{ margin: 0 }}>{statusText(status)}</p>}
      {status?.state === 'failed' && status.hint && <p className="muted">{status.hint}</p>}
      {hasReport && (
        <button type="button" className="btn small" onClick={() => setTab('reports')}>
          Show report
        </button>
      )}
    </section>
  );
}
