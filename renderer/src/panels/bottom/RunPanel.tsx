import { useActions } from '../../app/actions-context.js';
import { usePlatform } from '../../api/api-context.js';
import { formatBytes, formatDuration, formatPercent } from '../../format/format.js';
import { statusWord } from '../../nodes/NodeStatusLine.js';
import type { RunState } from '../../run/run-state.js';
import { useAppStore } from '../../store/store-context.js';
import { BackendLine } from './BackendLine.js';
import { GpuRoutesLine } from './GpuRoutesLine.js';
import { useNow } from './use-now.js';

function runSummary(run: RunState, now: number): string {
  const total = run.order.length;
  const finished = Object.values(run.nodes).filter((n) => n.state === 'done' || n.state === 'cached').length;
  switch (run.phase) {
    case 'idle':
      return 'Not run yet. Press Run (Ctrl+Enter) to run every output node.';
    case 'starting':
      return 'Checking the graph…';
    case 'running':
      return `Running · ${finished} of ${total} nodes done · ${formatDuration(now - (run.startedAt ?? now))}`;
    case 'stopping':
      return 'Stopping…';
    case 'finished': {
      const took = run.startedAt !== null && run.finishedAt !== null ? ` in ${formatDuration(run.finishedAt - run.startedAt)}` : '';
      if (run.status === 'ok') return `Finished${took}: ${total} node${total === 1 ? '' : 's'}.`;
      if (run.status === 'cancelled') return `Stopped${took}. Unfinished outputs were not written.`;
      return run.runId === null ? 'The graph cannot run yet: fix the problems listed.' : `Failed${took}.`;
    }
  }
}

export function RunPanel() {
  const actions = useActions();
  const { info } = usePlatform();
  const run = useAppStore((s) => s.run);
  const setDialog = useAppStore((s) => s.setDialog);
  const busy = run.phase === 'starting' || run.phase === 'running' || run.phase === 'stopping';
  const now = useNow(busy);
  const failed = run.order.filter((n) => run.nodes[n.nodeId]?.state === 'failed');
  const refused = run.runId === null ? run.problems.filter((p) => p.severity === 'error') : [];
  return (
    <div className="run-panel">
      <div className="run-header">
        <span className="summary" role="status" aria-label="Run status">
          {runSummary(run, now)}
        </span>
      </div>
      <BackendLine />
      <GpuRoutesLine />
      {(run.error || failed.length > 0 || refused.length > 0) && (
        <ul className="run-errors" aria-label="Errors">
          {failed.map((n) => {
            const st = run.nodes[n.nodeId];
            return (
              <li key={n.nodeId}>
                <button type="button" className="btn link" onClick={() => actions.canvas.focusNode(n.nodeId)}>
                  {n.title}
                </button>
                : {st?.state === 'failed' ? st.message : ''}
                {st?.state === 'failed' && st.hint && <div className="muted">{st.hint}</div>}
              </li>
            );
          })}
          {refused.map((p, i) => (
            <li key={`p${i}`}>
              {p.nodeId ? (
                <button type="button" className="btn link" onClick={() => actions.canvas.focusNode(p.nodeId as string)}>
                  {p.nodeTitle ?? p.nodeId}
                </button>
              ) : null}
              {p.nodeId ? ': ' : ''}
              {p.message}
              {p.hint && <div className="muted">{p.hint}</div>}
            </li>
          ))}
          {run.error && failed.length === 0 && refused.length === 0 && (
            <li>
              {run.error.nodeId && (
                <>
                  <button type="button" className="btn link" onClick={() => actions.canvas.focusNode(run.error?.nodeId as string)}>
                    {run.order.find((n) => n.nodeId === run.error?.nodeId)?.title ?? run.error.nodeId}
                  </button>
                  :{' '}
                </>
              )}
              {run.error.message}
              {run.error.hint && <div className="muted">{run.error.hint}</div>}
            </li>
          )}
        </ul>
      )}
      <div className="run-grid">
        <div>
          {run.order.length > 0 && (
            <ul className="run-nodes" aria-label="Node progress">
              {run.order.map((n) => {
                const st = run.nodes[n.nodeId];
                const right =
                  st?.state === 'running'
                    ? st.etaMs !== null
                      ? `${formatDuration(st.etaMs)} left`
                      : formatDuration(now - st.startedAt)
                    : st?.state === 'done' || st?.state === 'cached'
                      ? formatDuration(st.ms)
                      : '';
                return (
                  <li key={n.nodeId}>
                    <button type="button" className="btn link" onClick={() => actions.canvas.focusNode(n.nodeId)} style={{ justifySelf: 'start' }}>
                      {n.title}
                    </button>
                    {st?.state === 'running' ? (
                      <div className="progress" role="progressbar" aria-label={`Progress of ${n.title}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(st.fraction * 100)} title={st.message}>
                        <div style={{ width: formatPercent(st.fraction) }} />
                      </div>
                    ) : (
                      <span className={`state-${st?.state ?? 'idle'}`}>{statusWord(st)}</span>
                    )}
                    <span className="muted">{right}</span>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
        <div>
          {run.outputs.length > 0 && (
            <>
              <strong>Outputs</strong>
              <ul className="run-outputs" aria-label="Outputs">
                {run.outputs.map((o) => (
                  <li key={`${o.nodeId}:${o.path}`}>
                    <span className="path">{o.path}</span>
                    <span className="muted output-size" title={`${o.bytes} bytes on disk`}>
                      {formatBytes(o.bytes)}
                    </span>
                    {o.kind !== 'report' && (
                      <button type="button" className="btn small" onClick={() => setDialog({ kind: 'inspect-file', path: o.path })} aria-label={`Inspect ${o.path}`}>
                        Inspect
                      </button>
                    )}
                    {info.capabilities.revealInFolder && (
                      <RevealButton path={o.path} />
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          {run.memory && (
            <p className="muted">
              Estimated peak memory {formatBytes(run.memory.estimatedPeakBytes)} of {formatBytes(run.memory.availableBytes)} available.
            </p>
          )}
        </div>
      </div>
    </div>
  );
}

function RevealButton({ path }: { readonly path: string }) {
  const { api } = usePlatform();
  return (
    <button type="button" className="btn small" onClick={() => void api.revealInFolder(path).catch(() => undefined)} aria-label={`Show ${path} in its folder`}>
      Show in folder
    </button>
  );
}
