import { formatDuration, formatPercent } from '../format/format.js';
import type { NodeRunStatus } from '../run/run-state.js';

/** The text of a node's status, also used by the run panel. */
export function statusText(s: NodeRunStatus | undefined): string {
  if (!s) return 'Idle';
  switch (s.state) {
    case 'queued':
      return 'Queued';
    case 'running':
      return `Running ${formatPercent(s.fraction)}${s.etaMs !== null ? ` · ${formatDuration(s.etaMs)} left` : ''}`;
    case 'done':
      return `Done in ${formatDuration(s.ms)}${s.summary ? ` · ${s.summary}` : ''}`;
    case 'cached':
      return `Cached${s.summary ? ` · ${s.summary}` : ''}`;
    case 'failed':
      return `Error: ${s.message}`;
    case 'cancelled':
      return 'Stopped';
  }
}

/** One word for lists: Queued, Running, Done, Cached, Error, Stopped. */
export function statusWord(s: NodeRunStatus | undefined): string {
  if (!s) return 'Idle';
  return { queued: 'Queued', running: 'Running', done: 'Done', cached: 'Cached', failed: 'Error', cancelled: 'Stopped' }[s.state];
}

export function NodeStatusLine({ title, status }: { readonly title: string; readonly status: NodeRunStatus | undefined }) {
  if (!status) return null;
  return (
    <div className="node-status" role="status" aria-label={`Status of ${title}`}>
      {status.state === 'running' && (
        <div className="progress" role="progressbar" aria-label={`Progress of ${title}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(status.fraction * 100)}>
          <div style={{ width: formatPercent(status.fraction) }} />
        </div>
      )}
      <span className="status-text" title={status.state === 'failed' && status.hint ? `${status.message}\n${status.hint}` : undefined}>
        {statusText(status)}
      </span>
    </div>
  );
}
