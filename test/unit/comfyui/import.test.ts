/**
 * ComfyUI workflow import (shared/comfyui) on workflows written from ComfyUI's documented formats
 * (test/fixtures/comfyui): UI format 0.4 and 1 (links as objects, subgraphs), API format, stackers,
 * bypassed / muted loaders, a malformed file. The produced graphs are checked with the shared validator.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComfyWorkflowError, detectComfyWorkflow, importComfyWorkflow, importReportLines, importReportSchema, parseComfyWorkflowText, type ModelResolver } from '../../../shared/comfyui/index.js';
import type { GraphDocument } from '../../../shared/graph/document.js';
import { validateGraph } from '../../../shared/graph/validate.js';
import { NODE_REGISTRY, NODE_TYPES } from '../../../shared/nodes/catalogue/index.js';
import { repoRoot } from '../../helpers/cli.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'comfyui', name), 'utf8')) as unknown;
const MISSING = new Set(['sdxl/pixel-art-xl.safetensors']);
const resolve: ModelResolver = (folder, name) => ({ path: `/models/${folder}/${name}`, found: !MISSING.has(name) });
const importFixture = (name: string) => importComfyWorkflow(fixture(name), { workflow: name, resolve });

interface Step {
  lora: string;
  strength: unknown;
  teStrength: unknown;
}

/** Walks the graph from each Save Model back to its Load Model: the base file and the Apply LoRA steps in chain order. */
function chains(doc: GraphDocument): { output: unknown; base: unknown; steps: Step[] }[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const into = (id: string, port: string) => doc.edges.find((e) => e.target === id && e.targetPort === port);
  return doc.nodes
    .filter((n) => n.type === NODE_TYPES.saveModel)
    .map((save) => {
      const steps: Step[] = [];
      let cur = byId.get(into(save.id, 'model')!.source)!;
      while (cur.type === NODE_TYPES.applyLora) {
        const lora = byId.get(into(cur.id, 'lora')!.source)!;
        expect(lora.type).toBe(NODE_TYPES.loadLora);
        steps.unshift({ lora: String(lora.params.path), strength: cur.params.strength, teStrength: cur.params.teStrength });
        cur = byId.get(into(cur.id, 'model')!.source)!;
      }
      expect(cur.type).toBe(NODE_TYPES.loadModel);
      return { output: save.params.path, base: cur.params.path, steps };
    });
}

const errorsOf = (doc: GraphDocument) => validateGraph(doc, NODE_REGISTRY).filter((p) => p.severity === 'error');

describe('ComfyUI import: UI format 0.4', () => {
  it('turns checkpoint → LoraLoader → LoraLoader into Load Model → Apply LoRA ×2 → Save Model, strengths in chain order', () => {
    const { document, report } = importFixture('txt2img-two-loras.json');
    expect(chains(document)).toEqual([
      {
        output: 'txt2img-two-loras-merged.safetensors',
        base: '/models/checkpoints/sd15-tiny.safetensors',
        steps: [
          { lora: '/models/loras/style/style-lora.safetensors', strength: 0.8, teStrength: 0.7 },
          { lora: '/models/loras/character-lora.safetensors', strength: 0.6, teStrength: 0.5 },
        ],
      },
    ]);
    expect(errorsOf(document)).toEqual([]);
    // The user's title of a LoraLoader names its Load LoRA node.
    expect(document.nodes.find((n) => n.type === NODE_TYPES.loadLora && n.title === 'Style')).toBeDefined();
    expect(report.format).toBe('ui');
    expect(report.formatVersion).toBe(0.4);
    expect(report.notImported.map((g) => [g.type, g.nodes.map((n) => n.id)])).toEqual([
      ['EmptyLatentImage', ['5']],
      ['CLIPTextEncode', ['6', '7']],
      ['KSampler', ['3']],
      ['VAEDecode', ['8']],
      ['SaveImage', ['9']],
    ]);
    expect(report.skipped).toEqual([]);
    expect(report.unresolved).toEqual([]);
    expect(importReportSchema.parse(report)).toEqual(report);
  });

  it('lays the chain out left to right without two nodes on the same spot', () => {
    const { document } = importFixture('txt2img-two-loras.json');
    const spots = document.nodes.map((n) => `${n.position.x},${n.position.y}`);
    expect(new Set(spots).size).toBe(spots.length);
    const x = (type: string) => document.nodes.filter((n) => n.type === type).map((n) => n.position.x);
    expect(Math.max(...x(NODE_TYPES.loadModel))).toBeLessThan(Math.min(...x(NODE_TYPES.applyLora)));
    expect(Math.max(...x(NODE_TYPES.applyLora))).toBeLessThan(Math.min(...x(NODE_TYPES.saveModel)));
  });
});

