import { useEffect, useRef } from 'react';
import { useActions } from '../../app/actions-context.js';
import { formatTime } from '../../format/format.js';
import { useAppStore } from '../../store/store-context.js';

export function LogPanel() {
  const log = useAppStore((s) => s.run.log);
  const actions = useActions();
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'nearest' });
  }, [log.length]);
  if (log.length === 0) return <p className="muted">The engine’s messages appear here during a run.</p>;
  return (
    <ol className="log" aria-label="Log">
      {log.map((l, i) => (
        <li key={i} className={`level-${l.level}`}>
          <span className="muted">{formatTime(l.at)}</span> {l.message}
          {l.nodeId && (
            <>
              {' '}
              <button type="button" className="btn link" onClick={() => actions.canvas.focusNode(l.nodeId as string)}>
                show node
              </button>
            </>
          )}
        </li>
      ))}
      <li ref={end} aria-hidden="true" />
    </ol>
  );
}
