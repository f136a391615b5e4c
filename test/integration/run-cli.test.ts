/**
 * `lora-studio run` end to end through the bundled CLI: a graph file with relative paths, --set, --json,
 * --out-dir, problems with node ids and titles, a failing node's message and exit code, Ctrl-C.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeGraph } from '../../shared/graph/codec.js';
import { generateDemoFiles } from '../../main/engine/demo/index.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { repoRoot, runCliProcess } from '../helpers/cli.js';
import { GraphBuilder, T } from '../unit/shared/builder.js';

let root: string;
let graphFile: string;
const env = { LORA_STUDIO_WORKERS: '2' };

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'ls-run-'));
  await generateDemoFiles(path.join(root, 'demo'));
  cpSync(path.join(repoRoot, 'assets', 'examples'), path.join(root, 'examples'), { recursive: true });
  const g = new GraphBuilder();
  const m = g.node(T.loadModel, { path: '../demo/sd15-tiny.safetensors' }, { id: 'base' });
  const l = g.node(T.loadLora, { path: '../demo/style-lora.safetensors' }, { id: 'style', title: 'Style' });
  const a = g.node(T.applyLora, { strength: 0.5 }, { id: 'apply' });
  const s = g.node(T.saveModel, { path: '../out/merged.safetensors' }, { id: 'save' });
  g.edge(m, 'model', a, 'model');
  g.edge(l, 'lora', a, 'lora');
  g.edge(a, 'model', s, 'model');
  graphFile = path.join(root, 'graphs', 'bake.json');
  cpSync(path.join(root, 'examples'), path.join(root, 'graphs'), { recursive: true });
  writeFileSync(graphFile, serializeGraph(g.doc));
});

describe('lora-studio run', () => {
  it('runs a graph with paths relative to its folder; --set changes a param; --json prints the result', async () => {
    const r = await runCliProcess(['run', graphFile, '--set', 'save.dtype=fp32', '--set', 'apply.strength=0.25', '--json', '--no-hash'], { env });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { status: string; outputs: { files: { path: string; nodeId: string }[] } };
    expect(result.status).toBe('ok');
    const out = path.join(root, 'out', 'merged.safetensors');
    expect(result.outputs.files).toMatchObject([{ nodeId: 'save', path: out }]);
    const f = await SafetensorsFile.open(out);
    const dtypes = new Set(f.entries.filter((e) => e.dtype !== 'I64').map((e) => e.dtype));
    const recipe = JSON.parse(f.metadata['lora_studio.recipe']!) as { params: { steps: { strength: number }[] } };
    await f.close();
    expect(dtypes).toEqual(new Set(['F32']));
    expect(recipe.params.steps[0]!.strength).toBe(0.25);
    expect(r.stderr).toMatch(/Apply LoRA \(apply\).*strength 0\.25/);
    expect(r.stderr).toMatch(/Save Model \(save\)/);
  });

  it('an existing output is not written over without a yes: exit 1 with the file named, --overwrite, or number the file', async () => {
    const out = path.join(root, 'out', 'merged.safetensors');
    expect(existsSync(out)).toBe(true); // from the test above
    const before = readFileSync(out);
    const refused = await runCliProcess(['run', graphFile, '--set', 'apply.strength=0.3', '--no-hash'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`“${out}” already exists`);
    expect(refused.stderr).toMatch(/--overwrite/);
    expect(readFileSync(out).equals(before)).toBe(true);
    const yes = await runCliProcess(['run', graphFile, '--set', 'apply.strength=0.3', '--no-hash', '--overwrite'], { env });
    expect(yes.code).toBe(0);
    expect(readFileSync(out).equals(before)).toBe(false);
    const numbered = await runCliProcess(['run', graphFile, '--set', 'save.ifExists=number', '--no-hash'], { env });
    expect(numbered.code).toBe(0);
    expect(numbered.stdout.trim().split('\n')).toContain(path.join(root, 'out', 'merged_00001.safetensors'));
  });

  it('prints the written files on stdout and progress on stderr; --out-dir redirects outputs', async () => {
    const outDir = path.join(root, 'elsewhere');
    const r = await runCliProcess(['run', path.join(root, 'examples', 'resize-rank.json'), '--out-dir', outDir], { env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain(path.join(outDir, 'style-rank4.safetensors'));
    expect(lines).toContain(path.join(outDir, 'resize-report.json'));
    expect(r.stdout).toMatch(/report Resize Rank \(resize-rank-1\)/);
    expect(r.stderr).toMatch(/running 4 nodes on \w+/);
    expect(r.stderr).toMatch(/✓ Resize Rank \(resize-rank-1\)/);
    expect(JSON.parse(readFileSync(path.join(outDir, 'resize-report.json'), 'utf8')).reports).toHaveLength(1);
  });

  it('lists every problem with node id and title, and exits 1 without running', async () => {
    const bad = path.join(root, 'graphs', 'bad.json');
    const doc = JSON.parse(readFileSync(graphFile, 'utf8')) as { nodes: { id: string; params: Record<string, unknown> }[] };
    doc.nodes.find((n) => n.id === 'style')!.params.path = 'missing.safetensors';
    doc.nodes.find((n) => n.id === 'apply')!.params.strength = 1000;
    writeFileSync(bad, JSON.stringify(doc));
    const r = await runCliProcess(['run', bad], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: \[style\] Style: the file “.*missing\.safetensors” does not exist\./);
    expect(r.stderr).toMatch(/error: \[apply\] Apply LoRA: Strength/);
    expect(r.stderr).toMatch(/cannot run: 2 problems/);
    expect(r.stdout).toBe('');
  });

  it('exits 1 with the failing node’s message', async () => {
    const g = new GraphBuilder();
    const m = g.node(T.loadModel, { path: '../demo/distilbert-tiny.safetensors' }, { id: 'bert' });
    const n = g.node(T.newLora, { targets: ['no_such_layer'] }, { id: 'fresh' });
    const p = g.node(T.probe, {}, { id: 'probe' });
    g.edge(m, 'model', n, 'model');
    g.edge(m, 'model', p, 'model');
    g.edge(n, 'lora', p, 'lora');
    const file = path.join(root, 'graphs', 'fails.json');
    writeFileSync(file, serializeGraph(g.doc));
    const r = await runCliProcess(['run', file, '-q'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✗ New LoRA \(fresh\) failed: New LoRA: no layer of .* matches "no_such_layer"/);
    expect(r.stderr).toMatch(/hint: /);
  });

  it('refuses a bad --set with exit 2, naming what exists', async () => {
    const r1 = await runCliProcess(['run', graphFile, '--set', 'nosuch.strength=1'], { env });
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/no node or connection "nosuch"; nodes: base, style, apply, save/);
    const r2 = await runCliProcess(['run', graphFile, '--set', 'apply.force=1'], { env });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/Apply LoRA has no param "force"; it has: strength, teStrength, allowUnmatched/);
    const r3 = await runCliProcess(['run', graphFile, '--set', 'apply.strength=strong'], { env });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/"strong" is not a number/);
  });

  it('refuses a graph file from a newer LoRA Studio', async () => {
    const newer = path.join(root, 'graphs', 'newer.json');
    writeFileSync(newer, JSON.stringify({ format: 'lora-studio-graph', version: 99, nodes: [], edges: [] }));
    const r = await runCliProcess(['run', newer], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/newer/i);
  });

  it('Ctrl-C stops a run: exit 130 and no partial output', async () => {
    const out = path.join(root, 'out', 'interrupted.safetensors');
    let sent = false;
    const r = await runCliProcess(['run', graphFile, '--set', 'save.path=../out/interrupted.safetensors'], {
      env: { ...env, LORA_STUDIO_DEBUG_DELAY_MS: '30' },
      onStderr: (text, kill) => {
        // Once: a second Ctrl-C means "exit now" (and may cut the messages short).
        if (!sent && /Save Model \(save\)\s+[\d.]+%/.test(text)) {
          sent = true;
          kill('SIGINT');
        }
      },
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/stopped/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(path.dirname(out)).filter((n) => n.includes('lora-studio-tmp'))).toEqual([]);
  });
});