describe('ComfyUI import: UI format 1 (links as objects)', () => {
  it('skips a bypassed and a muted LoraLoader (the model passes through), follows a Reroute', () => {
    const { document, report } = importFixture('bypassed-lora.json');
    expect(chains(document)).toEqual([
      { output: 'bypassed-lora-merged.safetensors', base: '/models/checkpoints/sd15-tiny.safetensors', steps: [{ lora: '/models/loras/character-lora.safetensors', strength: 0.75, teStrength: 0.25 }] },
    ]);
    expect(report.formatVersion).toBe(1);
    expect(report.skipped.map((s) => [s.comfyNode, s.reason])).toEqual([
      ['2', 'bypassed: passes the model through (style/style-lora.safetensors not applied)'],
      ['5', 'muted: passes the model through (locon-lora.safetensors not applied)'],
    ]);
    expect(report.skipped[0]!.title).toBe('Style (off for now)');
    expect(report.notImported.map((g) => g.type)).toEqual(['KSampler', 'Note']);
  });

  it('expands a subgraph: its inner LoRA loaders join the chain through the subgraph input and output', () => {
    const { document, report } = importFixture('subgraph.json');
    expect(chains(document)).toEqual([
      {
        output: 'subgraph-merged.safetensors',
        base: '/models/checkpoints/sd15-tiny.safetensors',
        steps: [
          { lora: '/models/loras/style/style-lora.safetensors', strength: 0.7, teStrength: 0 },
          { lora: '/models/loras/character-lora.safetensors', strength: 0.4, teStrength: 0 },
        ],
      },
    ]);
    expect(report.outputs[0]!.loras.map((l) => l.comfyNode)).toEqual(['2:5', '2:6']);
  });
});

describe('ComfyUI import: SDXL with LoraLoaderModelOnly', () => {
  it('applies model-only LoRAs with text-encoder strength 0; an unfound file is a missing-file path, not a failure; the refiner has nothing to bake', () => {
    const { document, report } = importFixture('sdxl-model-only.json');
    expect(chains(document)).toEqual([
      {
        output: 'sdxl-model-only-merged.safetensors',
        base: '/models/checkpoints/sdxl/sd_xl_base_1.0.safetensors',
        steps: [
          { lora: '/models/loras/sdxl/detail-tweaker-xl.safetensors', strength: 0.9, teStrength: 0 },
          { lora: '/models/loras/sdxl/pixel-art-xl.safetensors', strength: 1.2, teStrength: 0 },
        ],
      },
    ]);
    expect(document.nodes.find((n) => n.type === NODE_TYPES.loadModel)?.title).toBe('Base');
    expect(report.unresolved).toEqual([{ folder: 'loras', name: 'sdxl/pixel-art-xl.safetensors', comfyNode: '21' }]);
    expect(report.skipped).toEqual([{ comfyNode: '12', type: 'CheckpointLoaderSimple', title: 'Refiner', reason: 'no LoRA is applied to sdxl/sd_xl_refiner_1.0.safetensors: nothing to bake' }]);
    expect(report.notImported.map((g) => g.type)).toEqual(['CLIPTextEncodeSDXL', 'CLIPTextEncodeSDXLRefiner', 'KSamplerAdvanced', 'VAEDecode']);
  });
});

describe('ComfyUI import: API format', () => {
  it('reads class_type / inputs, follows [id, slot] links, and reads a strength given by a primitive node', () => {
    const value = fixture('api-format.json');
    expect(detectComfyWorkflow(value)).toBe('api');
    const { document, report } = importComfyWorkflow(value, { workflow: 'api-format.json', resolve });
    expect(chains(document)).toEqual([
      {
        output: 'api-format-merged.safetensors',
        base: '/models/checkpoints/sd15-tiny.safetensors',
        steps: [
          { lora: '/models/loras/style/style-lora.safetensors', strength: 0.8, teStrength: 0.7 },
          { lora: '/models/loras/character-lora.safetensors', strength: 0.5, teStrength: 0 },
        ],
      },
    ]);
    expect(report.format).toBe('api');
    expect(report.formatVersion).toBeNull();
    expect(report.notImported.find((g) => g.type === 'PrimitiveFloat')?.nodes).toEqual([{ id: '13', title: 'Character strength' }]);
    expect(errorsOf(document)).toEqual([]);
  });

  it('reads rgthree Power Lora Loader slots in the API format (switched-off slots left out, strengthTwo as the text-encoder strength)', () => {
    const { document, report } = importComfyWorkflow(
      {
        '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'flux\\base.safetensors' } },
        '2': {
          class_type: 'Power Lora Loader (rgthree)',
          inputs: {
            PowerLoraLoaderHeaderWidget: { type: 'PowerLoraLoaderHeaderWidget' },
            lora_2: { on: true, lora: 'b.safetensors', strength: 0.5, strengthTwo: 0.25 },
            lora_1: { on: true, lora: 'a.safetensors', strength: 0.9 },
            lora_3: { on: false, lora: 'c.safetensors', strength: 1 },
            '➕ Add Lora': '',
            model: ['1', 0],
            clip: ['1', 1],
          },
        },
      },
      { workflow: 'flux.json', resolve },
    );
    expect(chains(document)[0]!.steps).toEqual([
      { lora: '/models/loras/a.safetensors', strength: 0.9, teStrength: 0.9 },
      { lora: '/models/loras/b.safetensors', strength: 0.5, teStrength: 0.25 },
    ]);
    expect(report.skipped.map((s) => s.reason)).toEqual(['c.safetensors is switched off']);
    expect(report.outputs[0]!.base.name).toBe('flux\\base.safetensors');
  });
});

