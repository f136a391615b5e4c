import type { ImportReport } from '../../../shared/comfyui/import-report.js';
import { baseName } from '../format/format.js';
import { useAppStore } from '../store/store-context.js';
import { Dialog } from './Dialog.js';

const num = (n: number): string => String(Math.round(n * 1000) / 1000);

function formatName(r: ImportReport): string {
  return r.format === 'api' ? 'API format' : `UI format${r.formatVersion !== null ? ` ${r.formatVersion}` : ''}`;
}

/** What a ComfyUI import did, on one screen: the models it bakes, what it left out and why, what it could not find. */
function ReportBody({ report }: { readonly report: ImportReport }) {
  const others = report.notImported.reduce((n, g) => n + g.nodes.length, 0);
  return (
    <div className="import-report">
      <p>
        <strong>{baseName(report.workflow)}</strong> (ComfyUI {formatName(report)}):{' '}
        {report.outputs.length === 1 ? '1 model to bake' : `${report.outputs.length} models to bake`}.
      </p>
      {report.outputs.map((o) => (
        <section key={o.nodeId} aria-label={`Output ${baseName(o.output)}`}>
          <h3>
            <span className="mono">{baseName(o.base.name)}</span> → <span className="mono">{baseName(o.output)}</span>
          </h3>
          <table className="import-loras">
            <thead>
              <tr>
                <th>LoRA, in chain order</th>
                <th>strength</th>
                <th>text encoder</th>
              </tr>
            </thead>
            <tbody>
              {o.loras.map((l, i) => (
                <tr key={`${l.comfyNode}-${i}`}>
                  <td className="mono" title={l.path}>
                    {l.name}
                  </td>
                  <td>{num(l.strength)}</td>
                  <td>{num(l.teStrength)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {report.unresolved.length > 0 && (
        <section aria-label="Files not found">
          <h3>Not found in the models folders ({report.unresolved.length})</h3>
          <p className="muted">They stay in the graph as missing files: set the ComfyUI models folder and open the workflow again, or pick each file on its node.</p>
          <ul>
            {report.unresolved.map((u) => (
              <li key={`${u.folder}/${u.name}/${u.comfyNode}`} className="mono">
                {u.folder}/{u.name} <span className="muted">(node {u.comfyNode})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {report.skipped.length > 0 && (
        <section aria-label="Left out">
          <h3>Left out ({report.skipped.length})</h3>
          <ul>
            {report.skipped.map((s, i) => (
              <li key={`${s.comfyNode}-${i}`}>
                {s.title ?? s.type} <span className="muted">(node {s.comfyNode})</span>: {s.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
      {others > 0 && (
        <section aria-label="Not imported">
          <h3>Not weight composition, not imported ({others} nodes)</h3>
          <p className="import-types">
            {report.notImported.map((g) => (
              <span key={g.type} className="chip" title={`node${g.nodes.length === 1 ? '' : 's'} ${g.nodes.map((n) => n.id).join(', ')}`}>
                {g.type} ×{g.nodes.length}
              </span>
            ))}
          </p>
        </section>
      )}
      {report.notes.map((n) => (
        <p key={n} className="muted">
          {n}
        </p>
      ))}
    </div>
  );
}

export function ImportReportDialog() {
  const dialog = useAppStore((s) => s.dialog);
  const setDialog = useAppStore((s) => s.setDialog);
  if (dialog.kind !== 'import-report') return null;
  const close = () => setDialog({ kind: 'none' });
  return (
    <Dialog
      title="Imported from ComfyUI"
      onClose={close}
      footer={
        <>
          <button type="button" className="btn" onClick={() => setDialog({ kind: 'import-settings' })}>
            ComfyUI models folder…
          </button>
          <span className="grow" />
          <button type="button" className="btn primary" onClick={close}>
            OK
          </button>
        </>
      }
    >
      <ReportBody report={dialog.report} />
    </Dialog>
  );
}
