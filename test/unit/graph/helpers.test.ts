/** The executor's small parts: path resolution, progress throttling and ETA, the memory estimate, output conflicts. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineChecks } from '../../../main/engine/graph/checks/index.js';
import { availableMemory } from '../../../main/engine/graph/memory-estimate.js';
import { createNodeProgress, type ProgressReport } from '../../../main/engine/graph/node-progress.js';
import { resolveFilePath, resolveOutputPath, resolvePlanPaths } from '../../../main/engine/graph/plan-paths.js';
import { documentToPlan } from '../../../shared/graph/plan.js';
import { NODE_REGISTRY } from '../../../shared/nodes/catalogue/index.js';
import { GraphBuilder, T } from '../shared/builder.js';

describe('plan paths', () => {
  it('resolves relative file params against the graph folder and redirects outputs into outputDir', () => {
    expect(resolveFilePath('a/b.safetensors', { baseDir: '/g' })).toBe('/g/a/b.safetensors');
    expect(resolveFilePath('/abs/x.safetensors', { baseDir: '/g' })).toBe('/abs/x.safetensors');
    expect(resolveOutputPath('../out/m.safetensors', { baseDir: '/g/examples', outputDir: '/tmp/o' })).toBe('/tmp/o/m.safetensors');
    const g = new GraphBuilder();
    const m = g.node(T.loadModel, { path: 'base.safetensors' });
    const s = g.node(T.saveModel, { path: 'out/x.safetensors' });
    g.edge(m, 'model', s, 'model');
    const plan = resolvePlanPaths(documentToPlan(g.doc, NODE_REGISTRY), NODE_REGISTRY, { baseDir: '/g', outputDir: '/o' });
    expect(plan.nodes.find((n) => n.id === m)!.params.path).toBe('/g/base.safetensors');
    expect(plan.nodes.find((n) => n.id === s)!.params.path).toBe('/o/x.safetensors');
  });
});

describe('node progress', () => {
  it('throttles to one event per 100 ms, always reports completion, and extrapolates an ETA', () => {
    let now = 0;
    const seen: ProgressReport[] = [];
    const p = createNodeProgress((r) => seen.push(r), () => now);
    p({ fraction: 0.01 });
    now = 50;
    p({ fraction: 0.1 });
    now = 1000;
    p({ fraction: 0.25, message: 'tensor 10/40' });
    now = 1010;
    p({ fraction: 1 });
    expect(seen.map((s) => s.fraction)).toEqual([0.01, 0.25, 1]);
    expect(seen[0]!.etaMs).toBeNull();
    expect(seen[1]).toEqual({ fraction: 0.25, etaMs: 3000, message: 'tensor 10/40' });
    expect(seen[2]!.etaMs).toBe(0);
    p({ fraction: 7 });
    expect(seen).toHaveLength(3);
  });
});

describe('memory estimate', () => {
  it('reads a limit from LORA_STUDIO_MEMORY_LIMIT, refusing a bad one', () => {
    expect(availableMemory({ LORA_STUDIO_MEMORY_LIMIT: '2GiB' })).toBe(2 ** 31);
    expect(() => availableMemory({ LORA_STUDIO_MEMORY_LIMIT: 'lots' })).toThrow(/LORA_STUDIO_MEMORY_LIMIT="lots" is not a size/);
  });
});

describe('engine checks', () => {
  it('reports two outputs writing the same file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ls-conflict-'));
    const g = new GraphBuilder();
    const l = g.node(T.loadLora, { path: 'a.safetensors' });
    const i = g.node(T.inspect, {});
    const r1 = g.node(T.saveReport, { path: 'out/r.json' });
    const r2 = g.node(T.saveReport, { path: 'out/../out/r.json' });
    g.edge(l, 'lora', i, 'loras');
    g.edge(i, 'report', r1, 'reports');
    g.edge(i, 'report', r2, 'reports');
    const { problems } = await engineChecks(g.doc, NODE_REGISTRY, { paths: { baseDir: dir }, workers: 1, availableMemoryBytes: 2 ** 40 });
    expect(problems.find((p) => p.code === 'output-conflict')).toMatchObject({ nodeId: r2, severity: 'error' });
  });
});
