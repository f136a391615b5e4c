/**
 * The executor through the engine service, on real demo files and the real node impls and worker pool: order of
 * events, caching by content hash (counting node impl calls), error attribution, cancellation mid-export, the
 * hard-kill fallback, memory refusal.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineNodeImpl, type NodeImpl } from '../../../main/engine/graph/node-impl.js';
import { NODE_IMPLS } from '../../../main/engine/graph/node-impls/index.js';
import { createEngineService, type EngineService } from '../../../main/engine/service/index.js';
import { saveReport } from '../../../shared/nodes/catalogue/export.js';
import { GraphBuilder, T } from '../shared/builder.js';
import { countingNodeImpls } from './helpers/counting.js';
import { eventsOf, makeDemoDir, runAndCollect } from './helpers/demo-dir.js';

let dir: string;
const services: EngineService[] = [];
const service = (opts: Parameters<typeof createEngineService>[0] = {}): EngineService => {
  const s = createEngineService({ workers: 2, nodeImplOptions: { hashInputs: false }, ...opts });
  services.push(s);
  return s;
};

beforeAll(async () => {
  dir = await makeDemoDir();
});
afterAll(async () => {
  for (const s of services) await s.dispose();
});

/** Load Model + Load LoRA → Apply LoRA → Save Model; the LoRA also → Inspect. */
function bakeGraph(out = 'out/baked.safetensors'): { g: GraphBuilder; ids: Record<string, string> } {
  const g = new GraphBuilder();
  const model = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
  const lora = g.node(T.loadLora, { path: 'style-lora.safetensors' });
  const apply = g.node(T.applyLora, { strength: 0.5 });
  const save = g.node(T.saveModel, { path: out, ifExists: 'overwrite' });
  const inspect = g.node(T.inspect, { spectra: false });
  g.edge(model, 'model', apply, 'model');
  g.edge(lora, 'lora', apply, 'lora');
  g.edge(apply, 'model', save, 'model');
  g.edge(lora, 'lora', inspect, 'loras');
  return { g, ids: { model, lora, apply, save, inspect } };
}

