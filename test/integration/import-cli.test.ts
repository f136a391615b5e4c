/**
 * `lora-studio import` end to end through the bundled CLI, on real files: the demo checkpoint and LoRAs laid
 * out as a ComfyUI models folder in a temporary directory; the imported graph is then run with
 * `lora-studio run` and the merged checkpoint checked (its recipe holds the workflow's strengths in order).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importReportSchema } from '../../shared/comfyui/index.js';
import { parseGraph } from '../../shared/graph/codec.js';
import { generateDemoFiles } from '../../main/engine/demo/index.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { repoRoot, runCliProcess } from '../helpers/cli.js';

const env = { LORA_STUDIO_WORKERS: '2' };
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'comfyui');
let root: string;
let comfy: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'ls-import-'));
  const demo = path.join(root, 'demo');
  await generateDemoFiles(demo);
  // A ComfyUI install: ComfyUI/models/{checkpoints,loras/style}.
  comfy = path.join(root, 'ComfyUI');
  const models = path.join(comfy, 'models');
  mkdirSync(path.join(models, 'checkpoints'), { recursive: true });
  mkdirSync(path.join(models, 'loras', 'style'), { recursive: true });
  cpSync(path.join(demo, 'sd15-tiny.safetensors'), path.join(models, 'checkpoints', 'sd15-tiny.safetensors'));
  cpSync(path.join(demo, 'style-lora.safetensors'), path.join(models, 'loras', 'style', 'style-lora.safetensors'));
  cpSync(path.join(demo, 'character-lora.safetensors'), path.join(models, 'loras', 'character-lora.safetensors'));
});

/** The LoRA steps the merged file's recipe records, in order: [LoRA label, strength, text-encoder strength of its Apply LoRA]. */
async function recipeSteps(file: string): Promise<[string, number, unknown][]> {
  const f = await SafetensorsFile.open(file);
  const recipe = JSON.parse(f.metadata['lora_studio.recipe']!) as {
    params: { steps: { lora: string; strength: number }[]; graph: { type: string; params: { teStrength?: unknown } }[] };
  };
  await f.close();
  const applies = recipe.params.graph.filter((n) => n.type === 'lora-studio/apply-lora');
  return recipe.params.steps.map((s, i) => [s.lora, s.strength, applies[i]?.params.teStrength]);
}

describe('lora-studio import', () => {
  it('imports a UI-format workflow against a ComfyUI root, and the graph runs: the merged model has the chain’s strengths in order', async () => {
    const graph = path.join(root, 'graphs', 'txt2img.json');
    mkdirSync(path.dirname(graph), { recursive: true });
    const r = await runCliProcess(['import', path.join(fixtures, 'txt2img-two-loras.json'), '--models-dir', comfy, '--out', graph, '--json'], { env });
    expect(r.stderr).toMatch(/Imported .*txt2img-two-loras\.json \(ComfyUI UI format 0\.4\): 1 model to bake\./);
    expect(r.stderr).toContain('+ style/style-lora.safetensors  strength 0.8, text encoder 0.7');
    expect(r.stderr).toMatch(/KSampler ×1 \(node 3\)/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { graph: string; report: unknown };
    expect(out.graph).toBe(graph);
    const report = importReportSchema.parse(out.report);
    expect(report.unresolved).toEqual([]);
    expect(report.outputs[0]!.loras.map((l) => l.path)).toEqual([
      path.join(comfy, 'models', 'loras', 'style', 'style-lora.safetensors'),
      path.join(comfy, 'models', 'loras', 'character-lora.safetensors'),
    ]);
    parseGraph(readFileSync(graph, 'utf8'), { file: graph });

    const run = await runCliProcess(['run', graph, '--no-hash', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const merged = path.join(root, 'graphs', 'txt2img-two-loras-merged.safetensors');
    expect(existsSync(merged)).toBe(true);
    expect(await recipeSteps(merged)).toEqual([
      ['style-lora.safetensors', 0.8, 0.7],
      ['character-lora.safetensors', 0.6, 0.5],
    ]);
  });

  it('imports an API-format workflow with folders from an extra_model_paths.yaml, and it runs', async () => {
    const yamlFile = path.join(root, 'extra_model_paths.yaml');
    writeFileSync(
      yamlFile,
      ['# as in ComfyUI extra_model_paths.yaml.example', 'comfyui:', '    base_path: ComfyUI/', '    is_default: true', '    checkpoints: models/checkpoints/', '    loras: |', '        models/nowhere', '        models/loras', ''].join('\n'),
    );
    const graph = path.join(root, 'api', 'graph.json');
    mkdirSync(path.dirname(graph), { recursive: true });
    const r = await runCliProcess(['import', path.join(fixtures, 'api-format.json'), '--extra-model-paths', yamlFile, '--out', graph], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ComfyUI API format/);
    expect(r.stderr).not.toMatch(/Not found/);
    const run = await runCliProcess(['run', graph, '--no-hash'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(await recipeSteps(path.join(root, 'api', 'api-format-merged.safetensors'))).toEqual([
      ['style-lora.safetensors', 0.8, 0.7],
      ['character-lora.safetensors', 0.5, 0],
    ]);
  });

  it('a file not in the models folder is not a failed import: the report lists it and run names the node with the missing file', async () => {
    const graph = path.join(root, 'missing', 'graph.json');
    mkdirSync(path.dirname(graph), { recursive: true });
    const r = await runCliProcess(['import', path.join(fixtures, 'sdxl-model-only.json'), '--models-dir', path.join(comfy, 'models'), '--out', graph], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Not found in the models folders');
    expect(r.stderr).toContain('checkpoints/sdxl/sd_xl_base_1.0.safetensors (node 4)');
    const run = await runCliProcess(['run', graph], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/load-model-1/);
    expect(run.stderr).toContain(path.join(comfy, 'models', 'checkpoints', 'sdxl', 'sd_xl_base_1.0.safetensors'));
  });

  it('a malformed workflow is an error naming the file and the node; nothing is written', async () => {
    const graph = path.join(root, 'bad', 'graph.json');
    const r = await runCliProcess(['import', path.join(fixtures, 'malformed.json'), '--out', graph], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/malformed\.json": node 7 is malformed: type:/);
    expect(r.stderr).toMatch(/hint: Re-export the workflow/);
    expect(existsSync(graph)).toBe(false);
  });

  it('refuses to replace a file that is not a graph, and a missing models folder is a clear error', async () => {
    const notGraph = path.join(root, 'keep.json');
    writeFileSync(notGraph, '{"mine": true}\n');
    const r = await runCliProcess(['import', path.join(fixtures, 'txt2img-two-loras.json'), '--out', notGraph], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a LoRA Studio graph; it was not replaced/);
    expect(readFileSync(notGraph, 'utf8')).toBe('{"mine": true}\n');
    const m = await runCliProcess(['import', path.join(fixtures, 'txt2img-two-loras.json'), '--models-dir', path.join(root, 'nope'), '--out', path.join(root, 'x.json')], { env });
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/The models folder ".*nope" does not exist/);
  });
});
