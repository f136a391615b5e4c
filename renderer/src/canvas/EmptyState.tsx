import { useEffect, useState } from 'react';
import type { ExampleGraph } from '../../../shared/ipc/files.js';
import { usePlatform } from '../api/api-context.js';
import { useActions } from '../app/actions-context.js';

/** What a new user sees on an empty canvas: how to start, and the examples (which run as they are). */
export function EmptyState() {
  const { api } = usePlatform();
  const actions = useActions();
  const [examples, setExamples] = useState<ExampleGraph[] | null>(null);
  useEffect(() => {
    let live = true;
    api.listExamples().then(
      (list) => live && setExamples(list),
      () => live && setExamples([]),
    );
    return () => {
      live = false;
    };
  }, [api]);
  return (
    <div className="empty-state">
      <section className="empty-card" aria-labelledby="empty-title">
        <h2 id="empty-title">Build an adapter graph</h2>
        <ol>
          <li>
            Drag <strong>Load Model</strong> and <strong>Load LoRA</strong> from the node library on the left (or double-click the canvas and type a name).
          </li>
          <li>Connect an output to an input of the same colour: purple carries a model, amber a LoRA, teal a report.</li>
          <li>
            End with <strong>Save Model</strong>, <strong>Save LoRA</strong> or <strong>Inspect</strong>, then press <strong>Run</strong> (Ctrl+Enter).
          </li>
        </ol>
        <div className="examples">
          {examples === null && <span className="muted">Loading examples…</span>}
          {examples !== null && examples.length > 0 && <strong>Or start from an example:</strong>}
          {examples?.map((ex) => (
            <button key={ex.id} type="button" className="btn example" title={ex.description} onClick={() => void actions.file.openExample(ex)}>
              {ex.title}
            </button>
          ))}
          <button type="button" className="btn open-file" onClick={() => void actions.file.open()}>
            Open a graph file…
          </button>
        </div>
      </section>
    </div>
  );
}
