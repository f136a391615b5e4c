/**
 * What `lora-studio run` prints: progress per node on stderr (a bar while a node reports progress, one line
 * when it finishes), problems with node id and title, and the results on stdout (files written, reports in
 * short text form; everything with --json).
 */
import type { Problem } from '../../../shared/graph/problems.js';
import type { EngineEvent, EngineEventOf } from '../../../shared/ipc/events.js';
import type { Report, ReportSection } from '../../../shared/ipc/reports.js';
import { formatByteSize } from '../../engine/tensor-io/byte-size.js';
import { createProgressBar, type ProgressBar } from '../progress.js';
import { terminalMessage } from '../terminal-text.js';

export function formatProblem(p: Problem): string {
  const where = p.nodeId ? `[${p.nodeId}] ` : '';
  return `${p.severity}: ${where}${p.message}${p.details ? `\n${p.details.replace(/^/gm, '  ')}` : ''}${p.hint ? `\n  hint: ${p.hint}` : ''}`;
}

/** Renders engine events for people on a stream (stderr): progress bars unless quiet, a line per finished node when nodeLines. */
export function createRunLog(output: NodeJS.WriteStream, quiet: boolean, nodeLines = !quiet): (e: EngineEvent) => void {
  // Messages and summaries quote names from files: their control characters are escaped (the bar escapes its own).
  const stream = { isTTY: output.isTTY, write: (s: string) => output.write(s === '\r\x1b[2K' ? s : terminalMessage(s)) };
  const titles = new Map<string, string>();
  let bar: { nodeId: string; bar: ProgressBar } | undefined;
  const label = (id: string): string => `${titles.get(id) ?? id} (${id})`;
  const closeBar = (): void => {
    bar?.bar.done();
    bar = undefined;
  };
  return (e) => {
    switch (e.type) {
      case 'run-started':
        for (const n of e.nodes) titles.set(n.nodeId, n.title);
        if (!quiet) stream.write(`running ${e.nodes.length} node${e.nodes.length === 1 ? '' : 's'} on ${e.backend}${e.memory ? `, estimated peak memory ${formatByteSize(e.memory.estimatedPeakBytes)} of ${formatByteSize(e.memory.availableBytes)} available` : ''}\n`);
        for (const w of e.warnings) stream.write(`${formatProblem(w)}\n`);
        break;
      case 'node-progress':
        if (quiet) break;
        if (bar?.nodeId !== e.nodeId) {
          closeBar();
          bar = { nodeId: e.nodeId, bar: createProgressBar(label(e.nodeId), output) };
        }
        bar.bar.update({ fraction: e.fraction, ...(e.message ? { message: e.message } : {}) });
        break;
      case 'node-finished':
        if (bar?.nodeId === e.nodeId) {
          // The bar's line is replaced by the node's result line.
          if (stream.isTTY) stream.write('\r\x1b[2K');
          bar = undefined;
        }
        if (nodeLines) stream.write(`${e.cached ? '=' : '✓'} ${label(e.nodeId)}${e.cached ? ' cached' : ` ${(e.ms / 1000).toFixed(1)}s`}${e.summary ? `: ${e.summary}` : ''}\n`);
        break;
      case 'node-failed':
        closeBar();
        stream.write(`✗ ${e.title} (${e.nodeId}) failed: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
        break;
      case 'node-cancelled':
        closeBar();
        stream.write(`■ ${label(e.nodeId)} stopped\n`);
        break;
      case 'log':
        if (!quiet || e.level === 'warn' || e.level === 'error') stream.write(`${e.level === 'info' ? '' : `${e.level}: `}${e.message}\n`);
        break;
      case 'run-finished':
        closeBar();
        break;
      default:
        break;
    }
  };
}

function sectionText(s: ReportSection): string[] {
  switch (s.kind) {
    case 'summary':
      return [`  ${s.title}`, ...s.items.map((i) => `    ${i.label}: ${i.value}${i.unit ? ` ${i.unit}` : ''}`)];
    case 'probe':
      return [
        `  probe ${s.layer} (${s.baseKey}, ${s.shape[0]}×${s.shape[1]}, batch ${s.batch}, seed ${s.seed}, strength ${s.strength})`,
        ...s.comparisons.map((c) => `    ${c.a} vs ${c.b}: max |Δ| ${c.maxAbsDiff.toExponential(2)}, relative L2 ${c.relativeL2.toExponential(2)}`),
      ];
    case 'mapping':
      return s.entries.map((e) => `  mapping ${e.source}: ${e.matched} matched, ${e.unmatched.length} unmatched`);
    case 'sign-conflicts':
      return [`  sign conflicts (${s.sources.join(' vs ')}): ${(s.overall * 100).toFixed(1)}% of shared entries over ${s.modules.length} modules`];
    case 'block-norms':
      return [`  ${s.title}: ${s.blocks.length} blocks × ${s.series.length} series`];
    case 'spectra':
      return [`  ${s.title}: ${s.series.length} spectra`];
    case 'table':
      return [`  ${s.title}: ${s.rows.length} rows`];
    case 'notes':
      return [`  ${s.title}`, ...s.lines.map((l) => `    ${l.level === 'warning' ? 'warning: ' : ''}${l.text}`)];
  }
}

export function reportText(r: Report): string {
  return [`report ${r.title} (${r.nodeId})`, ...r.sections.flatMap(sectionText)].join('\n');
}

export function outputsText(event: EngineEventOf<'run-finished'>): string {
  const lines = event.outputs.files.map((f) => f.path);
  for (const r of event.outputs.reports) lines.push(reportText(r));
  return lines.length > 0 ? terminalMessage(`${lines.join('\n')}\n`) : '';
}
