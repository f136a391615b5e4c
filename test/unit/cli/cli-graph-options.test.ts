/**
 * Every option of the commands compiled to a graph (merge, combine, resize, extract) maps to a node param:
 * for each option the test passes a value and finds it in the `--print-graph` document, at the param the table
 * names. An option added without a mapping fails the first test. And every default `--help` prints is the value
 * the compiled graph holds when the option is not given.
 */
import type { Command, Option } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram, runCli } from '../../../main/cli/program.js';
import { RUN_OPTION_FLAGS } from '../../../main/cli/graph-command.js';
import type { GraphDocument, JsonValue } from '../../../shared/graph/document.js';

const COMMANDS = ['merge', 'combine', 'resize', 'extract'] as const;
type CommandName = (typeof COMMANDS)[number];

/** The flags a command cannot run without (paths need not exist: --print-graph reads no file). */
const REQUIRED: Record<CommandName, string[]> = {
  merge: ['--base', '/m/base.safetensors', '--lora', '/m/a.safetensors', '--out', '/m/out.safetensors'],
  combine: ['--lora', '/m/a.safetensors', '--lora', '/m/b.safetensors', '--out', '/m/out.safetensors'],
  resize: ['--lora', '/m/a.safetensors', '--out', '/m/out.safetensors'],
  extract: ['--base', '/m/base.safetensors', '--tuned', '/m/tuned.safetensors', '--out', '/m/out.safetensors'],
};

interface Mapping {
  /** Extra flags the option needs to apply (e.g. a method that reads it). */
  readonly with?: string[];
  readonly value?: string;
  readonly node: string;
  readonly param: string;
  /** The param sits on the connection into this port (Combine LoRAs' weight, Bake LoRAs' strength). */
  readonly edgePort?: string;
  readonly expected: JsonValue;
}

const T = (s: string): string => `lora-studio/${s}`;

/** Options that say how to run, not what to compute: no node param. Options needing a file are not listed here. */
const NOT_PARAMS = new Set<string>([...RUN_OPTION_FLAGS, '--verbose', '--help', '--lbw-presets']);