describe('executor', () => {
  it('emits run-started, then each node started → progress → finished after its inputs, then run-finished', async () => {
    const { g, ids } = bakeGraph('out/order.safetensors');
    const r = await runAndCollect(service(), g.doc, { baseDir: dir });
    expect(r.finished?.status).toBe('ok');
    const types = r.events.map((e) => e.type);
    expect(types[0]).toBe('run-started');
    expect(types[types.length - 1]).toBe('run-finished');
    const started = r.events[0]!.type === 'run-started' ? r.events[0]!.nodes.map((n) => n.nodeId) : [];
    expect(new Set(started)).toEqual(new Set(Object.values(ids)));
    const at = (type: string, id: string): number => r.events.findIndex((e) => e.type === type && 'nodeId' in e && e.nodeId === id);
    for (const [from, to] of [
      [ids.model, ids.apply],
      [ids.lora, ids.apply],
      [ids.apply, ids.save],
      [ids.lora, ids.inspect],
    ] as const) {
      expect(at('node-finished', from!)).toBeLessThan(at('node-started', to!));
    }
    for (const id of Object.values(ids)) {
      expect(at('node-started', id)).toBeLessThan(at('node-finished', id));
      for (const p of eventsOf(r.events, 'node-progress').filter((e) => e.nodeId === id)) {
        expect(p.fraction).toBeGreaterThanOrEqual(0);
        expect(p.fraction).toBeLessThanOrEqual(1);
      }
    }
    expect(eventsOf(r.events, 'node-progress').some((e) => e.nodeId === ids.save)).toBe(true);
    expect(r.finished!.outputs.files.map((f) => f.path)).toEqual([path.join(dir, 'out/order.safetensors')]);
    expect(r.finished!.outputs.reports.map((x) => x.nodeId)).toEqual([ids.inspect]);
  });

  it('starts the nodes while the workers start: Load Model runs before a worker is ready, its events still after run-started', async () => {
    const readyWhenLoading: number[] = [];
    const realLoadModel = NODE_IMPLS.find((k) => k.definition.type === T.loadModel)!;
    const loadModel: NodeImpl = {
      definition: realLoadModel.definition,
      run: async (ctx) => {
        readyWhenLoading.push((await ctx.pool()).stats().ready);
        return realLoadModel.run(ctx);
      },
    };
    // A fresh service: its pool is made when the run starts.
    const { g, ids } = bakeGraph('out/early.safetensors');
    const r = await runAndCollect(service({ nodeImpls: countingNodeImpls([loadModel]).registry }), g.doc, { baseDir: dir });
    expect(r.finished?.status).toBe('ok');
    // Before, the run waited for both workers; now Load Model does not (0 when it runs in the first ~0.1 s).
    expect(readyWhenLoading).toHaveLength(1);
    expect(readyWhenLoading[0]).toBeLessThan(2);
    expect(r.events[0]!.type).toBe('run-started');
    expect(r.events[0]!.type === 'run-started' && r.events[0]!.backend).toMatch(/^(wasm|cpu|webgpu|node|node-gpu)$/);
    expect(r.events.findIndex((e) => e.type === 'node-started' && e.nodeId === ids.model)).toBeGreaterThan(0);
    expect(r.events.filter((e) => e.type === 'run-started')).toHaveLength(1);
  });

  it('caches by content hash: a param change re-runs only what depends on it', async () => {
    const counting = countingNodeImpls();
    const s = service({ nodeImpls: counting.registry });
    const { g, ids } = bakeGraph('out/cached.safetensors');
    const out = path.join(dir, 'out/cached.safetensors');

    const first = await runAndCollect(s, g.doc, { baseDir: dir });
    expect(first.finished?.status).toBe('ok');
    for (const id of Object.values(ids)) expect(counting.count(id)).toBe(1);
    const written = statSync(out).mtimeMs;

    const second = await runAndCollect(s, g.doc, { baseDir: dir });
    expect(second.finished?.status).toBe('ok');
    for (const id of Object.values(ids)) expect(counting.count(id)).toBe(1);
    expect(eventsOf(second.events, 'node-finished').every((e) => e.cached)).toBe(true);
    expect(second.finished!.outputs.files.map((f) => f.path)).toEqual([out]);
    expect(statSync(out).mtimeMs).toBe(written);

    g.doc.nodes.find((n) => n.id === ids.apply)!.params.strength = 0.9;
    const third = await runAndCollect(s, g.doc, { baseDir: dir });
    expect(third.finished?.status).toBe('ok');
    expect([ids.model, ids.lora, ids.inspect].map(counting.count)).toEqual([1, 1, 1]);
    expect([ids.apply, ids.save].map(counting.count)).toEqual([2, 2]);
    const cached = new Map(eventsOf(third.events, 'node-finished').map((e) => [e.nodeId, e.cached]));
    expect(cached.get(ids.apply)).toBe(false);
    expect(cached.get(ids.model)).toBe(true);

    // An output deleted on disk is written again (its inputs come from the cache).
    rmSync(out);
    await runAndCollect(s, g.doc, { baseDir: dir });
    expect([ids.apply, ids.save].map(counting.count)).toEqual([2, 3]);
    expect(existsSync(out)).toBe(true);

    // An input file changed on disk (mtime) re-runs its loader and everything downstream of it.
    const lora = path.join(dir, 'style-lora.safetensors');
    const t = new Date(Date.now() + 5000);
    utimesSync(lora, t, t);
    await runAndCollect(s, g.doc, { baseDir: dir });
    expect([ids.model, ids.lora, ids.apply, ids.save, ids.inspect].map(counting.count)).toEqual([1, 2, 3, 4, 2]);

    // noCache recomputes everything.
    await runAndCollect(s, g.doc, { baseDir: dir }, { noCache: true });
    expect([ids.model, ids.lora, ids.apply, ids.save, ids.inspect].map(counting.count)).toEqual([2, 3, 4, 5, 3]);
  });

  it('attributes a failure to the node that failed, with its code and hint, and stops the run', async () => {
    const g = new GraphBuilder();
    const sd = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const bert = g.node(T.loadModel, { path: 'distilbert-tiny.safetensors' });
    const fresh = g.node(T.newLora, { targets: ['attn1.to_q'] });
    const apply = g.node(T.applyLora, {});
    const save = g.node(T.saveModel, { path: 'out/never.safetensors' });
    g.edge(sd, 'model', fresh, 'model');
    g.edge(bert, 'model', apply, 'model');
    g.edge(fresh, 'lora', apply, 'lora');
    g.edge(apply, 'model', save, 'model');
    const r = await runAndCollect(service(), g.doc, { baseDir: dir });
    expect(r.finished?.status).toBe('failed');
    const failed = eventsOf(r.events, 'node-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.nodeId).toBe(apply);
    expect(failed[0]!.title).toBe('Apply LoRA');
    expect(failed[0]!.code).toBe('unmatched-modules');
    expect(failed[0]!.hint).toBeTruthy();
    expect(r.finished!.error).toMatchObject({ code: 'unmatched-modules', nodeId: apply });
    expect(r.finished!.error!.message).toContain(`(${apply})`);
    expect(eventsOf(r.events, 'node-started').some((e) => e.nodeId === save)).toBe(false);
    expect(existsSync(path.join(dir, 'out/never.safetensors'))).toBe(false);
  });

  it('a failing branch does not stop an output that does not depend on it', async () => {
    const g = new GraphBuilder();
    const bert = g.node(T.loadModel, { path: 'distilbert-tiny.safetensors' });
    const sd = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const fresh = g.node(T.newLora, { targets: ['attn1.to_q'] });
    const apply = g.node(T.applyLora, {});
    const bad = g.node(T.saveModel, { path: 'out/branch-bad.safetensors' });
    const lora = g.node(T.loadLora, { path: 'style-lora.safetensors' });
    const good = g.node(T.saveLora, { path: 'out/branch-good.safetensors' });
    g.edge(sd, 'model', fresh, 'model');
    g.edge(bert, 'model', apply, 'model');
    g.edge(fresh, 'lora', apply, 'lora');
    g.edge(apply, 'model', bad, 'model');
    g.edge(lora, 'lora', good, 'lora');
    const r = await runAndCollect(service(), g.doc, { baseDir: dir });
    expect(r.finished?.status).toBe('failed');
    expect(r.finished!.error).toMatchObject({ nodeId: apply });
    expect(eventsOf(r.events, 'node-finished').some((e) => e.nodeId === good)).toBe(true);
    expect(existsSync(path.join(dir, 'out/branch-good.safetensors'))).toBe(true);
    expect(existsSync(path.join(dir, 'out/branch-bad.safetensors'))).toBe(false);
    expect(eventsOf(r.events, 'log').some((e) => e.nodeId === bad && /did not run: it needs Apply LoRA, which failed/.test(e.message))).toBe(true);
  });

  it('a bypassed Apply LoRA passes its model through: the output holds the base weights; muted, the Save does not run', async () => {
    const tensorBytes = (file: string): Buffer => {
      const b = readFileSync(file);
      return b.subarray(8 + Number(b.readBigUInt64LE(0)));
    };
    const plain = new GraphBuilder();
    const m = plain.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const s0 = plain.node(T.saveModel, { path: 'out/bypass-base.safetensors' });
    plain.edge(m, 'model', s0, 'model');
    expect((await runAndCollect(service(), plain.doc, { baseDir: dir })).finished?.status).toBe('ok');
    const base = tensorBytes(path.join(dir, 'out/bypass-base.safetensors'));

    const { g, ids } = bakeGraph('out/bypass-applied.safetensors');
    const applied = await runAndCollect(service(), g.doc, { baseDir: dir });
    expect(applied.finished?.status).toBe('ok');
    expect(tensorBytes(path.join(dir, 'out/bypass-applied.safetensors')).equals(base)).toBe(false);

    const apply = g.doc.nodes.find((n) => n.id === ids.apply)!;
    apply.mode = 'bypass';
    (g.doc.nodes.find((n) => n.id === ids.save)!.params as Record<string, string>).path = 'out/bypass-bypassed.safetensors';
    const bypassed = await runAndCollect(service(), g.doc, { baseDir: dir });
    expect(bypassed.finished?.status).toBe('ok');
    expect(eventsOf(bypassed.events, 'node-started').some((e) => e.nodeId === ids.apply)).toBe(false);
    expect(tensorBytes(path.join(dir, 'out/bypass-bypassed.safetensors')).equals(base)).toBe(true);
    expect(eventsOf(bypassed.events, 'log').some((e) => e.nodeId === ids.apply && /Bypassed/.test(e.message))).toBe(true);

    apply.mode = 'mute';
    (g.doc.nodes.find((n) => n.id === ids.save)!.params as Record<string, string>).path = 'out/bypass-muted.safetensors';
    const muted = await runAndCollect(service(), g.doc, { baseDir: dir });
    expect(muted.finished?.status).toBe('ok');
    expect(existsSync(path.join(dir, 'out/bypass-muted.safetensors'))).toBe(false);
    expect(eventsOf(muted.events, 'node-finished').some((e) => e.nodeId === ids.inspect)).toBe(true);
  });

  it('reports a bug in a node impl as "internal" with the stack as its cause', async () => {
    const broken = defineNodeImpl(saveReport, async () => {
      throw new TypeError('undefined is not a function');
    });
    const s = service({ nodeImpls: countingNodeImpls([broken]).registry });
    const g = new GraphBuilder();
    const lora = g.node(T.loadLora, { path: 'style-lora.safetensors' });
    const inspect = g.node(T.inspect, { spectra: false, perModule: false });
    const report = g.node(T.saveReport, { path: 'out/report.json' });
    g.edge(lora, 'lora', inspect, 'loras');
    g.edge(inspect, 'report', report, 'reports');
    const r = await runAndCollect(s, g.doc, { baseDir: dir });
    const failed = eventsOf(r.events, 'node-failed')[0]!;
    expect(failed).toMatchObject({ nodeId: report, code: 'internal', message: 'undefined is not a function' });
    expect((failed as { cause?: string }).cause).toMatch(/TypeError/);
  });

  it('stops an export mid-way: node-cancelled, run cancelled, no partial file, an existing output untouched', async () => {
    const s = service({ nodeImplOptions: { hashInputs: false, debugDelayMs: 15 } });
    const { g, ids } = bakeGraph('out/stopped.safetensors');
    const out = path.join(dir, 'out/stopped.safetensors');
    writeFileSync(out, 'previous version');
    let stopped = false;
    const r = await runAndCollect(s, g.doc, { baseDir: dir }, {}, (e, runId) => {
      if (!stopped && e.type === 'node-progress' && e.nodeId === ids.save && e.fraction > 0.05) {
        stopped = true;
        void s.stopRun(runId);
      }
    });
    expect(stopped).toBe(true);
    expect(r.finished?.status).toBe('cancelled');
    expect(eventsOf(r.events, 'node-cancelled').map((e) => e.nodeId)).toEqual([ids.save]);
    expect(readFileSync(out, 'utf8')).toBe('previous version');
    expect(readdirSync(path.dirname(out)).filter((n) => n.includes('lora-studio-tmp'))).toEqual([]);
    expect(await s.getActiveRun()).toBeNull();
  });

  it('kills the workers when a stopped run does not stop by itself, and the next run works', async () => {
    const stubborn = defineNodeImpl(saveReport, async ({ pool }) => {
      // A node impl that ignores Stop: its pool task never checks a signal.
      await (await pool()).run('ping', { busyMs: 30_000 });
      return {};
    });
    const s = service({ nodeImpls: countingNodeImpls([stubborn]).registry, stopGraceMs: 300 });
    const g = new GraphBuilder();
    const lora = g.node(T.loadLora, { path: 'style-lora.safetensors' });
    const inspect = g.node(T.inspect, { spectra: false, perModule: false, perBlock: false });
    const report = g.node(T.saveReport, { path: 'out/stubborn.json' });
    g.edge(lora, 'lora', inspect, 'loras');
    g.edge(inspect, 'report', report, 'reports');
    const t0 = Date.now();
    const r = await runAndCollect(s, g.doc, { baseDir: dir }, {}, (e, runId) => {
      if (e.type === 'node-started' && e.nodeId === report) setTimeout(() => void s.stopRun(runId), 100);
    });
    expect(r.finished?.status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(eventsOf(r.events, 'log').some((e) => /killed/.test(e.message))).toBe(true);
    const { g: g2 } = bakeGraph('out/after-kill.safetensors');
    const again = await runAndCollect(s, g2.doc, { baseDir: dir });
    expect(again.finished?.status).toBe('ok');
  });

  it('refuses a run that would not fit in memory, with the numbers, before any node runs', async () => {
    const s = service({ availableMemoryBytes: () => 64 * 2 ** 20 });
    const { g } = bakeGraph('out/too-big.safetensors');
    const problems = await s.validateGraph(g.doc, { baseDir: dir });
    const memory = problems.find((p) => p.code === 'insufficient-memory');
    expect(memory?.severity).toBe('error');
    expect(memory?.message).toMatch(/needs about [\d.]+ GiB of memory but 0\.06 GiB is available/);
    const r = await runAndCollect(s, g.doc, { baseDir: dir });
    expect(r.finished?.status).toBe('failed');
    expect(r.finished?.error?.code).toBe('insufficient-memory');
    expect(eventsOf(r.events, 'node-started')).toEqual([]);
    const started = eventsOf(r.events, 'run-started')[0]!;
    expect(started.memory!.availableBytes).toBe(64 * 2 ** 20);
    expect(started.memory!.estimatedPeakBytes).toBeGreaterThan(64 * 2 ** 20);
    expect(existsSync(path.join(dir, 'out/too-big.safetensors'))).toBe(false);
  });

  it('answers busy while a run is going, and knows the active run', async () => {
    const s = service({ nodeImplOptions: { hashInputs: false, debugDelayMs: 5 } });
    const { g } = bakeGraph('out/busy.safetensors');
    const first = await s.runGraph(g.doc, {}, { baseDir: dir });
    expect(first.status).toBe('started');
    if (first.status !== 'started') return;
    expect(await s.runGraph(g.doc, {}, { baseDir: dir })).toEqual({ status: 'busy', runId: first.runId });
    expect((await s.getActiveRun())?.runId).toBe(first.runId);
    await s.stopRun(first.runId);
    expect((await s.waitForRun(first.runId)).status).toBe('cancelled');
    expect(await s.stopRun(first.runId)).toEqual({ stopped: false });
  });
});
