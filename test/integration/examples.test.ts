/**
 * Every example graph of assets/examples runs, on freshly generated demo files, with its outputs redirected
 * into a temp folder (the examples and the demo folder are copied there, so the repository is not written).
 * Outputs are opened and checked for what each example promises.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGraph } from '../../shared/graph/codec.js';
import type { GraphDocument } from '../../shared/graph/index.js';
import { engineEventSchema, type EngineEvent } from '../../shared/ipc/events.js';
import type { Report } from '../../shared/ipc/reports.js';
import { generateDemoFiles } from '../../main/engine/demo/index.js';
import { createEngineService, type EngineService, type RunFinishedEvent } from '../../main/engine/service/index.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { repoRoot } from '../helpers/cli.js';

const examplesDir = path.join(repoRoot, 'assets', 'examples');
const exampleFiles = readdirSync(examplesDir).filter((n) => n.endsWith('.json')).sort();
let root: string;
let service: EngineService;
const events: EngineEvent[] = [];

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'ls-examples-'));
  cpSync(examplesDir, path.join(root, 'examples'), { recursive: true });
  await generateDemoFiles(path.join(root, 'demo'));
  service = createEngineService({ workers: 2, nodeImplOptions: { hashInputs: false } });
  service.onEvent((e) => events.push(e));
});
afterAll(async () => {
  await service.dispose();
});

/** Runs an example (changed by `edit`, its outputs then in a folder named `variant`), checking what every run promises. */
async function runExample(name: string, edit?: { variant: string; change: (doc: GraphDocument) => GraphDocument }): Promise<{ finished: RunFinishedEvent; outDir: string }> {
  const file = path.join(root, 'examples', name);
  const outDir = path.join(root, 'out', edit?.variant ?? name.replace(/\.json$/, ''));
  const parsed = parseGraph(readFileSync(file, 'utf8'), { file }).document;
  const doc = edit ? edit.change(parsed) : parsed;
  const problems = await service.validateGraph(doc, { baseDir: path.dirname(file), outputDir: outDir });
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  const start = await service.runGraph(doc, {}, { baseDir: path.dirname(file), outputDir: outDir });
  if (start.status !== 'started') throw new Error(`${name} did not start: ${JSON.stringify(start)}`);
  const finished = await service.waitForRun(start.runId);
  if (finished.status !== 'ok') throw new Error(`${name} ${finished.status}: ${finished.error?.message}`);
  for (const f of finished.outputs.files) {
    expect(path.dirname(f.path)).toBe(outDir);
    for (const written of f.files) expect(existsSync(written), written).toBe(true);
    // The size the run reports (the app's outputs list) is what is on disk: every file of the output.
    expect(f.bytes, f.path).toBe(f.files.reduce((sum, written) => sum + statSync(written).size, 0));
  }
  return { finished, outDir };
}

async function header(file: string): Promise<{ names: string[]; metadata: Record<string, string>; dtypes: Set<string> }> {
  const f = await SafetensorsFile.open(file);
  try {
    return { names: f.entries.map((e) => e.name), metadata: { ...f.metadata }, dtypes: new Set(f.entries.map((e) => e.dtype)) };
  } finally {
    await f.close();
  }
}

const section = <K extends Report['sections'][number]['kind']>(r: Report, kind: K) => r.sections.filter((s): s is Extract<Report['sections'][number], { kind: K }> => s.kind === kind);

