/**
 * Throughput of the dtype conversions on one thread, in million elements per second.
 * Run: node --import tsx test/bench/float-convert.bench.ts [elements]
 * Inputs look like real weights (normal distribution, σ = 0.02, a few larger values) so branches behave as
 * they do on checkpoints; each figure is the best of several passes after a warm-up.
 */
import type { DType } from '../../main/engine/tensor-io/dtypes.js';
import { decodeFloat, encodeFloat } from '../../main/engine/tensor-io/float-convert.js';
import { seededRandom } from '../helpers/safetensors.js';

const n = Number(process.argv[2] ?? 1 << 24);
const rnd = seededRandom(1);
const values = new Float32Array(n);
for (let i = 0; i < n; i++) {
  const g = Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  values[i] = g * (i % 1024 === 0 ? 2 : 0.02);
}

function best(pass: () => void, passes = 7): number {
  pass();
  let fastest = Infinity;
  for (let p = 0; p < passes; p++) {
    const t0 = process.hrtime.bigint();
    pass();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return n / fastest / 1e6;
}

const rows: string[] = [];
const dtypes: DType[] = ['F16', 'BF16', 'F8_E4M3', 'F8_E5M2', 'F32'];
for (const dtype of dtypes) {
  const bytes = encodeFloat(values, dtype).slice();
  const outBytes = new Uint8Array(bytes.byteLength);
  const outValues = new Float32Array(n);
  const decode = best(() => decodeFloat(bytes, dtype, outValues));
  const encode = best(() => encodeFloat(values, dtype, { out: outBytes }));
  rows.push(`${dtype.padEnd(8)} decode ${decode.toFixed(0).padStart(6)} M elem/s   encode ${encode.toFixed(0).padStart(6)} M elem/s`);
}
console.log(`float-convert, ${n} elements, one thread (node ${process.version}):`);
for (const r of rows) console.log(`  ${r}`);
