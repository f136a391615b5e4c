import { describe, expect, it } from 'vitest';
import type { EngineEvent, Report } from '../../../shared/ipc/index.js';
import { reduceRunEvent } from '../../../renderer/src/run/reduce-run-event.js';
import { IDLE_RUN, LOG_LIMIT, type RunState } from '../../../renderer/src/run/run-state.js';
import { createAppStore } from '../../../renderer/src/store/app-store.js';

const at = 1_700_000_000_000;
const started: EngineEvent = {
  type: 'run-started',
  runId: 'r1',
  at,
  nodes: [
    { nodeId: 'load-lora-1', title: 'Load LoRA', type: 'lora-studio/load-lora' },
    { nodeId: 'save-lora-1', title: 'Save LoRA', type: 'lora-studio/save-lora' },
  ],
  pruned: ['note-1'],
  warnings: [],
  backend: 'wasm',
};
const report: Report = { nodeId: 'inspect-1', nodeType: 'lora-studio/inspect', title: 'Inspect', createdAt: at, sections: [] };
const fold = (events: EngineEvent[], from: RunState = IDLE_RUN): RunState => events.reduce(reduceRunEvent, from);

describe('run state from engine events', () => {
  it('queues the planned nodes, tracks progress with ETA, then done / cached with times', () => {
    let s = fold([started, { type: 'node-started', runId: 'r1', at: at + 1, nodeId: 'load-lora-1', title: 'Load LoRA' }]);
    expect(s.phase).toBe('running');
    expect(s.nodes['save-lora-1']).toEqual({ state: 'queued' });
    s = reduceRunEvent(s, { type: 'node-progress', runId: 'r1', at: at + 50, nodeId: 'load-lora-1', fraction: 0.25, etaMs: 150, message: 'module 3/12' });
    expect(s.nodes['load-lora-1']).toEqual({ state: 'running', fraction: 0.25, etaMs: 150, startedAt: at + 1, message: 'module 3/12' });
    s = fold(
      [
        { type: 'node-finished', runId: 'r1', at: at + 200, nodeId: 'load-lora-1', ms: 199, cached: true, summary: 'rank 8' },
        { type: 'node-finished', runId: 'r1', at: at + 400, nodeId: 'save-lora-1', ms: 190, cached: false },
        { type: 'run-finished', runId: 'r1', at: at + 401, status: 'ok', ms: 401, outputs: { files: [{ nodeId: 'save-lora-1', kind: 'lora', path: '/out/a.safetensors', bytes: 10, files: ['/out/a.safetensors'] }], reports: [] } },
      ],
      s,
    );
    expect(s.nodes['load-lora-1']).toEqual({ state: 'cached', ms: 199, summary: 'rank 8' });
    expect(s.nodes['save-lora-1']).toEqual({ state: 'done', ms: 190 });
    expect(s.phase).toBe('finished');
    expect(s.status).toBe('ok');
    expect(s.outputs.map((o) => o.path)).toEqual(['/out/a.safetensors']);
    expect(s.log.at(-1)?.message).toMatch(/Run finished in 0\.4 s/);
  });

  it('a failure marks the node with its message and hint and logs it; run-finished carries the error', () => {
    const s = fold([
      started,
      { type: 'node-failed', runId: 'r1', at, nodeId: 'load-lora-1', title: 'Load LoRA', message: 'Load LoRA: /x.safetensors does not exist.', code: 'file-not-found', hint: 'Choose another file.' },
      { type: 'run-finished', runId: 'r1', at, status: 'failed', ms: 5, outputs: { files: [], reports: [] }, error: { code: 'file-not-found', message: 'Load LoRA: /x.safetensors does not exist.', nodeId: 'load-lora-1' } },
    ]);
    expect(s.nodes['load-lora-1']).toEqual({ state: 'failed', message: 'Load LoRA: /x.safetensors does not exist.', code: 'file-not-found', hint: 'Choose another file.' });
    // Never started: the run ended before it.
    expect(s.nodes['save-lora-1']).toEqual({ state: 'cancelled' });
    expect(s.error?.nodeId).toBe('load-lora-1');
    expect(s.log.filter((l) => l.level === 'error').map((l) => l.nodeId)).toEqual(['load-lora-1', 'load-lora-1']);
  });

  it('keeps reports from node-finished and run-finished, per node, across runs', () => {
    let s = fold([started, { type: 'node-finished', runId: 'r1', at, nodeId: 'inspect-1', ms: 1, cached: false, report }]);
    expect(s.reports['inspect-1']).toBe(report);
    s = fold([{ ...started, runId: 'r2' }], s);
    expect(s.reports['inspect-1']).toBe(report);
    const newer = { ...report, createdAt: at + 1 };
    s = fold([{ type: 'run-finished', runId: 'r2', at, status: 'ok', ms: 1, outputs: { files: [], reports: [newer] } }], s);
    expect(s.reports['inspect-1']).toBe(newer);
  });

  it('keeps where the run computed (webgpu) from run-finished until the next run starts', () => {
    const gpuRoutes = [{ op: 'gram' as const, gpu: 3, cpu: [{ reason: 'NaN or Inf in a factor', count: 1, detail: 'column 1 holds NaN or Inf' }] }];
    let s = fold([started, { type: 'run-finished', runId: 'r1', at, status: 'ok', ms: 1, outputs: { files: [], reports: [] }, gpuRoutes }]);
    expect(s.gpuRoutes).toEqual(gpuRoutes);
    s = fold([{ ...started, runId: 'r2' }], s);
    expect(s.gpuRoutes).toBeNull();
    s = fold([{ type: 'run-finished', runId: 'r2', at, status: 'ok', ms: 1, outputs: { files: [], reports: [] } }], s);
    expect(s.gpuRoutes).toBeNull();
  });

  it('ignores events of another run once one is shown; adopts a new run-started', () => {
    let s = fold([started]);
    const other = reduceRunEvent(s, { type: 'node-started', runId: 'zzz', at, nodeId: 'load-lora-1', title: 'x' });
    expect(other).toBe(s);
    s = reduceRunEvent(s, { ...started, runId: 'r9' });
    expect(s.runId).toBe('r9');
  });

  it('log lines: run-less ones always, capped at LOG_LIMIT', () => {
    let s = IDLE_RUN;
    for (let i = 0; i < LOG_LIMIT + 10; i++) s = reduceRunEvent(s, { type: 'log', runId: null, at, level: 'info', message: `line ${i}` });
    expect(s.log).toHaveLength(LOG_LIMIT);
    expect(s.log.at(-1)?.message).toBe(`line ${LOG_LIMIT + 9}`);
  });

  it('the store: Run pressed -> starting; accepted -> running; refused -> problems listed; stop -> stopping', () => {
    const store = createAppStore();
    store.getState().runRequested();
    expect(store.getState().run.phase).toBe('starting');
    store.getState().runAccepted('r1');
    expect(store.getState().run).toMatchObject({ runId: 'r1', phase: 'running' });
    store.getState().stopRequested();
    expect(store.getState().run.phase).toBe('stopping');
    store.getState().applyEngineEvent(started);
    expect(store.getState().run.phase).toBe('stopping');
    store.getState().runRefused([{ severity: 'error', code: 'missing-input', message: 'Apply LoRA has no input on “LoRA”.', nodeId: 'apply-lora-1' }]);
    expect(store.getState().run).toMatchObject({ phase: 'finished', status: 'failed' });
    expect(store.getState().run.problems).toHaveLength(1);
    // The refused node shows the problem like a failure; loading another document clears a finished run,
    // not one in progress.
    expect(store.getState().run.nodes['apply-lora-1']).toEqual({ state: 'failed', message: 'Apply LoRA has no input on “LoRA”.', code: 'missing-input' });
    store.getState().resetRun();
    expect(store.getState().run).toEqual(IDLE_RUN);
    store.getState().applyEngineEvent(started);
    store.getState().resetRun();
    expect(store.getState().run.runId).toBe('r1');
  });
});
