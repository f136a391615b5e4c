/** Save Report: the connected reports as one JSON file, { "reports": [...] } in connection order, written atomically. */
import { saveReport } from '../../../../shared/nodes/catalogue/export.js';
import { APP_VERSION } from '../../../../shared/app-info.js';
import { formatByteSize } from '../../tensor-io/byte-size.js';
import { writeFileAtomic } from '../atomic-write.js';
import { defineNodeImpl } from '../node-impl.js';
import { outputTarget } from '../output-target.js';
import { ensureOutputDirectory } from '../../tensor-io/output-guard.js';

export const saveReportImpl = defineNodeImpl(saveReport, async ({ node, inputs, params, run, options }) => {
  const reports = inputs.all('reports', 'report').map((i) => i.value.report);
  const out = outputTarget(node, params.path, params.ifExists, options);
  await ensureOutputDirectory(out);
  const text = `${JSON.stringify({ tool: 'lora-studio', version: APP_VERSION, createdAt: new Date().toISOString(), reports }, null, 2)}\n`;
  const bytes = await writeFileAtomic(out, text, { signal: run.signal });
  return {
    summary: `${reports.length} report${reports.length === 1 ? '' : 's'}, ${formatByteSize(bytes)}`,
    files: [{ nodeId: node.id, kind: 'report', path: out, bytes, files: [out] }],
  };
});
