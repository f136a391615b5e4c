import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  CATEGORY_INFO,
  NODE_CATEGORIES,
  NODE_REGISTRY,
  NODE_TYPES,
  NodeRegistry,
  PORT_TYPE_INFO,
  blockWeights,
  combineLoras,
  loadLora,
  loadModel,
  matchedAlias,
  saveLora,
  defineNode,
  mergeModels,
  param,
  selectLoraLayers,
  type AnyNodeDefinition,
  type NodeCheckIssue,
  type NodeParams,
} from '../../../shared/nodes/index.js';

const checkOf = (d: AnyNodeDefinition, params: Record<string, unknown>, connected: Record<string, number> = {}): NodeCheckIssue[] =>
  d.check?.(d.paramsSchema.parse({ ...d.defaults(), ...params }), { connected }) ?? [];

describe('the catalogue', () => {
  it('has every node of issue 4, with stable ids', () => {
    expect(Object.values(NODE_TYPES)).toEqual(NODE_REGISTRY.types());
    for (const title of [
      'Load Model', 'Load LoRA', 'New LoRA', 'Scale LoRA', 'Block Weights', 'Select LoRA Layers', 'Select Model Layers', 'Combine LoRAs',
      'Apply LoRA', 'Merge Models', 'Resize Rank', 'Extract LoRA', 'Save Model', 'Save LoRA', 'Inspect', 'Probe',
    ]) {
      expect(CATALOGUE.some((d) => d.title === title), title).toBe(true);
    }
  });

  it('sinks are exactly the nodes that write or report', () => {
    expect(CATALOGUE.filter((d) => d.sink).map((d) => d.title)).toEqual(['Save Model', 'Save LoRA', 'Save Report', 'Inspect', 'Probe']);
  });

  it('every definition is documented and its defaults parse (except paths the user must choose)', () => {
    for (const d of CATALOGUE) {
      expect(d.description.length, d.type).toBeGreaterThan(10);
      expect(d.docs.length, d.type).toBeGreaterThan(40);
      expect(CATEGORY_INFO[d.category]).toBeDefined();
      for (const [k, f] of Object.entries(d.params)) expect(f.label && f.description, `${d.type}.${k}`).toBeTruthy();
      const r = d.paramsSchema.safeParse(d.defaults());
      const failing = r.success ? [] : r.error.issues.map((i) => String(i.path[0]));
      const pathParams = Object.entries(d.params).filter(([, f]) => f.widget.kind === 'file').map(([k]) => k);
      expect(failing.every((k) => pathParams.includes(k)), `${d.type}: ${failing.join(',')}`).toBe(true);
      const withPaths = { ...d.defaults(), ...Object.fromEntries(pathParams.map((k) => [k, 'x.safetensors'])) };
      expect(d.paramsSchema.safeParse(withPaths).success, d.type).toBe(true);
    }
  });

  it('only multi-input ports carry edge params; Combine LoRAs has a weight per input', () => {
    const port = combineLoras.inputs.find((p) => p.name === 'loras');
    expect(port).toMatchObject({ multiple: true, required: true, type: 'lora' });
    expect(Object.keys(port?.edgeParams ?? {})).toEqual(['weight']);
    expect(combineLoras.edgeParamsSchemas.loras?.parse({})).toEqual({ weight: 1 });
  });

  it('has the combine methods and params of issue 3', () => {
    const methods = combineLoras.params.method.widget.kind === 'enum' ? combineLoras.params.method.widget.options.map((o) => o.value) : [];
    // From the one table of methods (shared/merge-methods.ts).
    expect(methods).toEqual(['concat', 'svd', 'task_arithmetic', 'magnitude_prune', 'ties', 'dare_linear', 'dare_ties', 'kohya']);
    const p: NodeParams<typeof combineLoras> = combineLoras.paramsSchema.parse({ method: 'ties', density: 0.2 });
    expect(p).toMatchObject({ method: 'ties', density: 0.2, rank: 32, majority: 'total', seed: 0 });
    expect(combineLoras.paramsSchema.safeParse({ density: 0 }).success).toBe(false);
    expect(combineLoras.paramsSchema.safeParse({ density: 1 }).success).toBe(true);
  });
});

describe('definition checks', () => {
  it('Block Weights: custom needs a vector of the layout’s length; SD1 presets refuse SDXL', () => {
    expect(checkOf(blockWeights, { preset: 'custom' }).map((i) => i.code)).toEqual(['needs-weights']);
    expect(checkOf(blockWeights, { preset: 'custom', weights: new Array(17).fill(1), layout: 'sdxl-12' }).map((i) => i.code)).toEqual(['layout-length']);
    expect(checkOf(blockWeights, { preset: 'custom', weights: new Array(12).fill(1), layout: 'sdxl-12' })).toEqual([]);
    expect(checkOf(blockWeights, { preset: 'OUTD', layout: 'sdxl-20' }).map((i) => i.code)).toEqual(['preset-layout']);
    expect(checkOf(blockWeights, { preset: 'OUTD', layout: 'sd1-26' })).toEqual([]);
    expect(blockWeights.paramsSchema.safeParse({ elements: 'IN99::1' }).success).toBe(false);
  });

  it('Merge Models: add difference needs C, weighted sum warns about it', () => {
    expect(checkOf(mergeModels, { mode: 'add_difference' }, { a: 1, b: 1, c: 0 })).toMatchObject([{ code: 'needs-input-c', port: 'c' }]);
    expect(checkOf(mergeModels, { mode: 'add_difference' }, { a: 1, b: 1, c: 1 })).toEqual([]);
    expect(checkOf(mergeModels, { mode: 'weighted_sum' }, { a: 1, b: 1, c: 1 })).toMatchObject([{ code: 'unused-input-c', severity: 'warning' }]);
  });

  it('Select Layers needs something to select by, and valid patterns and blocks', () => {
    expect(checkOf(selectLoraLayers, {}).map((i) => i.code)).toEqual(['empty-selection']);
    expect(checkOf(selectLoraLayers, { blocks: ['IN04-OUT05'] })).toEqual([]);
    expect(selectLoraLayers.paramsSchema.safeParse({ patterns: ['re:('] }).success).toBe(false);
    expect(selectLoraLayers.paramsSchema.safeParse({ blocks: ['OUT05-IN04'] }).success).toBe(false);
  });

  it('Resize Rank: dynamic parameter ranges per method', () => {
    const resize = NODE_REGISTRY.get(NODE_TYPES.resizeRank) as AnyNodeDefinition;
    expect(checkOf(resize, { method: 'sv_ratio', dynamicParam: 0.5 }).map((i) => i.code)).toEqual(['dynamic-param-range']);
    expect(checkOf(resize, { method: 'sv_fro', dynamicParam: 1.5 }).map((i) => i.code)).toEqual(['dynamic-param-range']);
    expect(checkOf(resize, { method: 'sv_fro', dynamicParam: 0.9 })).toEqual([]);
  });
});