const MAP: Record<CommandName, Record<string, Mapping>> = {
  merge: {
    '--base': { node: T('load-model'), param: 'path', expected: '/m/base.safetensors' },
    '--lora': { value: '/m/a.safetensors:0.7', node: T('apply-lora'), param: 'strength', expected: 0.7 },
    '--out': { value: '/m/x.safetensors', node: T('save-model'), param: 'path', expected: '/m/x.safetensors' },
    '--dtype': { value: 'bf16', node: T('save-model'), param: 'dtype', expected: 'bf16' },
    '--allow-unmatched': { node: T('apply-lora'), param: 'allowUnmatched', expected: true },
    '--allow-nonfinite': { node: T('load-lora'), param: 'allowNonFinite', expected: true },
    '--accept-architecture-mismatch': { node: T('apply-lora'), param: 'acceptArchitectureMismatch', expected: true },
    '--max-shard-size': { value: '500KB', node: T('save-model'), param: 'maxShardSize', expected: '500KB' },
    '--method': { value: 'ties', node: T('bake-loras'), param: 'method', expected: 'ties' },
    '--density': { with: ['--method', 'dare_linear'], value: '0.3', node: T('bake-loras'), param: 'density', expected: 0.3 },
    '--seed': { with: ['--method', 'dare_ties'], value: '7', node: T('bake-loras'), param: 'seed', expected: 7 },
    '--majority': { with: ['--method', 'ties'], value: 'frequency', node: T('bake-loras'), param: 'majority', expected: 'frequency' },
    '--block-weights': { value: 'INALL', node: T('block-weights'), param: 'preset', expected: 'INALL' },
    '--te-strength': { value: '0.25', node: T('block-weights'), param: 'teStrength', expected: 0.25 },
    '--unet-strength': { value: '0.75', node: T('block-weights'), param: 'unetStrength', expected: 0.75 },
  },
  combine: {
    '--allow-nonfinite': { node: T('load-lora'), param: 'allowNonFinite', expected: true },
    '--lora': { value: '/m/a.safetensors:-0.4', node: T('combine-loras'), param: 'weight', edgePort: 'loras', expected: -0.4 },
    '--out': { value: '/m/x', node: T('save-lora'), param: 'path', expected: '/m/x' },
    '--format': { value: 'peft', node: T('save-lora'), param: 'format', expected: 'peft' },
    '--dtype': { value: 'fp16', node: T('save-lora'), param: 'dtype', expected: 'fp16' },
    '--method': { value: 'svd', node: T('combine-loras'), param: 'method', expected: 'svd' },
    '--rank': { with: ['--method', 'svd'], value: '8', node: T('combine-loras'), param: 'rank', expected: 8 },
    '--dynamic': { with: ['--method', 'svd'], value: 'sv_fro', node: T('combine-loras'), param: 'dynamic', expected: 'sv_fro' },
    '--param': { with: ['--method', 'svd', '--dynamic', 'sv_ratio'], value: '4', node: T('combine-loras'), param: 'dynamicParam', expected: 4 },
    '--density': { with: ['--method', 'ties'], value: '0.3', node: T('combine-loras'), param: 'density', expected: 0.3 },
    '--seed': { with: ['--method', 'dare_linear'], value: '3', node: T('combine-loras'), param: 'seed', expected: 3 },
    '--majority': { with: ['--method', 'dare_ties'], value: 'frequency', node: T('combine-loras'), param: 'majority', expected: 'frequency' },
    '--clamp-quantile': { with: ['--method', 'svd'], value: '0.99', node: T('combine-loras'), param: 'clampQuantile', expected: 0.99 },
    '--block-weights': { value: '1,0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1', node: T('block-weights'), param: 'weights', expected: [1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
    '--te-strength': { value: '0', node: T('block-weights'), param: 'teStrength', expected: 0 },
    '--unet-strength': { value: '2', node: T('block-weights'), param: 'unetStrength', expected: 2 },
  },
  resize: {
    '--allow-nonfinite': { node: T('load-lora'), param: 'allowNonFinite', expected: true },
    '--lora': { value: '/m/r.safetensors', node: T('load-lora'), param: 'path', expected: '/m/r.safetensors' },
    '--rank': { value: '4', node: T('resize-rank'), param: 'rank', expected: 4 },
    '--dynamic': { value: 'sv_cumulative', node: T('resize-rank'), param: 'method', expected: 'sv_cumulative' },
    '--param': { with: ['--dynamic', 'sv_fro'], value: '0.8', node: T('resize-rank'), param: 'dynamicParam', expected: 0.8 },
    '--conv-rank': { value: '2', node: T('resize-rank'), param: 'convRank', expected: 2 },
    '--out': { value: '/m/y.safetensors', node: T('save-lora'), param: 'path', expected: '/m/y.safetensors' },
    '--format': { value: 'kohya', node: T('save-lora'), param: 'format', expected: 'kohya' },
    '--dtype': { value: 'bf16', node: T('save-lora'), param: 'dtype', expected: 'bf16' },
  },
  extract: {
    '--base': { node: T('load-model'), param: 'path', expected: '/m/base.safetensors' },
    '--tuned': { node: T('load-model'), param: 'path', expected: '/m/tuned.safetensors' },
    '--rank': { value: '12', node: T('extract-lora'), param: 'rank', expected: 12 },
    '--dynamic': { value: 'sv_ratio', node: T('extract-lora'), param: 'method', expected: 'sv_ratio' },
    '--param': { with: ['--dynamic', 'sv_ratio'], value: '3', node: T('extract-lora'), param: 'dynamicParam', expected: 3 },
    '--conv-rank': { value: '4', node: T('extract-lora'), param: 'convRank', expected: 4 },
    '--threshold': { value: '0.5', node: T('extract-lora'), param: 'threshold', expected: 0.5 },
    '--no-text-encoders': { node: T('extract-lora'), param: 'textEncoders', expected: false },
    '--clamp-quantile': { value: '0.98', node: T('extract-lora'), param: 'clampQuantile', expected: 0.98 },
    '--seed': { value: '5', node: T('extract-lora'), param: 'seed', expected: 5 },
    '--out': { value: '/m/e', node: T('save-lora'), param: 'path', expected: '/m/e' },
    '--format': { value: 'peft', node: T('save-lora'), param: 'format', expected: 'peft' },
    '--dtype': { value: 'fp32', node: T('save-lora'), param: 'dtype', expected: 'fp32' },
  },
};

function commandOf(name: CommandName): Command {
  return buildProgram().commands.find((c) => c.name() === name)!;
}

function flagOf(o: Option): string {
  return o.long ?? o.short!;
}

afterEach(() => vi.restoreAllMocks());

/** The document `<command> <args> --print-graph` prints. */
async function printGraph(name: CommandName, args: string[]): Promise<GraphDocument> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await runCli([name, ...args, '--print-graph']);
  vi.restoreAllMocks();
  expect(code, `${name} ${args.join(' ')}`).toBe(0);
  return JSON.parse(out) as GraphDocument;
}

/** Replaces the value of a required flag (its first occurrence), or appends the flag. */
function withFlag(args: string[], flag: string, value: string | undefined): string[] {
  const i = args.indexOf(flag);
  if (i >= 0) return value === undefined ? args : [...args.slice(0, i + 1), value, ...args.slice(i + 2)];
  return value === undefined ? [...args, flag] : [...args, flag, value];
}

function paramValues(doc: GraphDocument, m: Mapping): JsonValue[] {
  if (m.edgePort) {
    const targets = new Set(doc.nodes.filter((n) => n.type === m.node).map((n) => n.id));
    return doc.edges.filter((e) => targets.has(e.target) && e.targetPort === m.edgePort).map((e) => e.params?.[m.param] ?? null);
  }
  return doc.nodes.filter((n) => n.type === m.node).map((n) => n.params[m.param] ?? null);
}

describe.each(COMMANDS)('lora-studio %s: options are node params', (name) => {
  it('every option is a run option or has a mapping to a node param', () => {
    const flags = commandOf(name).options.map(flagOf);
    const unmapped = flags.filter((f) => !NOT_PARAMS.has(f) && MAP[name][f] === undefined);
    expect(unmapped).toEqual([]);
    expect(Object.keys(MAP[name]).filter((f) => !flags.includes(f))).toEqual([]);
  });

  it.each(Object.entries(MAP[name]))('%s sets its param in the graph', async (flag, m) => {
    const args = withFlag([...REQUIRED[name], ...(m.with ?? [])], flag, m.value);
    const doc = await printGraph(name, args);
    expect(paramValues(doc, m)).toContainEqual(m.expected);
  });

  it('every default --help prints is the value the graph holds without the option', async () => {
    const doc = await printGraph(name, REQUIRED[name]);
    let checked = 0;
    for (const o of commandOf(name).options) {
      const m = MAP[name][flagOf(o)];
      const d = /; default ([^;()]+)$/.exec(o.description)?.[1];
      if (!m || d === undefined || m.with) continue;
      const values = paramValues(doc, m);
      // Per-LoRA options (--te-strength) make no node when absent: their default is the node param's default.
      if (values.length === 0) continue;
      for (const v of values) expect(Array.isArray(v) ? (v.length === 0 ? 'none' : v.join(',')) : v === '' ? 'none' : String(v), `${name} ${flagOf(o)}`).toBe(d);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('defaults of options that only apply with another option', () => {
  it('merge --method dare_linear --density 0.5 runs with the seed --help prints (0)', async () => {
    const doc = await printGraph('merge', [...REQUIRED.merge, '--method', 'dare_linear', '--density', '0.5']);
    const help = commandOf('merge').options.find((o) => o.long === '--seed')!.description;
    expect(help).toMatch(/; default 0$/);
    expect(doc.nodes.find((n) => n.type === T('bake-loras'))!.params).toMatchObject({ method: 'dare_linear', density: 0.5, seed: 0 });
  });

  it('combine --method ties uses the density and sign election --help prints', async () => {
    const doc = await printGraph('combine', [...REQUIRED.combine, '--method', 'ties']);
    const help = (flag: string): string => /; default ([^;()]+)$/.exec(commandOf('combine').options.find((o) => o.long === flag)!.description)![1]!;
    const params = doc.nodes.find((n) => n.type === T('combine-loras'))!.params;
    expect(String(params.density)).toBe(help('--density'));
    expect(String(params.majority)).toBe(help('--majority'));
    expect(String(params.rank)).toBe(help('--rank'));
  });
});
