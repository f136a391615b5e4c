import type { Problem } from '../../../../shared/graph/index.js';
import { ProblemDetails } from '../ProblemDetails.js';

/** A node's problems that are not about one param (those show under their field). */
export function ProblemList({ problems }: { readonly problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="problems" aria-label="Problems">
      {problems.map((p, i) => (
        <li key={i} className={p.severity}>
          {p.message}
          {p.hint && <div className="muted">{p.hint}</div>}
          <ProblemDetails p={p} />
        </li>
      ))}
    </ul>
  );
}
