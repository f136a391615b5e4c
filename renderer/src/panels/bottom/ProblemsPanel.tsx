import type { Problem } from '../../../../shared/graph/index.js';
import { useActions } from '../../app/actions-context.js';
import { ProblemDetails } from '../ProblemDetails.js';
import { useAppStore } from '../../store/store-context.js';

function ProblemRow({ p }: { readonly p: Problem }) {
  const actions = useActions();
  return (
    <li>
      <span className={`badge ${p.severity}`}>{p.severity}</span>
      <span>
        {p.nodeId && (
          <>
            <button type="button" className="btn link" onClick={() => actions.canvas.focusNode(p.nodeId as string)}>
              {p.nodeTitle ?? p.nodeId}
            </button>
            {' · '}
          </>
        )}
        {p.message}
        {p.hint && <div className="hint">{p.hint}</div>}
        <ProblemDetails p={p} />
      </span>
    </li>
  );
}

/** Shared validation as the user edits, and the engine's problems when a run was refused. */
export function ProblemsPanel() {
  const live = useAppStore((s) => s.problems);
  const run = useAppStore((s) => s.run);
  const fromEngine = run.runId === null ? run.problems : [];
  const seen = new Set(live.map((p) => p.message));
  const engineOnly = fromEngine.filter((p) => !seen.has(p.message));
  const all = [...engineOnly, ...live];
  if (all.length === 0) return <p className="muted">No problems: the graph is ready to run.</p>;
  return (
    <ul className="problem-list" aria-label="Problems">
      {all.map((p, i) => (
        <ProblemRow key={i} p={p} />
      ))}
    </ul>
  );
}
