/**
 * Mutation fuzzing of the readers of untrusted input: safetensors headers (length prefix + JSON) and PEFT
 * adapter configs. Each case starts from a valid seed and applies a few random mutations (byte flips,
 * insertions, deletions, truncation, and JSON-aware ones: wrong types, huge or negative numbers, duplicate
 * keys, deep nesting, NaN, prototype keys). A case is accepted, refused with an EngineError code, or a crash
 * (any other exception): crashes must be 0. Used by test/bench/fuzz-readers.bench.ts (≥ 100,000 cases with a
 * time budget) and by the regular suite (a few thousand, test/unit/hardening/fuzz-readers.test.ts).
 */
import { EngineError } from '../../main/engine/errors.js';
import { parsePeftConfigText } from '../../main/engine/adapters/peft-config.js';
import { parseHeader, readHeaderLength } from '../../main/engine/tensor-io/safetensors-header.js';

export interface FuzzStats {
  cases: number;
  accepted: number;
  /** Refusals by error code. */
  refused: Record<string, number>;
  crashes: { input: string; error: string }[];
  slowest: { ms: number; target: string; input: string };
  ms: number;
}

/** mulberry32: small, fast, seedable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER_SEED = JSON.stringify({
  __metadata__: { format: 'pt', ss_network_dim: '4' },
  'lora_unet_mid.lora_down.weight': { dtype: 'F16', shape: [4, 8], data_offsets: [0, 64] },
  'lora_unet_mid.lora_up.weight': { dtype: 'F32', shape: [8, 4], data_offsets: [64, 192] },
  'lora_unet_mid.alpha': { dtype: 'BF16', shape: [], data_offsets: [192, 194] },
});
const DATA_BYTES = 194;

const CONFIG_SEED = JSON.stringify({
  peft_type: 'LORA', task_type: 'SEQ_CLS', r: 8, lora_alpha: 16, use_rslora: false, use_dora: false, fan_in_fan_out: false,
  target_modules: ['q_lin', 'v_lin'], modules_to_save: ['classifier'], rank_pattern: { q_lin: 4 }, alpha_pattern: {}, base_model_name_or_path: 'distilbert-base-uncased',
});

const TOKENS = ['"', '{', '}', '[', ']', ',', ':', '-1', '1e309', 'NaN', 'null', 'true', '"__proto__"', '"constructor"', '9007199254740993', '0.5', '""', '\\u0000', '\\ud800', '"F8_E4M3"', '"I64"', '[]', '{}'];

function mutateText(text: string, r: () => number): string {
  let s = text;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (s.length + 1));
    switch (Math.floor(r() * 9)) {
      case 0: // delete a span
        s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 8));
        break;
      case 1: // insert a JSON token
        s = s.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)]! + s.slice(at);
        break;
      case 2: // replace a char by a random one (control characters included)
        s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x80)) + s.slice(at + 1);
        break;
      case 3: // replace a number by an extreme one
        s = s.replace(/\d+/, () => ['0', '-1', '1e400', '4294967296', '18446744073709551616', '1.5', '9007199254740993'][Math.floor(r() * 7)]!);
        break;
      case 4: // duplicate a key-value pair at the top level
        s = s.replace(/^\{("[^"]+":\{[^}]*\})/, (_m, kv: string) => `{${kv},${kv}`);
        break;
      case 5: {
        // deep nesting: unbalanced somewhere, or a balanced value in place of one (valid JSON)
        const depth = 1 + Math.floor(r() * 5000);
        s = r() < 0.5 ? s.slice(0, at) + '['.repeat(depth) + s.slice(at) : s.replace(/:(\[[^\]]*\]|\d+|"[^"]*")/, `:${'['.repeat(depth)}${']'.repeat(depth)}`);
        break;
      }
      case 6: // truncate
        s = s.slice(0, at);
        break;
      case 7: // swap a value type
        s = s.replace(/"shape":\[[^\]]*\]|"r":\d+|"lora_alpha":\d+|"dtype":"[^"]*"/, (m) => `${m.split(':')[0]}:${['"x"', 'null', '{}', '[-1]', '[1e9,1e9,1e9]', '-3', 'NaN'][Math.floor(r() * 7)]}`);
        break;
      default: // rename a key to a prototype name
        s = s.replace(/"[a-z_]+":/, `"${['__proto__', 'constructor', 'toString', 'hasOwnProperty'][Math.floor(r() * 4)]}":`);
        break;
    }
  }
  return s;
}

const encoder = new TextEncoder();

/** A safetensors file's bytes from header text, with a random length prefix now and then. */
function headerCase(text: string, r: () => number): { prefix: Uint8Array; header: Uint8Array; fileSize: number } {
  const header = encoder.encode(text);
  const prefix = new Uint8Array(8);
  const dv = new DataView(prefix.buffer);
  const roll = r();
  if (roll < 0.05) dv.setBigUint64(0, BigInt(Math.floor(r() * 2 ** 53)) * 4096n, true);
  else if (roll < 0.1) dv.setBigUint64(0, BigInt(Math.max(0, header.byteLength - 1 - Math.floor(r() * 16))), true);
  else dv.setBigUint64(0, BigInt(header.byteLength), true);
  const fileSize = r() < 0.1 ? Math.floor(r() * (8 + header.byteLength + DATA_BYTES)) : 8 + header.byteLength + DATA_BYTES;
  return { prefix, header, fileSize };
}

function classify(stats: FuzzStats, run: () => void, target: string, input: string): void {
  const t0 = performance.now();
  try {
    run();
    stats.accepted++;
  } catch (err) {
    if (err instanceof EngineError) stats.refused[err.code] = (stats.refused[err.code] ?? 0) + 1;
    else stats.crashes.push({ input: input.slice(0, 300), error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
  const ms = performance.now() - t0;
  if (ms > stats.slowest.ms) stats.slowest = { ms, target, input: input.slice(0, 120) };
}

/** Runs up to `cases` cases (half headers, half PEFT configs) or until `budgetMs` has passed. */
export function fuzzReaders(options: { cases: number; budgetMs: number; seed?: number }): FuzzStats {
  const r = rng(options.seed ?? 1);
  const stats: FuzzStats = { cases: 0, accepted: 0, refused: {}, crashes: [], slowest: { ms: 0, target: '', input: '' }, ms: 0 };
  const started = performance.now();
  while (stats.cases < options.cases && performance.now() - started < options.budgetMs) {
    stats.cases++;
    if (stats.cases % 2 === 0) {
      const text = mutateText(HEADER_SEED, r);
      const c = headerCase(text, r);
      classify(stats, () => {
        const len = readHeaderLength('fuzz.safetensors', c.prefix, c.fileSize);
        parseHeader('fuzz.safetensors', c.header.subarray(0, Math.min(len, c.header.byteLength)), c.fileSize);
      }, 'safetensors header', text);
    } else {
      const text = mutateText(CONFIG_SEED, r);
      classify(stats, () => void parsePeftConfigText(text, 'adapter_config.json'), 'PEFT config', text);
    }
  }
  stats.ms = performance.now() - started;
  return stats;
}
