/**
 * Streaming I/O throughput: the safetensors writer (plain and with the streaming data hash), tensor reads
 * (async through a source, sync by entry), and the one-pass file hashes. Prints GB/s.
 * Run: node --import tsx test/bench/tensor-io.bench.ts [total MB, default 1024] [tensor MB, default 16]
 * The temporary directory is on the OS temp disk (set TMPDIR to measure another); the page cache is warm
 * for the reads, as it is when a merge reads a base it just hashed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { computeFileHashes } from '../../main/engine/tensor-io/hashes.js';
import { readTensorBytesSync } from '../../main/engine/tensor-io/positional-read.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { createSafetensorsWriter } from '../../main/engine/tensor-io/safetensors-writer.js';

const totalMB = Number(process.argv[2] ?? 1024);
const tensorMB = Number(process.argv[3] ?? 16);
const tensorBytes = tensorMB * 1024 * 1024;
const count = Math.max(1, Math.round(totalMB / tensorMB));
const dir = mkdtempSync(path.join(tmpdir(), 'ls-bench-io-'));
const payload = new Uint8Array(tensorBytes);
for (let i = 0; i < payload.length; i += 4096) payload[i] = i & 0xff;
const plan = Array.from({ length: count }, (_, i) => ({ name: `model.layers.${i}.weight`, dtype: 'F16' as const, shape: [tensorBytes / 2] }));
const gbps = (bytes: number, ms: number) => `${(bytes / 1e9 / (ms / 1000)).toFixed(2)} GB/s`;
const total = count * tensorBytes;

async function write(file: string, hashData: boolean): Promise<number> {
  const t0 = performance.now();
  const w = await createSafetensorsWriter(file, plan, { format: 'pt' }, { hashData });
  for (const p of plan) await w.write(p.name, payload);
  if (hashData) w.dataSha256();
  await w.commit();
  return performance.now() - t0;
}

try {
  console.log(`tensor-io I/O, ${count} tensors × ${tensorMB} MB = ${(total / 1e9).toFixed(2)} GB in ${dir} (node ${process.version}):`);
  const file = path.join(dir, 'bench.safetensors');
  // Two passes each: the first often pays for the page cache flushing earlier work; both are printed.
  const plain = [await write(file, false), await write(file, false)];
  console.log(`  write, fsync + rename at commit     ${plain.map((ms) => gbps(total, ms)).join(', ')}`);
  const hashedFile = path.join(dir, 'bench-hashed.safetensors');
  const hashed = [await write(hashedFile, true), await write(hashedFile, true)];
  console.log(`  write with streaming sha256         ${hashed.map((ms) => gbps(total, ms)).join(', ')}`);
  rmSync(hashedFile);

  const src = await SafetensorsFile.open(file);
  const buf = new Uint8Array(tensorBytes);
  let t0 = performance.now();
  for (const p of plan) await src.readBytes(p.name, buf);
  console.log(`  read async (reused buffer)          ${gbps(total, performance.now() - t0)}`);
  t0 = performance.now();
  for (const e of src.entries) readTensorBytesSync(e, buf);
  console.log(`  read sync (readTensorBytesSync)     ${gbps(total, performance.now() - t0)}`);
  await src.close();

  t0 = performance.now();
  await computeFileHashes(file);
  console.log(`  hashes (sha256 + sshs, one pass)    ${gbps(total, performance.now() - t0)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