describe('example graphs', () => {
  it('are all listed here', () => {
    expect(exampleFiles).toEqual([
      'bake-lora-stack.json',
      'bake-ties-merge.json',
      'combine-two-loras.json',
      'extract-lora.json',
      'inspect-and-probe.json',
      'merge-checkpoints.json',
      'resize-rank.json',
      'ties-merge-peft.json',
    ]);
  });

  it('combine-two-loras: one kohya LoRA whose modules carry both inputs’ ranks', async () => {
    const { finished } = await runExample('combine-two-loras.json');
    const lora = finished.outputs.files.find((f) => f.kind === 'lora')!;
    const f = await SafetensorsFile.open(lora.path);
    const ranks = new Set(f.entries.filter((e) => e.name.endsWith('.lora_down.weight')).map((e) => e.shape[0]));
    const metadata = { ...f.metadata };
    await f.close();
    // rank 8 (style only), 4 (character only), 8 + 4 = 12 where both have the module
    expect(ranks).toEqual(new Set([4, 8, 12]));
    expect(metadata.ss_network_module).toBe('networks.lora');
    // The recipe keeps the graph that made it, per-input weights included, so the output can be reproduced.
    const graph = JSON.parse(metadata['lora_studio.recipe']!).params.graph as { id: string; type: string; inputs: Record<string, { from: string; params?: { weight?: number } }[]> }[];
    expect(graph.map((n) => n.id)).toEqual(['load-lora-1', 'load-lora-2', 'combine-loras-1', 'save-lora-1']);
    const combine = graph.find((n) => n.id === 'combine-loras-1')!;
    expect(combine.inputs.loras!.map((i) => [i.from, i.params?.weight])).toEqual([
      ['load-lora-1.lora', 0.8],
      ['load-lora-2.lora', 0.6],
    ]);
  });

  it('bake-lora-stack: an fp16 checkpoint with the base’s tensor names', async () => {
    const { finished } = await runExample('bake-lora-stack.json');
    const out = await header(finished.outputs.files[0]!.path);
    const base = await header(path.join(root, 'demo', 'sd15-tiny.safetensors'));
    expect(out.names).toEqual(base.names);
    expect(out.dtypes).toEqual(new Set(['F16']));
    expect(JSON.parse(out.metadata['lora_studio.recipe']!).params.steps.map((s: { type: string }) => s.type)).toEqual(['apply-lora', 'apply-lora', 'apply-lora']);
  });

  it('bake-lora-stack in 2 MB shards: the output is the index, its size the shards and the index on disk', async () => {
    const { finished } = await runExample('bake-lora-stack.json', {
      variant: 'bake-lora-stack-sharded',
      change: (doc) => ({ ...doc, nodes: doc.nodes.map((n) => (n.id === 'save-model-1' ? { ...n, params: { ...n.params, maxShardSize: '2MB' } } : n)) }),
    });
    const output = finished.outputs.files[0]!;
    expect(output.path).toMatch(/\.index\.json$/);
    expect(output.files.length).toBeGreaterThan(3);
    expect(output.bytes).toBeGreaterThan(statSync(output.path).size);
  });

  it('bake-ties-merge: Bake LoRAs merges the two deltas with TIES while baking (the graph of merge --method ties)', async () => {
    const { finished } = await runExample('bake-ties-merge.json');
    const out = await header(finished.outputs.files[0]!.path);
    expect(out.dtypes).toEqual(new Set(['F16']));
    const steps = JSON.parse(out.metadata['lora_studio.recipe']!).params.steps as { type: string; method?: string; density?: number; loras?: { weight: number }[] }[];
    expect(steps).toMatchObject([{ type: 'task-vector-merge', method: 'ties', density: 0.5, loras: [{ weight: 0.8 }, { weight: 0.6 }] }]);
  });

  it('ties-merge-peft: a PEFT adapter directory and an Inspect report with sign conflicts', async () => {
    const { finished } = await runExample('ties-merge-peft.json');
    const adapter = finished.outputs.files.find((f) => f.kind === 'lora')!;
    expect(existsSync(path.join(adapter.path, 'adapter_config.json'))).toBe(true);
    expect(existsSync(path.join(adapter.path, 'adapter_model.safetensors'))).toBe(true);
    const report = finished.outputs.reports.find((r) => r.nodeType === 'lora-studio/inspect')!;
    const conflicts = section(report, 'sign-conflicts')[0]!;
    expect(conflicts.modules.length).toBeGreaterThan(0);
    expect(conflicts.overall).toBeGreaterThan(0.2);
    expect(conflicts.overall).toBeLessThan(0.8);
    const saved = JSON.parse(readFileSync(finished.outputs.files.find((f) => f.kind === 'report')!.path, 'utf8')) as { reports: Report[] };
    expect(saved.reports.map((r) => r.nodeType)).toEqual(['lora-studio/inspect']);
  });

  it('resize-rank: rank-4 modules and a report of retained energy', async () => {
    const { finished } = await runExample('resize-rank.json');
    const report = finished.outputs.reports.find((r) => r.nodeType === 'lora-studio/resize-rank')!;
    expect(section(report, 'table')[0]!.rows.length).toBe(132);
    const f = await SafetensorsFile.open(finished.outputs.files.find((x) => x.kind === 'lora')!.path);
    const downs = f.entries.filter((e) => e.name.endsWith('.lora_down.weight'));
    await f.close();
    expect(downs.length).toBe(132);
    expect(downs.every((e) => e.shape[0] === 4)).toBe(true);
  });

  it('extract-lora: the fine-tune’s rank-4 changes come back with (almost) all their energy', async () => {
    const { finished } = await runExample('extract-lora.json');
    const report = finished.outputs.reports.find((r) => r.nodeType === 'lora-studio/extract-lora')!;
    const rows = section(report, 'table')[0]!.rows;
    expect(rows.length).toBe(128);
    const summary = section(report, 'summary')[0]!;
    const retention = summary.items.find((i) => /retention/i.test(i.label))!;
    expect(String(retention.value)).toMatch(/^(99\.|100)/);
  });

  it('inspect-and-probe: fused and unfused agree to fp32 precision; a fresh LoRA changes nothing', async () => {
    const { finished } = await runExample('inspect-and-probe.json');
    const probes = finished.outputs.reports.filter((r) => r.nodeType === 'lora-studio/probe');
    expect(probes).toHaveLength(3);
    for (const p of probes) {
      const s = section(p, 'probe')[0]!;
      const fused = s.comparisons.find((c) => c.a === 'fused' && c.b === 'unfused')!;
      expect(fused.relativeL2).toBeLessThan(1e-6);
    }
    const fresh = section(probes.find((p) => p.title === 'Probe fresh LoRA')!, 'probe')[0]!;
    expect(fresh.comparisons.every((c) => c.maxAbsDiff === 0)).toBe(true);
    const random = section(probes.find((p) => p.title === 'Probe random LoRA')!, 'probe')[0]!;
    expect(random.comparisons.find((c) => c.a === 'unfused' && c.b === 'base')!.relativeL2).toBeGreaterThan(0.01);
    const inspect = finished.outputs.reports.find((r) => r.nodeType === 'lora-studio/inspect')!;
    expect(section(inspect, 'block-norms')[0]!.series.map((s) => s.source)).toEqual(['style-lora.safetensors', 'character-lora.safetensors']);
    expect(section(inspect, 'spectra')[0]!.series.length).toBeGreaterThan(0);
    expect(section(inspect, 'mapping')[0]!.entries.every((e) => e.unmatched.length === 0)).toBe(true);
  });

  it('merge-checkpoints: an fp16 checkpoint, the merge recorded in the recipe', async () => {
    const { finished } = await runExample('merge-checkpoints.json');
    const out = await header(finished.outputs.files[0]!.path);
    expect(out.dtypes.has('F16')).toBe(true);
    const steps = JSON.parse(out.metadata['lora_studio.recipe']!).params.steps as { type: string }[];
    expect(steps.map((s) => s.type)).toEqual(['merge-models', 'select-layers']);
  });

  it('every event the runs emitted matches the shared event schema', () => {
    expect(events.length).toBeGreaterThan(50);
    for (const e of events) expect(() => engineEventSchema.parse(e), JSON.stringify(e).slice(0, 300)).not.toThrow();
  });
});