describe('the registry', () => {
  it('groups by category in library order and colours ports', () => {
    const groups = NODE_REGISTRY.byCategory().map((g) => g.category);
    expect(groups).toEqual(NODE_CATEGORIES.filter((c) => groups.includes(c)));
    expect(Object.keys(PORT_TYPE_INFO)).toEqual(['model', 'lora', 'report']);
  });

  it('offers the nodes that fit a dragged port', () => {
    const takesReport = NODE_REGISTRY.accepting('report').map((m) => `${m.definition.title}.${m.port}`);
    expect(takesReport).toEqual(['Save Report.reports']);
    const makesModel = NODE_REGISTRY.producing('model').map((m) => m.definition.title);
    expect(makesModel).toEqual(['Load Model', 'Apply LoRA', 'Bake LoRAs', 'Merge Models', 'Select Model Layers']);
  });

  it('finds nodes by the names ComfyUI gives them, and says which name matched', () => {
    const first = (q: string) => NODE_REGISTRY.search(q)[0]?.title;
    expect(first('LoraLoader')).toBe('Load LoRA');
    expect(NODE_REGISTRY.search('LoraLoader').map((d) => d.title).slice(0, 2)).toEqual(['Load LoRA', 'Apply LoRA']);
    expect(first('loraloadermodelonly')).toBe('Load LoRA');
    expect(first('CheckpointLoaderSimple')).toBe('Load Model');
    expect(first('Save Checkpoint')).toBe('Save Model');
    expect(first('CheckpointSave')).toBe('Save Model');
    expect(first('ModelMergeSimple')).toBe('Merge Models');
    expect(first('ModelMergeSubtract')).toBe('Merge Models');
    expect(matchedAlias(loadLora, 'lora loader')).toBe('LoraLoader');
    expect(matchedAlias(loadModel, 'checkpointloader')).toBe('CheckpointLoader');
    expect(matchedAlias(loadLora, 'lor')).toBeUndefined();
    expect(matchedAlias(saveLora, 'LoraLoader')).toBeUndefined();
  });

  it('searches titles first, then keywords and descriptions', () => {
    expect(NODE_REGISTRY.search('ties')[0]?.title).toBe('Combine LoRAs');
    expect(NODE_REGISTRY.search('save')[0]?.title).toBe('Save Model');
    expect(NODE_REGISTRY.search('bake').map((d) => d.title)).toContain('Apply LoRA');
    expect(NODE_REGISTRY.search('lora load')[0]?.title).toBe('Load LoRA');
    expect(NODE_REGISTRY.search('zzzz')).toEqual([]);
    expect(NODE_REGISTRY.search('  ')).toHaveLength(CATALOGUE.length);
  });

  const base = {
    title: 'X',
    category: 'Utility' as const,
    description: 'x',
    docs: 'x',
    inputs: [],
    outputs: [],
    params: { n: param.number({ label: 'N', description: 'n', default: 1 }) },
  };

  it('refuses malformed definitions at construction', () => {
    const ok = defineNode({ ...base, type: 'test/x', version: 1 });
    expect(() => new NodeRegistry([ok, ok])).toThrow(/defined twice/);
    expect(() => new NodeRegistry([defineNode({ ...base, type: 'Bad Id', version: 1 })])).toThrow(/lora-studio\/kebab-name/);
    expect(() => new NodeRegistry([defineNode({ ...base, type: 'test/v2', version: 2 })])).toThrow(/needs 1 migrations/);
    expect(() =>
      new NodeRegistry([defineNode({ ...base, type: 'test/m', version: 2, migrations: [{ from: 2, description: '', migrate: (p) => ({ ...p }) }] })]),
    ).toThrow(/from version 1/);
    const lora = { name: 'lora', label: 'L', type: 'lora' as const, description: '', required: true, multiple: false, edgeParams: base.params };
    expect(() => new NodeRegistry([defineNode({ ...base, type: 'test/e', version: 1, inputs: [lora] })])).toThrow(/edge params/);
    expect(() => new NodeRegistry([defineNode({ ...base, type: 'test/p', version: 1, inputs: [{ ...lora, edgeParams: undefined }, { ...lora, edgeParams: undefined }] })])).toThrow(
      /defined twice/,
    );
    expect(() => new NodeRegistry([defineNode({ ...base, type: 'test/s', version: 1, params: { n: { ...base.params.n, showIf: { param: 'zz', oneOf: [1] } } } })])).toThrow(
      /unknown param zz/,
    );
  });
});
