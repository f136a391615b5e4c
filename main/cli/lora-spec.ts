/**
 * `--lora <file|dir>[:<strength>]`: the strength follows the last colon when it parses as a number, so
 * paths with colons (C:\…, odd file names) still work.
 */
import { UsageError } from './errors.js';

export interface LoraSpec {
  path: string;
  strength: number;
}

export function parseLoraSpec(spec: string, defaultStrength = 1): LoraSpec {
  const i = spec.lastIndexOf(':');
  if (i > 0) {
    const tail = spec.slice(i + 1);
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(tail)) {
      const strength = Number(tail);
      return { path: spec.slice(0, i), strength };
    }
    if (/^[+-]?[\d.]/.test(tail) && !tail.includes('/') && !tail.includes('\\')) {
      throw new UsageError(`--lora ${spec}: "${tail}" after the last ':' is not a number (write <file>:<strength>, e.g. style.safetensors:0.8).`);
    }
  }
  if (spec.length === 0) throw new UsageError('--lora needs a file or directory.');
  return { path: spec, strength: defaultStrength };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseNumberOption(name: string, raw: string | undefined, check?: (n: number) => string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name} ${raw}: not a number.`);
  const problem = check?.(n);
  if (problem) throw new UsageError(`${name} ${raw}: ${problem}`);
  return n;
}