describe('ComfyUI import: stackers', () => {
  it('applies CR LoRA Stack (incoming stack first), then Power Lora Loader slots, then LoraLoader|pysssss, in chain order', () => {
    const { document, report } = importFixture('stackers.json');
    expect(chains(document)[0]!.steps).toEqual([
      { lora: '/models/loras/style/style-lora.safetensors', strength: 0.8, teStrength: 0.6 },
      { lora: '/models/loras/character-lora.safetensors', strength: 0.5, teStrength: 0 },
      { lora: '/models/loras/locon-lora.safetensors', strength: 0.4, teStrength: 0.4 },
      { lora: '/models/loras/character-lora.safetensors', strength: 0.3, teStrength: 0.1 },
      { lora: '/models/loras/style/style-lora.safetensors', strength: 0.2, teStrength: 0.3 },
    ]);
    expect(report.skipped.map((s) => [s.comfyNode, s.reason])).toEqual([
      ['2', 'slot 2 (locon-lora.safetensors) is switched off'],
      ['5', 'style/style-lora.safetensors is switched off'],
    ]);
    expect(report.notImported.map((g) => g.type)).toEqual(['KSampler']);
  });
});

describe('ComfyUI import: other loaders', () => {
  it('CheckpointLoader (config + checkpoint widgets, UI format) and UNETLoader (diffusion model: text-encoder parts not baked, Allow unmatched on, said in the report)', () => {
    const ui = {
      version: 0.4,
      nodes: [
        { id: 1, type: 'CheckpointLoader', mode: 0, outputs: [{ name: 'MODEL', links: [1] }], widgets_values: ['v1-inference.yaml', 'sd15/base.safetensors'] },
        { id: 2, type: 'LoraLoader', mode: 0, inputs: [{ name: 'model', link: 1 }], widgets_values: ['a.safetensors', 0.5, 0.25] },
      ],
      links: [[1, 1, 0, 2, 0, 'MODEL']],
    };
    expect(chains(importComfyWorkflow(ui, { workflow: 'ckpt.json', resolve }).document)[0]).toMatchObject({ base: '/models/checkpoints/sd15/base.safetensors', steps: [{ strength: 0.5, teStrength: 0.25 }] });

    const api = {
      '1': { class_type: 'UNETLoader', inputs: { unet_name: 'flux1-dev.safetensors', weight_dtype: 'default' } },
      '2': { class_type: 'LoraLoader', inputs: { lora_name: 'flux-style.safetensors', strength_model: 1, strength_clip: 1, model: ['1', 0], clip: ['3', 0] } },
      '3': { class_type: 'DualCLIPLoader', inputs: { clip_name1: 't5xxl.safetensors', clip_name2: 'clip_l.safetensors', type: 'flux' } },
    };
    const { document, report } = importComfyWorkflow(api, { workflow: 'flux.json', resolve });
    expect(chains(document)[0]!.base).toBe('/models/diffusion_models/flux1-dev.safetensors');
    expect(document.nodes.find((n) => n.type === NODE_TYPES.applyLora)?.params.allowUnmatched).toBe(true);
    expect(report.notes[0]).toMatch(/flux1-dev\.safetensors is a diffusion model without text encoders/);
    expect(report.notImported.map((g) => g.type)).toEqual(['DualCLIPLoader']);
  });
});

