import type { EngineEvent } from '../../../shared/ipc/index.js';
import { IDLE_RUN, LOG_LIMIT, type LogLine, type NodeRunStatus, type RunState } from './run-state.js';

const appendLog = (log: readonly LogLine[], line: LogLine): readonly LogLine[] => (log.length >= LOG_LIMIT ? [...log.slice(log.length - LOG_LIMIT + 1), line] : [...log, line]);

const withNode = (s: RunState, nodeId: string, status: NodeRunStatus): RunState => ({ ...s, nodes: { ...s.nodes, [nodeId]: status } });

/**
 * Folds one engine event into the run state. Events of another run than the one shown are ignored,
 * except run-started (one run at a time: a run started elsewhere, or before a reload, is adopted).
 */
export function reduceRunEvent(s: RunState, e: EngineEvent): RunState {
  if (e.type === 'log') {
    if (e.runId !== null && s.runId !== null && e.runId !== s.runId) return s;
    return { ...s, log: appendLog(s.log, { at: e.at, level: e.level, message: e.message, ...(e.nodeId !== undefined ? { nodeId: e.nodeId } : {}) }) };
  }
  if (e.type === 'run-started') {
    const nodes: Record<string, NodeRunStatus> = {};
    for (const n of e.nodes) nodes[n.nodeId] = { state: 'queued' };
    const keepLog = s.runId === e.runId ? s.log : [];
    return {
      ...IDLE_RUN,
      runId: e.runId,
      phase: s.runId === e.runId && s.phase === 'stopping' ? 'stopping' : 'running',
      startedAt: e.at,
      order: e.nodes.map((n) => ({ nodeId: n.nodeId, title: n.title })),
      nodes,
      problems: e.warnings,
      log: appendLog(keepLog, { at: e.at, level: 'info', message: `Run started on ${e.backend}: ${e.nodes.length} node${e.nodes.length === 1 ? '' : 's'} to run${e.pruned.length > 0 ? `, ${e.pruned.length} not needed` : ''}.` }),
      reports: s.reports,
      backend: e.backend,
      memory: e.memory ?? null,
    };
  }
  if (s.runId !== null && e.runId !== s.runId) return s;
  switch (e.type) {
    case 'node-started':
      return withNode(s, e.nodeId, { state: 'running', fraction: 0, etaMs: null, startedAt: e.at });
    case 'node-progress': {
      const prev = s.nodes[e.nodeId];
      const startedAt = prev?.state === 'running' ? prev.startedAt : e.at;
      return withNode(s, e.nodeId, { state: 'running', fraction: e.fraction, etaMs: e.etaMs, startedAt, ...(e.message !== undefined ? { message: e.message } : {}) });
    }
    case 'node-finished': {
      const summary = e.summary !== undefined ? { summary: e.summary } : {};
      const next = withNode(s, e.nodeId, e.cached ? { state: 'cached', ms: e.ms, ...summary } : { state: 'done', ms: e.ms, ...summary });
      return e.report ? { ...next, reports: { ...next.reports, [e.nodeId]: e.report } } : next;
    }
    case 'node-failed': {
      const next = withNode(s, e.nodeId, { state: 'failed', message: e.message, code: e.code, ...(e.hint !== undefined ? { hint: e.hint } : {}) });
      return { ...next, log: appendLog(next.log, { at: e.at, level: 'error', message: `${e.title}: ${e.message}`, nodeId: e.nodeId }) };
    }
    case 'node-cancelled':
      return withNode(s, e.nodeId, { state: 'cancelled' });
    case 'run-finished': {
      const reports = { ...s.reports };
      for (const r of e.outputs.reports) reports[r.nodeId] = r;
      // Nodes still queued or running when the run ends did not run to completion.
      const nodes: Record<string, NodeRunStatus> = {};
      for (const [id, st] of Object.entries(s.nodes)) nodes[id] = st.state === 'queued' || st.state === 'running' ? { state: 'cancelled' } : st;
      const verdict = e.status === 'ok' ? 'Run finished' : e.status === 'cancelled' ? 'Run stopped' : 'Run failed';
      return {
        ...s,
        phase: 'finished',
        status: e.status,
        finishedAt: e.at,
        nodes,
        outputs: e.outputs.files,
        reports,
        error: e.error ?? null,
        gpuRoutes: e.gpuRoutes ?? null,
        log: appendLog(s.log, {
          at: e.at,
          level: e.status === 'failed' ? 'error' : 'info',
          message: `${verdict} in ${(e.ms / 1000).toFixed(1)} s.${e.error ? ` ${e.error.message}` : ''}`,
          ...(e.error?.nodeId !== undefined ? { nodeId: e.error.nodeId } : {}),
        }),
      };
    }
  }
}
