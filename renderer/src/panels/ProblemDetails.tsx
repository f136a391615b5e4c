import type { Problem } from '../../../shared/graph/index.js';

/** A problem's long part (the unmatched modules), folded away under its one-line message. */
export function ProblemDetails({ p }: { readonly p: Problem }) {
  if (p.details === undefined) return null;
  const count = p.details.split('\n').length;
  return (
    <details className="problem-details">
      <summary>{count === 1 ? 'Details' : `Details (${count} lines)`}</summary>
      <pre>{p.details}</pre>
    </details>
  );
}