describe('ComfyUI import: branches and dead ends', () => {
  it('one checkpoint with two LoRA branches gets one Save Model per branch and keeps the shared step once', () => {
    const value = {
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'base.safetensors' } },
      '2': { class_type: 'LoraLoader', inputs: { lora_name: 'shared.safetensors', strength_model: 1, strength_clip: 1, model: ['1', 0], clip: ['1', 1] } },
      '3': { class_type: 'LoraLoaderModelOnly', inputs: { lora_name: 'left.safetensors', strength_model: 0.5, model: ['2', 0] } },
      '4': { class_type: 'LoraLoaderModelOnly', inputs: { lora_name: 'right.safetensors', strength_model: 0.25, model: ['2', 0] } },
      '5': { class_type: 'LoraLoaderModelOnly', inputs: { lora_name: 'after-sampling.safetensors', strength_model: 1, model: ['6', 0] } },
      '6': { class_type: 'ModelSamplingDiscrete', inputs: { sampling: 'eps', zsnr: false, model: ['1', 0] } },
    };
    const { document, report } = importComfyWorkflow(value, { workflow: 'branches.json', resolve });
    const found = chains(document);
    expect(found.map((c) => c.steps.map((s) => s.lora.split('/').pop()))).toEqual([
      ['shared.safetensors', 'left.safetensors'],
      ['shared.safetensors', 'right.safetensors'],
    ]);
    expect(new Set(found.map((c) => c.output)).size).toBe(2);
    expect(document.nodes.filter((n) => n.type === NODE_TYPES.loadLora && n.params.path === '/models/loras/shared.safetensors')).toHaveLength(1);
    expect(report.skipped).toEqual([
      { comfyNode: '5', type: 'LoraLoaderModelOnly', reason: expect.stringMatching(/^not imported: its model comes from ModelSamplingDiscrete \(node 6\), which is neither a checkpoint loader nor a LoRA loader/) as string },
    ]);
    const spots = document.nodes.map((n) => `${n.position.x},${n.position.y}`);
    expect(new Set(spots).size).toBe(spots.length);
  });

  it('tolerates deleted links saved as null; says that group nodes are not expanded', () => {
    const ui = {
      version: 0.4,
      nodes: [
        { id: 1, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['base.safetensors'] },
        { id: 2, type: 'LoraLoaderModelOnly', mode: 0, inputs: [{ name: 'model', link: 1 }], widgets_values: ['a.safetensors', 0.5] },
        { id: 3, type: 'workflow>My samplers', mode: 0, inputs: [{ name: 'model', link: 2 }], widgets_values: [] },
      ],
      links: [null, [1, 1, 0, 2, 0, 'MODEL'], [2, 2, 0, 3, 0, 'MODEL']],
    };
    const { document, report } = importComfyWorkflow(ui, { workflow: 'groups.json', resolve });
    expect(chains(document)[0]!.steps).toEqual([{ lora: '/models/loras/a.safetensors', strength: 0.5, teStrength: 0 }]);
    expect(report.notes).toEqual([expect.stringMatching(/^Group nodes \("workflow>…"\) are not expanded/)]);
  });

  it('a workflow without a LoRA chain gives an empty graph and says so', () => {
    const { document, report } = importComfyWorkflow({ '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'x.safetensors' } } }, { workflow: 'plain.json', resolve });
    expect(document.nodes).toEqual([]);
    expect(report.notes).toContain('No checkpoint loader → LoRA loader chain was found: the graph is empty.');
  });
});

describe('ComfyUI import: bad input', () => {
  it('a malformed workflow is an error naming the file and the node', () => {
    let error: unknown;
    try {
      importFixture('malformed.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComfyWorkflowError);
    const e = error as ComfyWorkflowError;
    expect(e.code).toBe('invalid-workflow');
    expect(e.node).toBe('7');
    expect(e.message).toMatch(/^"malformed\.json": node 7 is malformed: type: /);
    expect(e.hint).toMatch(/Export/);
  });

  it('an API-format node without class_type names its id; invalid JSON and other JSON are refused with the file name', () => {
    expect(() => importComfyWorkflow({ '3': { class_type: 'KSampler', inputs: 5 } }, { workflow: 'w.json', resolve })).toThrow(/"w\.json": node 3 \(KSampler\) is malformed: inputs/);
    expect(() => parseComfyWorkflowText('{"nodes": [', 'broken.json')).toThrow(/"broken\.json" is not valid JSON/);
    expect(() => importComfyWorkflow({ format: 'lora-studio-graph', nodes: [] }, { workflow: 'g.json', resolve })).toThrow(/"g\.json" is not a ComfyUI workflow/);
  });

  it('the report reads as lines for a terminal', () => {
    const { report } = importFixture('sdxl-model-only.json');
    const text = importReportLines(report).join('\n');
    expect(text).toMatch(/^Imported sdxl-model-only\.json \(ComfyUI UI format 0\.4\): 1 model to bake\./);
    expect(text).toContain('+ sdxl/detail-tweaker-xl.safetensors  strength 0.9, text encoder 0');
    expect(text).toContain('loras/sdxl/pixel-art-xl.safetensors (node 21)');
    expect(text).toContain('KSamplerAdvanced ×2 (nodes 10, 11)');
  });
});
